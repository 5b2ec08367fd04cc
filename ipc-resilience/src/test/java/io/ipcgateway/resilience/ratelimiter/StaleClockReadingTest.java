package io.ipcgateway.resilience.ratelimiter;

import java.nio.file.Path;

import io.ipcgateway.resilience.shared.SharedStateOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A caller that read the clock just before a period ended and touches the state just after another caller has
 * started the next period must not start that period a second time (which would grant its permits twice). The
 * interleaving is made deterministic by a clock that lets another caller in while the first one reads it, as a
 * preempted thread would.
 */
class StaleClockReadingTest
{
    private static final long PERIOD = 1_000_000;
    private static final int LIMIT = 10;

    @TempDir
    Path temp;

    @Test
    void shouldNotGrantTheNextPeriodTwiceWhenACallerReadTheClockBeforeItBegan()
    {
        final InterleavingClock clock = new InterleavingClock();
        final RateLimiter limiter = RateLimiter.of("stale", config(), clock);
        assertThat(grantsInTheNextPeriodAfterAStaleCaller(limiter, clock)).isBetween(LIMIT - 1, LIMIT);
    }

    @Test
    void shouldNotGrantTheNextPeriodTwiceInASharedLimiterWhenACallerReadTheClockBeforeItBegan()
    {
        final InterleavingClock clock = new InterleavingClock();
        try (SharedRateLimiter limiter = SharedRateLimiter.openOrCreate(
            SharedStateOptions.builder().baseDirectory(temp.resolve("state")).build(), "stale", config(), clock))
        {
            assertThat(grantsInTheNextPeriodAfterAStaleCaller(limiter, clock)).isBetween(LIMIT - 1, LIMIT);
        }
    }

    private static RateLimiterConfig config()
    {
        return RateLimiterConfig.custom().limitForPeriod(LIMIT).limitRefreshPeriodNs(PERIOD).timeoutNs(0).build();
    }

    /**
     * One permit is taken in the first period; then caller A reads the clock one nanosecond before the next period
     * begins, and while it does (as if preempted) caller B takes a permit at the start of the next period. Returns
     * the permits granted in the next period apart from A's: B's and those taken afterwards until refused. A's
     * permit is granted either way (the first period had permits left) and counts in one period or the other, so a
     * correct limiter returns the limit or one less; starting the next period twice returns more.
     */
    private static int grantsInTheNextPeriodAfterAStaleCaller(final RateLimiter limiter, final InterleavingClock clock)
    {
        assertThat(limiter.tryAcquirePermission()).isTrue();
        clock.set(PERIOD - 1);
        final int[] grantedToB = new int[1];
        clock.onNextReading(() ->
        {
            clock.set(PERIOD);
            grantedToB[0] = limiter.tryAcquirePermission() ? 1 : 0;
        });
        assertThat(limiter.tryAcquirePermission()).as("A").isTrue();
        assertThat(grantedToB[0]).as("B").isEqualTo(1);
        return grantedToB[0] + drain(limiter);
    }

    private static int drain(final RateLimiter limiter)
    {
        int granted = 0;
        while (limiter.tryAcquirePermission())
        {
            granted++;
        }
        return granted;
    }

    /**
     * A clock set by hand that can run a caller's action the next time it is read: that reading returns the time
     * from before the action, as a thread preempted right after reading the clock would hold.
     */
    private static final class InterleavingClock implements NanoClock
    {
        private long nanos;
        private Runnable onNextReading;

        @Override
        public long nanoTime()
        {
            final long reading = nanos;
            final Runnable action = onNextReading;
            if (action != null)
            {
                onNextReading = null;
                action.run();
            }
            return reading;
        }

        void set(final long nowNs)
        {
            nanos = nowNs;
        }

        void onNextReading(final Runnable action)
        {
            onNextReading = action;
        }
    }
}
