package io.ipcgateway.metrics;

import java.util.Locale;

import io.ipcgateway.core.Durations;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerMetrics;
import io.ipcgateway.resilience.circuitbreaker.SharedCircuitBreakerSnapshot;
import io.ipcgateway.resilience.ratelimiter.SharedRateLimiterSnapshot;
import io.ipcgateway.resilience.shared.SharedStateObserver;

/**
 * Renders the shared circuit breakers and rate limiters of a folder (read from outside their processes by
 * ipc-resilience's {@link SharedStateObserver}; ipc-resilience is an optional dependency of this module) as the
 * tables {@code bin/ipc stat --shared DIR} shows: per breaker its state, window counts, minimum number of calls,
 * failure rate ({@code -} below that minimum, where it decides nothing yet), the failure rate that opens it, totals,
 * rejections and the OPEN wait left; per limiter its available permits, limit, period, timeout and waiting
 * threads; then one line per unreadable file.
 */
public final class SharedStateTable
{
    private static final String BREAKER_FORMAT = "%-24s %-12s %7s %7s %7s %6s %6s %7s %12s %12s %10s %10s %10s %8s%n";
    private static final String LIMITER_FORMAT = "%-24s %10s %10s %10s %10s %8s %8s%n";

    private SharedStateTable()
    {
    }

    /**
     * Reads a folder now and renders it.
     *
     * @param observer the observer of the folder.
     * @return the tables, with header lines.
     */
    public static String render(final SharedStateObserver observer)
    {
        final SharedStateObserver.Snapshot snapshot = observer.snapshot();
        final StringBuilder out = new StringBuilder(512);
        out.append("shared resilience state: ").append(observer.directory()).append('\n');
        if (!snapshot.breakers().isEmpty())
        {
            out.append(String.format(Locale.ROOT, BREAKER_FORMAT, "CIRCUIT_BREAKER", "STATE", "CALLS", "FAILED",
                "SLOW", "MIN", "FAIL%", "OPEN_AT%", "SUCCESS_TOT", "FAILED_TOT", "SLOW_TOT", "REJECTED", "OPEN_WAIT",
                "PID"));
            for (final SharedCircuitBreakerSnapshot breaker : snapshot.breakers())
            {
                final CircuitBreakerMetrics m = breaker.metrics();
                out.append(String.format(Locale.ROOT, BREAKER_FORMAT,
                    clip(breaker.name(), 24),
                    m.state().name(),
                    m.bufferedCalls(),
                    m.failedCalls(),
                    m.slowCalls(),
                    breaker.minimumNumberOfCalls(),
                    m.failureRate() < 0 ? "-" : String.format(Locale.ROOT, "%.1f", m.failureRate()),
                    String.format(Locale.ROOT, "%.1f", breaker.failureRateThreshold()),
                    m.totalSuccessfulCalls(),
                    m.totalFailedCalls(),
                    m.totalSlowCalls(),
                    m.notPermittedCalls(),
                    breaker.openWaitLeftMs() < 0 ? "-" : Durations.format(breaker.openWaitLeftMs() * 1_000_000L)
                        .replace(" ", ""),
                    breaker.creatorPid()));
            }
        }
        if (!snapshot.limiters().isEmpty())
        {
            out.append(String.format(Locale.ROOT, LIMITER_FORMAT, "RATE_LIMITER", "AVAILABLE", "LIMIT", "PERIOD",
                "TIMEOUT", "WAITING", "PID"));
            for (final SharedRateLimiterSnapshot limiter : snapshot.limiters())
            {
                out.append(String.format(Locale.ROOT, LIMITER_FORMAT,
                    clip(limiter.name(), 24),
                    limiter.availablePermissions(),
                    limiter.limitForPeriod(),
                    Durations.format(limiter.limitRefreshPeriodNs()).replace(" ", ""),
                    Durations.format(limiter.timeoutNs()).replace(" ", ""),
                    limiter.waitingThreads(),
                    limiter.creatorPid()));
            }
        }
        if (snapshot.breakers().isEmpty() && snapshot.limiters().isEmpty())
        {
            out.append("(no shared circuit breakers or rate limiters)\n");
        }
        for (final String problem : snapshot.problems())
        {
            out.append("unreadable: ").append(problem).append('\n');
        }
        return out.toString();
    }

    private static String clip(final String s, final int width)
    {
        return s.length() <= width ? s : s.substring(0, width - 1) + "~";
    }
}
