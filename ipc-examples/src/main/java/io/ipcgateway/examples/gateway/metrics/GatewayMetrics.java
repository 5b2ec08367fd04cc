package io.ipcgateway.examples.gateway.metrics;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.ipcgateway.core.health.HealthIndicator;
import io.ipcgateway.examples.gateway.Gateway;
import io.ipcgateway.examples.gateway.GatewayStats;
import io.ipcgateway.examples.gateway.MetricsConfig;
import io.ipcgateway.metrics.CircuitBreakerCollector;
import io.ipcgateway.metrics.MetricsServer;
import io.ipcgateway.metrics.ShmCollector;
import io.ipcgateway.metrics.ShmHealth;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerHealthIndicator;
import io.ipcgateway.shm.ShmObserver;
import io.prometheus.client.CollectorRegistry;

/**
 * The gateway's HTTP endpoint, ipc-metrics' {@link MetricsServer} with:
 * <ul>
 *   <li>{@code /metrics}: the gateway's own families ({@link GatewayCollector}), its downstreams' circuit breakers
 *       ({@link CircuitBreakerCollector}, {@code ipc_circuit_breaker_*}, named {@code gateway-PREFIX}) and the
 *       shared-memory counters of its local service ({@link ShmCollector}, {@code ipc_*}, as in
 *       {@code docs/ops/README.md});</li>
 *   <li>{@code /health}: the {@value GatewayHealthIndicator#NAME} component ({@link GatewayHealthIndicator}), one
 *       {@code circuitBreaker:gateway-PREFIX} component per downstream ({@link CircuitBreakerHealthIndicator}), and
 *       the local service and its peers ({@link ShmHealth}); 200 while UP or DEGRADED, 503 when DOWN.</li>
 * </ul>
 * Everything is read at scrape time; nothing is added to the gateway's path.
 */
public final class GatewayMetrics implements AutoCloseable
{
    private final MetricsServer server;
    private final String host;

    private GatewayMetrics(final MetricsServer server, final String host)
    {
        this.server = server;
        this.host = host;
    }

    /**
     * Starts the endpoint for a running gateway.
     *
     * @param gateway the gateway.
     * @param config  where to listen.
     * @return the running endpoint.
     * @throws java.io.UncheckedIOException when the address cannot be bound (the message names host and port).
     */
    public static GatewayMetrics start(final Gateway gateway, final MetricsConfig config)
    {
        final GatewayStats stats = gateway.stats();
        final CollectorRegistry registry = new CollectorRegistry();
        new GatewayCollector(stats).register(registry);
        new CircuitBreakerCollector(stats::breakers).register(registry);
        final Path base = gateway.serviceDirectory().getParent();
        final String service = gateway.config().service();
        new ShmCollector(new ShmObserver(base, service)).register(registry);
        final MetricsServer server = MetricsServer.start(config.host(), config.port(), registry);
        server.addHealthIndicator(new GatewayHealthIndicator(stats));
        server.addHealthSource(() ->
        {
            final List<HealthIndicator> breakers = new ArrayList<>();
            stats.breakers().forEach(breaker -> breakers.add(new CircuitBreakerHealthIndicator(breaker)));
            return breakers;
        });
        server.addHealthSource(new ShmHealth(base, List.of(service)));
        return new GatewayMetrics(server, config.host());
    }

    /**
     * The port listened on (the one bound when configured as 0).
     *
     * @return the port.
     */
    public int port()
    {
        return server.port();
    }

    /**
     * The endpoint's base URL.
     *
     * @return e.g. {@code http://127.0.0.1:9465}.
     */
    public String url()
    {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    /**
     * The ipc-metrics server, e.g. to add health components.
     *
     * @return the server.
     */
    public MetricsServer server()
    {
        return server;
    }

    /** Stops listening. */
    @Override
    public void close()
    {
        server.close();
    }
}
