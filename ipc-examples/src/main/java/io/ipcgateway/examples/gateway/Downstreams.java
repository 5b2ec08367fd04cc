package io.ipcgateway.examples.gateway;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.ipcgateway.core.ConfigurationException;

/**
 * Every configured downstream, and which one a subject belongs to: the longest matching prefix, else the default
 * downstream. Lookups are cached per subject; used from the duty thread only.
 */
final class Downstreams
{
    private static final int MAX_CACHED = 16_384;

    private final List<Downstream> byLongestPrefix = new ArrayList<>();
    private final Downstream fallback;
    private final Map<String, Downstream> cache = new HashMap<>();

    Downstreams(final List<DownstreamConfig> configs, final GatewayStats stats)
    {
        Downstream configuredDefault = null;
        for (int i = 0; i < configs.size(); i++)
        {
            final DownstreamConfig config = configs.get(i);
            final String key = "downstreams[" + i + "]";
            if (config.prefix() == null || !(">".equals(config.prefix()) ||
                (SubjectRules.isValidSubject(config.prefix(), GatewayProtocol.MAX_SUBJECT_LENGTH))))
            {
                throw new ConfigurationException("invalid " + key + ".prefix=" + config.prefix() +
                    ": valid values are subject tokens without wildcards (e.g. orders or orders.eu), or '>' for " +
                    "the default downstream");
            }
            for (final Downstream existing : byLongestPrefix)
            {
                if (existing.prefix.equals(config.prefix()))
                {
                    throw new ConfigurationException("invalid " + key + ".prefix=" + config.prefix() +
                        ": configured twice");
                }
            }
            final Downstream downstream = new Downstream(config, key);
            if (">".equals(config.prefix()))
            {
                configuredDefault = downstream;
            }
            byLongestPrefix.add(downstream);
        }
        if (configuredDefault == null)
        {
            configuredDefault = new Downstream(DownstreamConfig.defaults(), "downstreams[default]");
            byLongestPrefix.add(configuredDefault);
        }
        fallback = configuredDefault;
        byLongestPrefix.remove(fallback);
        byLongestPrefix.sort(Comparator.comparingInt((Downstream d) -> d.prefix.length()).reversed());
        for (final Downstream downstream : all())
        {
            stats.registerBreaker(downstream.name, downstream.breaker);
        }
    }

    /**
     * The downstream of a subject.
     *
     * @param subject a valid subject.
     * @return its downstream.
     */
    Downstream of(final String subject)
    {
        final Downstream cached = cache.get(subject);
        if (cached != null)
        {
            return cached;
        }
        Downstream found = fallback;
        for (int i = 0; i < byLongestPrefix.size(); i++)
        {
            if (byLongestPrefix.get(i).covers(subject))
            {
                found = byLongestPrefix.get(i);
                break;
            }
        }
        if (cache.size() < MAX_CACHED)
        {
            cache.put(subject, found);
        }
        return found;
    }

    /**
     * The breaker state of a subject's downstream, from any thread (no cache).
     *
     * @param subject a valid subject.
     * @return the state now.
     */
    io.ipcgateway.resilience.circuitbreaker.CircuitBreakerState breakerState(final String subject)
    {
        for (int i = 0; i < byLongestPrefix.size(); i++)
        {
            if (byLongestPrefix.get(i).covers(subject))
            {
                return byLongestPrefix.get(i).breaker.state();
            }
        }
        return fallback.breaker.state();
    }

    /**
     * Every downstream, the default last.
     *
     * @return the list.
     */
    List<Downstream> all()
    {
        final List<Downstream> all = new ArrayList<>(byLongestPrefix);
        all.add(fallback);
        return all;
    }
}
