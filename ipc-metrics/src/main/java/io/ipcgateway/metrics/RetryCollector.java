package io.ipcgateway.metrics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import io.ipcgateway.resilience.retry.Retry;
import io.prometheus.client.Collector;

/**
 * Exports retries (ipc-resilience, an optional dependency, read through its public API only) at scrape time:
 * {@code ipc_retry_calls_total{name, kind=successful_without_retry|successful_with_retry|failed_without_retry|
 * failed_with_retry}}, counters of the calls (not the attempts) by how they ended, as Resilience4j's
 * {@code resilience4j_retry_calls}.
 */
public final class RetryCollector extends Collector
{
    private static final List<String> NAME_KIND = List.of("name", "kind");

    private final Supplier<? extends Collection<? extends Retry>> retries;

    /**
     * A collector over the retries a source gives at each scrape.
     *
     * @param retries the source.
     */
    public RetryCollector(final Supplier<? extends Collection<? extends Retry>> retries)
    {
        this.retries = Objects.requireNonNull(retries, "retries");
    }

    @Override
    public List<MetricFamilySamples> collect()
    {
        final List<MetricFamilySamples.Sample> calls = new ArrayList<>();
        for (final Retry retry : retries.get())
        {
            calls.add(kind(retry, "successful_without_retry", retry.successfulCallsWithoutRetry()));
            calls.add(kind(retry, "successful_with_retry", retry.successfulCallsWithRetry()));
            calls.add(kind(retry, "failed_without_retry", retry.failedCallsWithoutRetry()));
            calls.add(kind(retry, "failed_with_retry", retry.failedCallsWithRetry()));
        }
        return List.of(new MetricFamilySamples("ipc_retry_calls", Type.COUNTER,
            "Calls through the retry by how they ended", calls));
    }

    private static MetricFamilySamples.Sample kind(final Retry retry, final String kind, final long value)
    {
        return new MetricFamilySamples.Sample("ipc_retry_calls_total", NAME_KIND, List.of(retry.name(), kind), value);
    }
}
