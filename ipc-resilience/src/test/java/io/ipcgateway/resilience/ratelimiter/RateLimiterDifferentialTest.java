package io.ipcgateway.resilience.ratelimiter;

import java.time.Duration;
import java.util.SplittableRandom;

import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same scripted sequences of reservations, non-blocking acquisitions, clock steps and runtime changes through
 * our limiter and Resilience4j's {@code AtomicRateLimiter}, both on one hand-moved clock: every decision, every
 * reservation's wait and every available-permission count must be equal.
 * <p>
 * Left out of the scripts on purpose, because we differ (see {@link RateLimiter}): blocking acquisitions that are
 * refused (Resilience4j sleeps the timeout first, we refuse at once) and drains after an idle period.
 */
class RateLimiterDifferentialTest
{
    private static final int SCRIPTS = 300;
    private static final int STEPS_PER_SCRIPT = 2_000;

    @Test
    void shouldMakeTheSameDecisionsAndWaitsAsResilience4jOnRandomScripts()
    {
        final SplittableRandom seeds = new SplittableRandom(20261206L);
        long steps = 0;
        long granted = 0;
        long reservedAhead = 0;
        long refused = 0;
        for (int script = 0; script < SCRIPTS; script++)
        {
            final long seed = seeds.nextLong();
            final SplittableRandom random = new SplittableRandom(seed);
            final long periodNs = random.nextBoolean() ? 1 + random.nextInt(2_000) : 1 + random.nextLong(50_000_000);
            final int limit = 1 + random.nextInt(random.nextBoolean() ? 5 : 200);
            final long timeoutNs = random.nextInt(4) == 0 ? 0 : random.nextLong(periodNs * 4 + 1);
            final ManualClock clock = new ManualClock(random.nextLong(1L << 50));

            final RateLimiter ours = RateLimiter.of("ours", RateLimiterConfig.custom()
                .limitForPeriod(limit).limitRefreshPeriodNs(periodNs).timeoutNs(timeoutNs).build(), clock);
            final AtomicRateLimiter theirs = new AtomicRateLimiter("theirs",
                io.github.resilience4j.ratelimiter.RateLimiterConfig.custom()
                    .limitForPeriod(limit)
                    .limitRefreshPeriod(Duration.ofNanos(periodNs))
                    .timeoutDuration(Duration.ofNanos(timeoutNs))
                    .build(),
                clock::nanoTime);

            for (int step = 0; step < STEPS_PER_SCRIPT; step++)
            {
                final String where = "seed=" + seed + " step=" + step + " limit=" + ours.config().limitForPeriod() +
                    " periodNs=" + periodNs + " timeoutNs=" + ours.config().timeoutNs();
                final int op = random.nextInt(100);
                final int maxPermits = Math.max(1, ours.config().limitForPeriod() * 2);
                if (op < 35)
                {
                    final int permits = 1 + random.nextInt(random.nextBoolean() ? 2 : maxPermits);
                    final long wait = ours.reservePermission(permits);
                    assertThat(wait).as(where + " reserve " + permits).isEqualTo(theirs.reservePermission(permits));
                    if (wait == 0)
                    {
                        granted++;
                    }
                    else if (wait > 0)
                    {
                        reservedAhead++;
                    }
                    else
                    {
                        refused++;
                    }
                }
                else if (op < 60)
                {
                    final int permits = 1 + random.nextInt(random.nextBoolean() ? 2 : maxPermits);
                    final boolean got = ours.tryAcquirePermission(permits);
                    assertThat(got).as(where + " tryAcquire " + permits).isEqualTo(tryAcquire(theirs, permits));
                    if (got)
                    {
                        granted++;
                    }
                    else
                    {
                        refused++;
                    }
                }
                else if (op < 90)
                {
                    final int kind = random.nextInt(10);
                    final long delta = kind < 6 ? random.nextLong(periodNs + 1) :
                        kind < 9 ? random.nextLong(periodNs * 5 + 1) : random.nextLong(periodNs * 1_000 + 1);
                    clock.advance(delta);
                }
                else if (op < 94)
                {
                    final int newLimit = 1 + random.nextInt(random.nextBoolean() ? 5 : 200);
                    ours.changeLimitForPeriod(newLimit);
                    theirs.changeLimitForPeriod(newLimit);
                }
                else if (op < 97)
                {
                    final long newTimeout = random.nextInt(3) == 0 ? 0 : random.nextLong(periodNs * 4 + 1);
                    ours.changeTimeoutDuration(Duration.ofNanos(newTimeout));
                    theirs.changeTimeoutDuration(Duration.ofNanos(newTimeout));
                }
                else
                {
                    assertThat(ours.availablePermissions()).as(where + " available")
                        .isEqualTo(theirs.getMetrics().getAvailablePermissions());
                }
                steps++;
            }
        }
        assertThat(steps).isEqualTo((long)SCRIPTS * STEPS_PER_SCRIPT);
        assertThat(granted).as("the scripts exercised grants").isGreaterThan(10_000);
        assertThat(reservedAhead).as("the scripts exercised reservations ahead").isGreaterThan(1_000);
        assertThat(refused).as("the scripts exercised refusals").isGreaterThan(10_000);
    }

    @Test
    void shouldDrainToZeroWhereResilience4jLeavesPermitsAfterAnIdlePeriod()
    {
        final ManualClock clock = new ManualClock(1_000);
        final long periodNs = 1_000;
        final RateLimiter ours = RateLimiter.of("ours", RateLimiterConfig.custom()
            .limitForPeriod(10).limitRefreshPeriodNs(periodNs).timeoutNs(0).build(), clock);
        final AtomicRateLimiter theirs = new AtomicRateLimiter("theirs",
            io.github.resilience4j.ratelimiter.RateLimiterConfig.custom()
                .limitForPeriod(10).limitRefreshPeriod(Duration.ofNanos(periodNs)).timeoutDuration(Duration.ZERO)
                .build(),
            clock::nanoTime);
        assertThat(ours.tryAcquirePermission(7)).isTrue();
        assertThat(tryAcquire(theirs, 7)).isTrue();
        clock.advance(periodNs);

        ours.drainPermissions();
        theirs.drainPermissions();

        assertThat(ours.availablePermissions()).as("ours: a drain empties the period").isZero();
        assertThat(theirs.getMetrics().getAvailablePermissions())
            .as("Resilience4j drains the 3 left before the refill, so 7 stay").isEqualTo(7);
    }

    private static boolean tryAcquire(final AtomicRateLimiter limiter, final int permits)
    {
        final Duration timeout = limiter.getRateLimiterConfig().getTimeoutDuration();
        limiter.changeTimeoutDuration(Duration.ZERO);
        try
        {
            return limiter.acquirePermission(permits);
        }
        finally
        {
            limiter.changeTimeoutDuration(timeout);
        }
    }
}
