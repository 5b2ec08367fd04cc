package io.ipcgateway.metrics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import io.ipcgateway.resilience.circuitbreaker.CircuitBreaker;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerMetrics;
import io.prometheus.client.Collector;

/**
 * Exports circuit breakers (ipc-resilience, an optional dependency of this module, read through its public API
 * only) at scrape time, never on the call path. Families, each labelled {@code name} (and {@code shared}):
 * <ul>
 *     <li>{@code ipc_circuit_breaker_state}: the state code (0 CLOSED, 1 OPEN, 2 HALF_OPEN, 3 DISABLED,
 *     4 FORCED_OPEN, 5 METRICS_ONLY);</li>
 *     <li>{@code ipc_circuit_breaker_calls{kind=successful|failed|slow}}: calls in the current window (a gauge,
 *     like Resilience4j's buffered calls);</li>
 *     <li>{@code ipc_circuit_breaker_not_permitted_calls_total}: rejected calls, cumulative;</li>
 *     <li>{@code ipc_circuit_breaker_failure_rate} and {@code ipc_circuit_breaker_slow_call_rate}: percent, -1
 *     below the minimum number of calls.</li>
 * </ul>
 * Register with a source of breakers, e.g. {@code new CircuitBreakerCollector(registry::all).register(collectors)}.
 */
public final class CircuitBreakerCollector extends Collector
{
    private static final List<String> NAME = List.of("name", "shared");
    private static final List<String> NAME_KIND = List.of("name", "shared", "kind");

    private final Supplier<? extends Collection<? extends CircuitBreaker>> breakers;

    /**
     * A collector over the breakers a source gives at each scrape.
     *
     * @param breakers the source, e.g. {@code registry::all}.
     */
    public CircuitBreakerCollector(final Supplier<? extends Collection<? extends CircuitBreaker>> breakers)
    {
        this.breakers = Objects.requireNonNull(breakers, "breakers");
    }

    @Override
    public List<MetricFamilySamples> collect()
    {
        final List<MetricFamilySamples.Sample> state = new ArrayList<>();
        final List<MetricFamilySamples.Sample> calls = new ArrayList<>();
        final List<MetricFamilySamples.Sample> notPermitted = new ArrayList<>();
        final List<MetricFamilySamples.Sample> failureRate = new ArrayList<>();
        final List<MetricFamilySamples.Sample> slowRate = new ArrayList<>();
        for (final CircuitBreaker breaker : breakers.get())
        {
            final CircuitBreakerMetrics metrics = breaker.metrics();
            final List<String> labels = List.of(breaker.name(), Boolean.toString(breaker.isShared()));
            state.add(new MetricFamilySamples.Sample("ipc_circuit_breaker_state", NAME, labels,
                metrics.state().code()));
            calls.add(kind(breaker, "successful", metrics.successfulCalls()));
            calls.add(kind(breaker, "failed", metrics.failedCalls()));
            calls.add(kind(breaker, "slow", metrics.slowCalls()));
            notPermitted.add(new MetricFamilySamples.Sample("ipc_circuit_breaker_not_permitted_calls_total", NAME,
                labels, metrics.notPermittedCalls()));
            failureRate.add(new MetricFamilySamples.Sample("ipc_circuit_breaker_failure_rate", NAME, labels,
                metrics.failureRate()));
            slowRate.add(new MetricFamilySamples.Sample("ipc_circuit_breaker_slow_call_rate", NAME, labels,
                metrics.slowCallRate()));
        }
        return List.of(
            new MetricFamilySamples("ipc_circuit_breaker_state", Type.GAUGE,
                "Circuit breaker state: 0 CLOSED, 1 OPEN, 2 HALF_OPEN, 3 DISABLED, 4 FORCED_OPEN, 5 METRICS_ONLY",
                state),
            new MetricFamilySamples("ipc_circuit_breaker_calls", Type.GAUGE,
                "Calls in the circuit breaker's current window by kind", calls),
            new MetricFamilySamples("ipc_circuit_breaker_not_permitted_calls", Type.COUNTER,
                "Calls the circuit breaker rejected", notPermitted),
            new MetricFamilySamples("ipc_circuit_breaker_failure_rate", Type.GAUGE,
                "Failure rate of the current window in percent, -1 below the minimum number of calls", failureRate),
            new MetricFamilySamples("ipc_circuit_breaker_slow_call_rate", Type.GAUGE,
                "Slow-call rate of the current window in percent, -1 below the minimum number of calls", slowRate));
    }

    private static MetricFamilySamples.Sample kind(final CircuitBreaker breaker, final String kind, final int value)
    {
        return new MetricFamilySamples.Sample("ipc_circuit_breaker_calls", NAME_KIND,
            List.of(breaker.name(), Boolean.toString(breaker.isShared()), kind), value);
    }
}
