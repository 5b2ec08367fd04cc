package io.ipcgateway.examples.gateway;

import java.time.Duration;

import io.ipcgateway.core.Configuration;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerConfig;
import io.ipcgateway.resilience.circuitbreaker.SlidingWindowType;

/**
 * A downstream's circuit breaker ({@code downstreams[].breaker}), over ipc-resilience's breaker: counts the NATS
 * outcomes of requests and acknowledged publishes (timeouts, no responders and an unreachable NATS are failures; a
 * call slower than {@code slowCallDuration} is slow) and, once open, fails them fast with
 * {@link GatewayStatus#BREAKER_OPEN} until half-open probes pass.
 *
 * @param failureRateThreshold percent of failed calls that opens it, (0, 100] (default 50).
 * @param slowCallRateThreshold percent of slow calls that opens it, (0, 100] (default 100: only slow calls).
 * @param slowCallDuration      a call longer than this is slow (default {@value #DEFAULT_SLOW_CALL_DURATION}).
 * @param slidingWindowSize     calls in the count window (default 20).
 * @param minimumNumberOfCalls  calls before rates count (default 10).
 * @param waitInOpenState       how long it stays open before probing (default {@value #DEFAULT_WAIT_IN_OPEN}).
 * @param probesInHalfOpen      probe calls in the half-open state (default 3).
 */
public record BreakerSettings(
    Float failureRateThreshold,
    Float slowCallRateThreshold,
    String slowCallDuration,
    Integer slidingWindowSize,
    Integer minimumNumberOfCalls,
    String waitInOpenState,
    Integer probesInHalfOpen)
{
    /** Default slow-call duration. */
    public static final String DEFAULT_SLOW_CALL_DURATION = "2s";
    /** Default wait in the open state. */
    public static final String DEFAULT_WAIT_IN_OPEN = "5s";
    /** All defaults. */
    public static final BreakerSettings DEFAULTS = new BreakerSettings(null, null, null, null, null, null, null);

    /**
     * Fills in defaults.
     *
     * @param failureRateThreshold  as the record's.
     * @param slowCallRateThreshold as the record's.
     * @param slowCallDuration      as the record's.
     * @param slidingWindowSize     as the record's.
     * @param minimumNumberOfCalls  as the record's.
     * @param waitInOpenState       as the record's.
     * @param probesInHalfOpen      as the record's.
     */
    public BreakerSettings
    {
        failureRateThreshold = failureRateThreshold != null ? failureRateThreshold : 50f;
        slowCallRateThreshold = slowCallRateThreshold != null ? slowCallRateThreshold : 100f;
        slowCallDuration = slowCallDuration != null ? slowCallDuration : DEFAULT_SLOW_CALL_DURATION;
        slidingWindowSize = slidingWindowSize != null ? slidingWindowSize : 20;
        minimumNumberOfCalls = minimumNumberOfCalls != null ? minimumNumberOfCalls : 10;
        waitInOpenState = waitInOpenState != null ? waitInOpenState : DEFAULT_WAIT_IN_OPEN;
        probesInHalfOpen = probesInHalfOpen != null ? probesInHalfOpen : 3;
    }

    /**
     * The breaker's configuration; ipc-resilience checks the ranges and names the setting.
     *
     * @param key where these settings are in the file, for messages.
     * @return the configuration.
     * @throws io.ipcgateway.core.ConfigurationException naming the bad setting.
     */
    public CircuitBreakerConfig toConfig(final String key)
    {
        try
        {
            return CircuitBreakerConfig.custom()
                .failureRateThreshold(failureRateThreshold)
                .slowCallRateThreshold(slowCallRateThreshold)
                .slowCallDurationThreshold(Duration.ofNanos(
                    Configuration.parseDurationNs(key + ".slowCallDuration", slowCallDuration)))
                .slidingWindow(slidingWindowSize, minimumNumberOfCalls, SlidingWindowType.COUNT_BASED)
                .waitDurationInOpenState(Duration.ofNanos(
                    Configuration.parseDurationNs(key + ".waitInOpenState", waitInOpenState)))
                .permittedNumberOfCallsInHalfOpenState(probesInHalfOpen)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .build();
        }
        catch (final io.ipcgateway.core.ConfigurationException ex)
        {
            throw new io.ipcgateway.core.ConfigurationException("invalid " + key + ": " + ex.getMessage(), ex);
        }
    }
}
