package io.ipcgateway.examples.gateway;

import io.ipcgateway.resilience.bulkhead.Bulkhead;
import io.ipcgateway.resilience.bulkhead.BulkheadConfig;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreaker;
import io.ipcgateway.resilience.retry.IntervalFunction;

/**
 * The subjects under one prefix and what protects them: a circuit breaker, a bulkhead and, for idempotent subjects,
 * a retry policy (see {@link DownstreamConfig}).
 */
final class Downstream
{
    final String name;
    final String prefix;
    final CircuitBreaker breaker;
    final Bulkhead bulkhead;
    final boolean idempotent;
    final int maxAttempts;
    final IntervalFunction backoff;

    Downstream(final DownstreamConfig config, final String key)
    {
        this.name = config.name();
        this.prefix = config.prefix();
        this.breaker = CircuitBreaker.of("gateway-" + name, config.breaker().toConfig(key + ".breaker"));
        this.bulkhead = Bulkhead.of("gateway-" + name,
            BulkheadConfig.custom().maxConcurrentCalls(config.maxConcurrentCalls()).build());
        this.idempotent = config.idempotent();
        this.maxAttempts = config.idempotent() ? config.retry().maxAttempts() : 1;
        this.backoff = config.retry().toIntervals(key + ".retry");
    }

    /**
     * Whether a subject is under this downstream's prefix.
     *
     * @param subject a subject.
     * @return true when it is the prefix or starts with the prefix and a dot.
     */
    boolean covers(final String subject)
    {
        return ">".equals(prefix) || subject.equals(prefix) ||
            (subject.length() > prefix.length() && subject.charAt(prefix.length()) == '.' &&
            subject.startsWith(prefix));
    }

    @Override
    public String toString()
    {
        return "Downstream{name=" + name + ", breaker=" + breaker.state() + ", idempotent=" + idempotent + "}";
    }
}
