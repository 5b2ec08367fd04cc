package io.ipcgateway.examples.gateway;

/**
 * One downstream ({@code downstreams[]}): the subjects under a prefix, with their own circuit breaker, bulkhead and
 * retry policy. A subject belongs to the downstream with the longest prefix that matches it token by token
 * ({@code orders} matches {@code orders} and {@code orders.eu.created}); subjects no prefix matches share the
 * downstream {@value #DEFAULT_NAME}, with default settings unless one is configured with prefix {@code >}.
 *
 * @param prefix             the subject prefix (tokens, no wildcards), or {@code >} for the default downstream.
 * @param breaker            its circuit breaker.
 * @param maxConcurrentCalls its bulkhead: requests and acknowledged publishes waiting for NATS at once, 1 to 1000000
 *                           (default {@value #DEFAULT_MAX_CONCURRENT_CALLS}); more get
 *                           {@link GatewayStatus#BULKHEAD_FULL}.
 * @param idempotent         whether its requests may be retried (default false: never retried).
 * @param retry              the retry policy when idempotent.
 */
public record DownstreamConfig(
    String prefix, BreakerSettings breaker, Integer maxConcurrentCalls, Boolean idempotent, RetrySettings retry)
{
    /** Name of the downstream of subjects no prefix matches. */
    public static final String DEFAULT_NAME = "default";
    /** Default bulkhead size. */
    public static final int DEFAULT_MAX_CONCURRENT_CALLS = 1024;
    /** Largest bulkhead. */
    public static final int MAX_CONCURRENT_CALLS = 1_000_000;

    /**
     * Fills in defaults.
     *
     * @param prefix             as the record's.
     * @param breaker            as the record's.
     * @param maxConcurrentCalls as the record's.
     * @param idempotent         as the record's.
     * @param retry              as the record's.
     */
    public DownstreamConfig
    {
        breaker = breaker != null ? breaker : BreakerSettings.DEFAULTS;
        maxConcurrentCalls = maxConcurrentCalls != null ? maxConcurrentCalls : DEFAULT_MAX_CONCURRENT_CALLS;
        idempotent = idempotent != null && idempotent;
        retry = retry != null ? retry : RetrySettings.DEFAULTS;
    }

    /**
     * The default downstream's settings when none is configured.
     *
     * @return defaults with prefix {@code >}.
     */
    public static DownstreamConfig defaults()
    {
        return new DownstreamConfig(">", null, null, null, null);
    }

    /**
     * The name shown in statistics: the prefix, or {@value #DEFAULT_NAME}.
     *
     * @return the name.
     */
    public String name()
    {
        return ">".equals(prefix) ? DEFAULT_NAME : prefix;
    }
}
