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
 * only) at scrape time, never on the call path. Families, each labelled {@code name} and {@code shared}:
 * <ul>
 *     <li>{@code ipc_circuit_breaker_state}: the state code (0 CLOSED, 1 OPEN, 2 HALF_OPEN, 3 DISABLED,
 *     4 FORCED_OPEN, 5 METRICS_ONLY);</li>
 *     <li>{@code ipc_circuit_breaker_calls_total{kind=successful|failed|slow|not_permitted}}: counters over the
 *     breaker's life, in every state (a slow call is also counted as successful or failed, so do not sum the
 *     kinds; ignored errors are not counted);</li>
 *     <li>{@code ipc_circuit_breaker_window_calls{kind=successful|failed|slow}}: calls in the current window (a
 *     gauge, like Resilience4j's buffered calls);</li>
 *     <li>{@code ipc_circuit_breaker_failure_rate} and {@code ipc_circuit_breaker_slow_call_rate}: percent of the
 *     current window, -1 below the minimum number of calls.</li>
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
        final List<MetricFamilySamples.Sample> window = new ArrayList<>();
        final List<MetricFamilySamples.Sample> failureRate = new ArrayList<>();
        final List<MetricFamilySamples.Sample> slowRate = new ArrayList<>();
        for (final CircuitBreaker breaker : breakers.get())
        {
            final CircuitBreakerMetrics metrics = breaker.metrics();
            final String name = breaker.name();
            final String shared = Boolean.toString(breaker.isShared());
            final List<String> labels = List.of(name, shared);
            state.add(new MetricFamilySamples.Sample("ipc_circuit_breaker_state", NAME, labels,
                metrics.state().code()));
            calls.add(kind("ipc_circuit_breaker_calls_total", name, shared, "successful",
                metrics.totalSuccessfulCalls()));
            calls.add(kind("ipc_circuit_breaker_calls_total", name, shared, "failed", metrics.totalFailedCalls()));
            calls.add(kind("ipc_circuit_breaker_calls_total", name, shared, "slow", metrics.totalSlowCalls()));
            calls.add(kind("ipc_circuit_breaker_calls_total", name, shared, "not_permitted",
                metrics.notPermittedCalls()));
            window.add(kind("ipc_circuit_breaker_window_calls", name, shared, "successful",
                metrics.successfulCalls()));
            window.add(kind("ipc_circuit_breaker_window_calls", name, shared, "failed", metrics.failedCalls()));
            window.add(kind("ipc_circuit_breaker_window_calls", name, shared, "slow", metrics.slowCalls()));
            failureRate.add(new MetricFamilySamples.Sample("ipc_circuit_breaker_failure_rate", NAME, labels,
                metrics.failureRate()));
            slowRate.add(new MetricFamilySamples.Sample("ipc_circuit_breaker_slow_call_rate", NAME, labels,
                metrics.slowCallRate()));
        }
        return List.of(
            new MetricFamilySamples("ipc_circuit_breaker_state", Type.GAUGE,
                "Circuit breaker state: 0 CLOSED, 1 OPEN, 2 HALF_OPEN, 3 DISABLED, 4 FORCED_OPEN, 5 METRICS_ONLY",
                state),
            new MetricFamilySamples("ipc_circuit_breaker_calls", Type.COUNTER,
                "Calls through the circuit breaker by kind since it was made (slow calls are also successful or "
                    + "failed ones)", calls),
            new MetricFamilySamples("ipc_circuit_breaker_window_calls", Type.GAUGE,
                "Calls in the circuit breaker's current window by kind", window),
            new MetricFamilySamples("ipc_circuit_breaker_failure_rate", Type.GAUGE,
                "Failure rate of the current window in percent, -1 below the minimum number of calls", failureRate),
            new MetricFamilySamples("ipc_circuit_breaker_slow_call_rate", Type.GAUGE,
                "Slow-call rate of the current window in percent, -1 below the minimum number of calls", slowRate));
    }

    private static MetricFamilySamples.Sample kind(
        final String sample, final String name, final String shared, final String kind, final double value)
    {
        return new MetricFamilySamples.Sample(sample, NAME_KIND, List.of(name, shared, kind), value);
    }
}
