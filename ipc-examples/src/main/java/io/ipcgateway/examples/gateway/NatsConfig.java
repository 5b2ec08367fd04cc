package io.ipcgateway.examples.gateway;

import io.ipcgateway.core.Configuration;

/**
 * The NATS side of the gateway ({@code nats:} in the configuration file). Durations are text such as {@code 500ms}
 * or {@code 2s}. {@code IPC_GATEWAY_NATS_URL}, {@code IPC_GATEWAY_NATS_USER}, {@code IPC_GATEWAY_NATS_PASSWORD},
 * {@code IPC_GATEWAY_NATS_TOKEN} and {@code IPC_GATEWAY_NATS_CREDS} override the file
 * ({@link GatewayConfig#withEnvironment}).
 *
 * @param url             server URL(s), comma-separated (default {@value #DEFAULT_URL}).
 * @param poolSize        NATS connections shared by all local clients, 1 to {@value #MAX_POOL_SIZE} (default 1).
 * @param connectionName  name the connections show in the server's monitoring (default {@value #DEFAULT_NAME}).
 * @param connectTimeout  how long connecting may take (default {@value #DEFAULT_CONNECT_TIMEOUT}).
 * @param requestTimeout  the request timeout when a client gives none (default {@value #DEFAULT_REQUEST_TIMEOUT}).
 * @param reconnectWait   pause between reconnect attempts (default {@value #DEFAULT_RECONNECT_WAIT}).
 * @param maxReconnects   reconnect attempts before giving up, -1 for ever (default -1).
 * @param credentialsFile a NATS {@code .creds} file (JWT and NKey seed), or null.
 * @param user            user name, or null.
 * @param password        password, or null.
 * @param token           authentication token, or null.
 * @param tls             TLS settings (default off).
 * @param mode            {@value #MODE_CONNECT} (default): a real NATS connection; {@value #MODE_LOOPBACK}: for
 *                        benchmarks only, no NATS at all, each request is answered inside the gateway with its own
 *                        payload and publishes are dropped, so the gateway's local leg can be measured alone.
 */
public record NatsConfig(
    String url,
    Integer poolSize,
    String connectionName,
    String connectTimeout,
    String requestTimeout,
    String reconnectWait,
    Integer maxReconnects,
    String credentialsFile,
    String user,
    String password,
    String token,
    TlsConfig tls,
    String mode)
{
    /** Default server URL. */
    public static final String DEFAULT_URL = "nats://127.0.0.1:4222";
    /** Default connection name. */
    public static final String DEFAULT_NAME = "ipc-gateway";
    /** Largest connection pool. */
    public static final int MAX_POOL_SIZE = 16;
    /** Default connect timeout. */
    public static final String DEFAULT_CONNECT_TIMEOUT = "2s";
    /** Default request timeout. */
    public static final String DEFAULT_REQUEST_TIMEOUT = "2s";
    /** Default reconnect wait. */
    public static final String DEFAULT_RECONNECT_WAIT = "250ms";
    /** The normal mode: connect to NATS. */
    public static final String MODE_CONNECT = "connect";
    /** The benchmark-only mode: answer requests inside the gateway, without NATS (see the record's doc). */
    public static final String MODE_LOOPBACK = "loopback";
    /** All defaults. */
    public static final NatsConfig DEFAULTS =
        new NatsConfig(null, null, null, null, null, null, null, null, null, null, null, null, null);

    /**
     * Fills in defaults.
     *
     * @param url             as the record's.
     * @param poolSize        as the record's.
     * @param connectionName  as the record's.
     * @param connectTimeout  as the record's.
     * @param requestTimeout  as the record's.
     * @param reconnectWait   as the record's.
     * @param maxReconnects   as the record's.
     * @param credentialsFile as the record's.
     * @param user            as the record's.
     * @param password        as the record's.
     * @param token           as the record's.
     * @param tls             as the record's.
     * @param mode            as the record's.
     */
    public NatsConfig
    {
        url = url != null ? url : DEFAULT_URL;
        poolSize = poolSize != null ? poolSize : 1;
        connectionName = connectionName != null ? connectionName : DEFAULT_NAME;
        connectTimeout = connectTimeout != null ? connectTimeout : DEFAULT_CONNECT_TIMEOUT;
        requestTimeout = requestTimeout != null ? requestTimeout : DEFAULT_REQUEST_TIMEOUT;
        reconnectWait = reconnectWait != null ? reconnectWait : DEFAULT_RECONNECT_WAIT;
        maxReconnects = maxReconnects != null ? maxReconnects : -1;
        tls = tls != null ? tls : TlsConfig.DISABLED;
        mode = mode != null ? mode : MODE_CONNECT;
    }

    /**
     * Whether this is the benchmark-only {@value #MODE_LOOPBACK} mode.
     *
     * @return true for loopback.
     */
    public boolean loopback()
    {
        return MODE_LOOPBACK.equals(mode);
    }

    /**
     * The connect timeout.
     *
     * @return nanoseconds.
     */
    public long connectTimeoutNs()
    {
        return Configuration.parseDurationNs("nats.connectTimeout", connectTimeout);
    }

    /**
     * The default request timeout.
     *
     * @return nanoseconds.
     */
    public long requestTimeoutNs()
    {
        return Configuration.parseDurationNs("nats.requestTimeout", requestTimeout);
    }

    /**
     * The reconnect wait.
     *
     * @return nanoseconds.
     */
    public long reconnectWaitNs()
    {
        return Configuration.parseDurationNs("nats.reconnectWait", reconnectWait);
    }

    /**
     * A copy with another URL.
     *
     * @param newUrl the URL.
     * @return the copy.
     */
    public NatsConfig withUrl(final String newUrl)
    {
        return new NatsConfig(newUrl, poolSize, connectionName, connectTimeout, requestTimeout, reconnectWait,
            maxReconnects, credentialsFile, user, password, token, tls, mode);
    }

    /**
     * A copy with other credentials (null keeps the current value).
     *
     * @param newUser     user name.
     * @param newPassword password.
     * @param newToken    token.
     * @param newCreds    credentials file.
     * @return the copy.
     */
    public NatsConfig withCredentials(
        final String newUser, final String newPassword, final String newToken, final String newCreds)
    {
        return new NatsConfig(url, poolSize, connectionName, connectTimeout, requestTimeout, reconnectWait,
            maxReconnects, newCreds != null ? newCreds : credentialsFile, newUser != null ? newUser : user,
            newPassword != null ? newPassword : password, newToken != null ? newToken : token, tls, mode);
    }

    @Override
    public String toString()
    {
        // Never print secrets.
        return "NatsConfig{url=" + url + ", poolSize=" + poolSize + ", connectionName=" + connectionName +
            ", credentialsFile=" + credentialsFile + ", user=" + user + ", password=" + (password == null ? null :
            "***") + ", token=" + (token == null ? null : "***") + ", tls=" + tls.enabled() + "}";
    }
}
