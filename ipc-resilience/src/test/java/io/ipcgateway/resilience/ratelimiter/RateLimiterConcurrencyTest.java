package io.ipcgateway.resilience.ratelimiter;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads race for the permits of one period on a stopped clock: the permits granted must add up to exactly
 * the limit (none granted twice, none lost), period after period.
 */
class RateLimiterConcurrencyTest
{
    private static final int THREADS = 4;
    private static final long PERIOD = 1_000_000;

    @Test
    void shouldNeverGrantAPermitTwiceUnderContention() throws Exception
    {
        final ManualClock clock = new ManualClock(0);
        final int limit = 50_000;
        final RateLimiter limiter = RateLimiter.of("contended", RateLimiterConfig.custom()
            .limitForPeriod(limit).limitRefreshPeriodNs(PERIOD).timeoutNs(0).build(), clock);
        for (int period = 0; period < 5; period++)
        {
            final int permits = 1 + period % 2;
            final long granted = race(() -> limiter.tryAcquirePermission(permits) ? permits : -1);
            assertThat(granted).as("period " + period).isEqualTo(limit);
            clock.advance(PERIOD);
        }
    }

    @Test
    void shouldReserveExactlyTheBudgetOfTheTimeoutUnderContention() throws Exception
    {
        final ManualClock clock = new ManualClock(0);
        final int limit = 20_000;
        final int periodsAhead = 3;
        final RateLimiter limiter = RateLimiter.of("reserving", RateLimiterConfig.custom()
            .limitForPeriod(limit).limitRefreshPeriodNs(PERIOD).timeoutNs(periodsAhead * PERIOD).build(), clock);
        final long granted = race(() -> limiter.reservePermission() >= 0 ? 1 : -1);
        assertThat(granted).isEqualTo((long)limit * (periodsAhead + 1));
        assertThat(limiter.availablePermissions()).isEqualTo(-limit * periodsAhead);
    }

    /** Runs the attempt on every thread until each has seen 1000 refusals in a row; returns the permits granted. */
    private static long race(final Attempt attempt) throws Exception
    {
        final AtomicLong total = new AtomicLong();
        final CyclicBarrier start = new CyclicBarrier(THREADS);
        final List<Thread> threads = new ArrayList<>();
        final List<Throwable> errors = new ArrayList<>();
        for (int i = 0; i < THREADS; i++)
        {
            final Thread thread = new Thread(() ->
            {
                try
                {
                    start.await();
                    long mine = 0;
                    int refusalsInARow = 0;
                    while (refusalsInARow < 1_000)
                    {
                        final int got = attempt.run();
                        if (got > 0)
                        {
                            mine += got;
                            refusalsInARow = 0;
                        }
                        else
                        {
                            refusalsInARow++;
                        }
                    }
                    total.addAndGet(mine);
                }
                catch (final Exception ex)
                {
                    synchronized (errors)
                    {
                        errors.add(ex);
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }
        assertThat(errors).isEmpty();
        return total.get();
    }

    @FunctionalInterface
    private interface Attempt
    {
        int run();
    }
}
