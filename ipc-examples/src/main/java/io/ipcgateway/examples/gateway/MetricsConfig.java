package io.ipcgateway.examples.gateway;

/**
 * The gateway's HTTP endpoint ({@code metrics:}): Prometheus {@code /metrics} and JSON {@code /health}, served by
 * ipc-metrics' {@code MetricsServer} (see {@code docs/gateway.md}).
 *
 * @param enabled whether the endpoint runs (default false).
 * @param host    the address to bind (default {@value #DEFAULT_HOST}, loopback only: metrics reveal subjects and
 *                traffic).
 * @param port    the TCP port, 0 for any free one (default {@value #DEFAULT_PORT}); the gateway prints the port it
 *                bound in its {@code METRICS} line.
 */
public record MetricsConfig(Boolean enabled, String host, Integer port)
{
    /** Default address: loopback. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Default port (the echo server's examples use 9464). */
    public static final int DEFAULT_PORT = 9465;
    /** All defaults: off. */
    public static final MetricsConfig DEFAULTS = new MetricsConfig(null, null, null);

    /**
     * Fills in defaults.
     *
     * @param enabled as the record's.
     * @param host    as the record's.
     * @param port    as the record's.
     */
    public MetricsConfig
    {
        enabled = enabled != null ? enabled : Boolean.FALSE;
        host = host != null ? host : DEFAULT_HOST;
        port = port != null ? port : DEFAULT_PORT;
    }
}
