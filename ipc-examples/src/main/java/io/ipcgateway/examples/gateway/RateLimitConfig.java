package io.ipcgateway.examples.gateway;

import io.ipcgateway.core.Configuration;

/**
 * Rate limits ({@code rateLimits:}): every publish, acknowledged publish and request takes one permit from its local
 * client's limiter and one from the total; a call without a permit gets {@link GatewayStatus#RATE_LIMITED} (a one-way
 * publish is counted and dropped), never waits. The total is a shared-memory limiter (ipc-resilience's
 * {@code SharedRateLimiter}, a file named {@code totalName} under {@code sharedDirectory}), so every gateway of the
 * host that names the same file shares one budget.
 *
 * @param perClient       permits per period for each local client, 0 for no limit (default 0).
 * @param clientKey       what a "client" is: {@code uid} (every process of a user together) or {@code pid} (each
 *                        process) (default {@value #DEFAULT_CLIENT_KEY}).
 * @param total           permits per period for the whole host, 0 for no limit (default 0).
 * @param period          the period (default {@value #DEFAULT_PERIOD}).
 * @param totalName       the shared limiter's name (default {@value #DEFAULT_TOTAL_NAME}).
 * @param sharedDirectory folder of the shared limiter's file, or null for ipc-resilience's default.
 */
public record RateLimitConfig(
    Integer perClient, String clientKey, Integer total, String period, String totalName, String sharedDirectory)
{
    /** Default client key. */
    public static final String DEFAULT_CLIENT_KEY = "uid";
    /** Default period. */
    public static final String DEFAULT_PERIOD = "1s";
    /** Default shared limiter name. */
    public static final String DEFAULT_TOTAL_NAME = "ipc-gateway-total";
    /** No limits. */
    public static final RateLimitConfig DEFAULTS = new RateLimitConfig(null, null, null, null, null, null);

    /**
     * Fills in defaults.
     *
     * @param perClient       as the record's.
     * @param clientKey       as the record's.
     * @param total           as the record's.
     * @param period          as the record's.
     * @param totalName       as the record's.
     * @param sharedDirectory as the record's.
     */
    public RateLimitConfig
    {
        perClient = perClient != null ? perClient : 0;
        clientKey = clientKey != null ? clientKey : DEFAULT_CLIENT_KEY;
        total = total != null ? total : 0;
        period = period != null ? period : DEFAULT_PERIOD;
        totalName = totalName != null ? totalName : DEFAULT_TOTAL_NAME;
    }

    /**
     * The period.
     *
     * @return nanoseconds.
     */
    public long periodNs()
    {
        return Configuration.parseDurationNs("rateLimits.period", period);
    }
}
