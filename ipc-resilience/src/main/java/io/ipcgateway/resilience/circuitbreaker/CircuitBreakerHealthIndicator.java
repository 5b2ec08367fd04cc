package io.ipcgateway.resilience.circuitbreaker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.ipcgateway.core.health.Health;
import io.ipcgateway.core.health.HealthIndicator;
import io.ipcgateway.core.health.HealthStatus;

/**
 * A breaker's health for {@code /health} through ipc-core's {@link HealthIndicator}, so ipc-metrics shows breakers
 * without depending on this module: OPEN, FORCED_OPEN and HALF_OPEN are DEGRADED (calls are being refused or
 * tried), every other state UP. Details: state, shared, buffered, failed and slow calls, failure rate and
 * not-permitted calls. Register one per breaker ({@code MetricsServer.addHealthIndicator}), or a registry's
 * breakers as they come with
 * {@code MetricsServer.addHealthSource(() -> CircuitBreakerHealthIndicator.allOf(registry))}.
 */
public final class CircuitBreakerHealthIndicator implements HealthIndicator
{
    private final CircuitBreaker breaker;

    /**
     * The indicator of a breaker.
     *
     * @param breaker the breaker.
     */
    public CircuitBreakerHealthIndicator(final CircuitBreaker breaker)
    {
        this.breaker = Objects.requireNonNull(breaker, "breaker");
    }

    /**
     * Indicators for every breaker a registry holds now.
     *
     * @param registry the registry.
     * @return one indicator per breaker.
     */
    public static List<HealthIndicator> allOf(final CircuitBreakerRegistry registry)
    {
        final List<HealthIndicator> indicators = new ArrayList<>();
        for (final CircuitBreaker breaker : registry.all())
        {
            indicators.add(new CircuitBreakerHealthIndicator(breaker));
        }
        return indicators;
    }

    @Override
    public String name()
    {
        return "circuitBreaker:" + breaker.name();
    }

    @Override
    public Health health()
    {
        final CircuitBreakerMetrics metrics = breaker.metrics();
        final CircuitBreakerState state = metrics.state();
        final Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", state.name());
        details.put("shared", breaker.isShared());
        details.put("bufferedCalls", metrics.bufferedCalls());
        details.put("failedCalls", metrics.failedCalls());
        details.put("slowCalls", metrics.slowCalls());
        details.put("failureRate", metrics.failureRate());
        details.put("notPermittedCalls", metrics.notPermittedCalls());
        final boolean refusing = state == CircuitBreakerState.OPEN || state == CircuitBreakerState.FORCED_OPEN ||
            state == CircuitBreakerState.HALF_OPEN;
        return Health.of(refusing ? HealthStatus.DEGRADED : HealthStatus.UP, details);
    }
}
