package io.ipcgateway.metrics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import io.ipcgateway.resilience.ratelimiter.RateLimiter;
import io.ipcgateway.resilience.ratelimiter.SharedRateLimiter;
import io.prometheus.client.Collector;

/**
 * Exports rate limiters (ipc-resilience, an optional dependency, read through its public API only) at scrape
 * time. Families, each labelled {@code name} and {@code shared}:
 * <ul>
 *     <li>{@code ipc_rate_limiter_available_permissions}: permits left in the current period (negative while
 *     reservations are ahead of it);</li>
 *     <li>{@code ipc_rate_limiter_waiting_threads}: threads waiting for a permit (for a shared limiter: in every
 *     process of the host).</li>
 * </ul>
 * Register with a source of limiters, e.g. {@code new RateLimiterCollector(() -> List.of(limiter))}.
 */
public final class RateLimiterCollector extends Collector
{
    private static final List<String> NAME = List.of("name", "shared");

    private final Supplier<? extends Collection<? extends RateLimiter>> limiters;

    /**
     * A collector over the limiters a source gives at each scrape.
     *
     * @param limiters the source.
     */
    public RateLimiterCollector(final Supplier<? extends Collection<? extends RateLimiter>> limiters)
    {
        this.limiters = Objects.requireNonNull(limiters, "limiters");
    }

    @Override
    public List<MetricFamilySamples> collect()
    {
        final List<MetricFamilySamples.Sample> available = new ArrayList<>();
        final List<MetricFamilySamples.Sample> waiting = new ArrayList<>();
        for (final RateLimiter limiter : limiters.get())
        {
            final List<String> labels =
                List.of(limiter.name(), Boolean.toString(limiter instanceof SharedRateLimiter));
            available.add(new MetricFamilySamples.Sample("ipc_rate_limiter_available_permissions", NAME, labels,
                limiter.availablePermissions()));
            waiting.add(new MetricFamilySamples.Sample("ipc_rate_limiter_waiting_threads", NAME, labels,
                limiter.waitingThreads()));
        }
        return List.of(
            new MetricFamilySamples("ipc_rate_limiter_available_permissions", Type.GAUGE,
                "Permits left in the rate limiter's current period", available),
            new MetricFamilySamples("ipc_rate_limiter_waiting_threads", Type.GAUGE,
                "Threads waiting for a rate limiter permit", waiting));
    }
}
