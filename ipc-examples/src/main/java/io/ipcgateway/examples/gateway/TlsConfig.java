package io.ipcgateway.examples.gateway;

/**
 * TLS to NATS ({@code nats.tls}), passed to the NATS client's options: a key store for a client certificate and a
 * trust store for the server's, or the JVM's defaults when only {@code enabled} is set.
 *
 * @param enabled            whether to use TLS (default false; a {@code tls://} URL turns it on too).
 * @param keystore           path of a key store with the client certificate, or null.
 * @param keystorePassword   its password, or null.
 * @param truststore         path of a trust store, or null (the JVM's default trust).
 * @param truststorePassword its password, or null.
 */
public record TlsConfig(
    Boolean enabled, String keystore, String keystorePassword, String truststore, String truststorePassword)
{
    /** TLS off. */
    public static final TlsConfig DISABLED = new TlsConfig(false, null, null, null, null);

    /**
     * Fills in defaults.
     *
     * @param enabled            as the record's.
     * @param keystore           as the record's.
     * @param keystorePassword   as the record's.
     * @param truststore         as the record's.
     * @param truststorePassword as the record's.
     */
    public TlsConfig
    {
        enabled = enabled != null && enabled;
    }
}
