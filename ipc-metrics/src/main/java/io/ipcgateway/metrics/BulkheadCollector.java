package io.ipcgateway.metrics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import io.ipcgateway.resilience.bulkhead.Bulkhead;
import io.prometheus.client.Collector;

/**
 * Exports bulkheads (ipc-resilience, an optional dependency, read through its public API only) at scrape time.
 * Families, each labelled {@code name}: {@code ipc_bulkhead_available_concurrent_calls} (free slots now) and
 * {@code ipc_bulkhead_max_allowed_concurrent_calls} (the configured maximum).
 */
public final class BulkheadCollector extends Collector
{
    private static final List<String> NAME = List.of("name");

    private final Supplier<? extends Collection<? extends Bulkhead>> bulkheads;

    /**
     * A collector over the bulkheads a source gives at each scrape.
     *
     * @param bulkheads the source.
     */
    public BulkheadCollector(final Supplier<? extends Collection<? extends Bulkhead>> bulkheads)
    {
        this.bulkheads = Objects.requireNonNull(bulkheads, "bulkheads");
    }

    @Override
    public List<MetricFamilySamples> collect()
    {
        final List<MetricFamilySamples.Sample> available = new ArrayList<>();
        final List<MetricFamilySamples.Sample> max = new ArrayList<>();
        for (final Bulkhead bulkhead : bulkheads.get())
        {
            final List<String> labels = List.of(bulkhead.name());
            available.add(new MetricFamilySamples.Sample("ipc_bulkhead_available_concurrent_calls", NAME, labels,
                bulkhead.availableConcurrentCalls()));
            max.add(new MetricFamilySamples.Sample("ipc_bulkhead_max_allowed_concurrent_calls", NAME, labels,
                bulkhead.config().maxConcurrentCalls()));
        }
        return List.of(
            new MetricFamilySamples("ipc_bulkhead_available_concurrent_calls", Type.GAUGE,
                "Calls the bulkhead would admit now", available),
            new MetricFamilySamples("ipc_bulkhead_max_allowed_concurrent_calls", Type.GAUGE,
                "Most calls the bulkhead admits at once", max));
    }
}
