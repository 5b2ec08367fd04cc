package io.ipcgateway.resilience.ratelimiter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.resilience.shared.SharedStateOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SharedRateLimiterTest
{
    private static final long PERIOD = 1_000_000;

    @TempDir
    Path temp;

    private final ManualClock clock = new ManualClock(5_000_000_000L);

    private SharedStateOptions options()
    {
        return SharedStateOptions.builder().baseDirectory(temp.resolve("state")).build();
    }

    private SharedRateLimiter open(final String name, final int limit, final long timeoutNs)
    {
        return SharedRateLimiter.openOrCreate(options(), name, RateLimiterConfig.custom().limitForPeriod(limit)
            .limitRefreshPeriodNs(PERIOD).timeoutNs(timeoutNs).build(), clock);
    }

    @Test
    void shouldShareOneBudgetBetweenTwoOpenersOfTheSameName() throws Exception
    {
        try (SharedRateLimiter a = open("shared", 3, 0); SharedRateLimiter b = open("shared", 3, 0))
        {
            assertThat(a.file().isCreator()).isTrue();
            assertThat(b.file().isCreator()).isFalse();
            assertThat(a.tryAcquirePermission(2)).isTrue();
            assertThat(b.tryAcquirePermission(2)).isFalse();
            assertThat(b.tryAcquirePermission()).isTrue();
            assertThat(a.tryAcquirePermission()).isFalse();
            clock.advance(PERIOD);
            assertThat(b.availablePermissions()).isEqualTo(3);
            assertThat(Files.getPosixFilePermissions(a.file().path()))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
    }

    @Test
    void shouldFindTheBudgetWhereItWasLeftAfterReopening()
    {
        try (SharedRateLimiter first = open("reopen", 10, 0))
        {
            assertThat(first.tryAcquirePermission(7)).isTrue();
        }
        try (SharedRateLimiter again = open("reopen", 10, 0))
        {
            assertThat(again.file().isCreator()).isFalse();
            assertThat(again.availablePermissions()).isEqualTo(3);
            assertThat(again.tryAcquirePermission(4)).isFalse();
        }
    }

    @Test
    void shouldApplyALimitOrTimeoutChangeToEveryOpener()
    {
        try (SharedRateLimiter a = open("change", 2, 0); SharedRateLimiter b = open("change", 99, 0))
        {
            assertThat(b.config().limitForPeriod()).as("the creator's limit applies").isEqualTo(2);
            a.changeLimitForPeriod(5);
            a.changeTimeoutDuration(Duration.ofNanos(3 * PERIOD));
            assertThat(b.config().limitForPeriod()).isEqualTo(5);
            assertThat(b.config().timeoutNs()).isEqualTo(3 * PERIOD);
            assertThat(b.tryAcquirePermission(2)).isTrue();
            assertThat(b.reservePermission(5)).isEqualTo(PERIOD);
        }
    }

    @Test
    void shouldRefuseAnOpenerConfiguredWithAnotherPeriod()
    {
        try (SharedRateLimiter a = open("period", 2, 0))
        {
            assertThatThrownBy(() -> SharedRateLimiter.openOrCreate(options(), "period",
                RateLimiterConfig.custom().limitRefreshPeriodNs(PERIOD * 2).build(), clock))
                .isInstanceOf(ChannelFileException.class);
            assertThat(a.tryAcquirePermission()).isTrue();
        }
    }

    @Test
    void shouldNeverGrantAPermitTwiceWhenThreadsRaceThroughTwoMappingsOfTheFile() throws Exception
    {
        final int limit = 40_000;
        try (SharedRateLimiter a = open("race", limit, 0); SharedRateLimiter b = open("race", limit, 0))
        {
            for (int period = 0; period < 3; period++)
            {
                final AtomicLong granted = new AtomicLong();
                final Thread[] threads = new Thread[4];
                for (int i = 0; i < threads.length; i++)
                {
                    final SharedRateLimiter limiter = i % 2 == 0 ? a : b;
                    threads[i] = new Thread(() ->
                    {
                        int refusalsInARow = 0;
                        long mine = 0;
                        while (refusalsInARow < 1_000)
                        {
                            if (limiter.tryAcquirePermission())
                            {
                                mine++;
                                refusalsInARow = 0;
                            }
                            else
                            {
                                refusalsInARow++;
                            }
                        }
                        granted.addAndGet(mine);
                    });
                    threads[i].start();
                }
                for (final Thread thread : threads)
                {
                    thread.join();
                }
                assertThat(granted.get()).as("period " + period).isEqualTo(limit);
                clock.advance(PERIOD);
            }
        }
    }

    @Test
    void shouldDecideExactlyAsTheInProcessLimiterOnRandomScripts()
    {
        final SplittableRandom random = new SplittableRandom(77);
        for (int script = 0; script < 20; script++)
        {
            final int limit = 1 + random.nextInt(50);
            final long timeoutNs = random.nextLong(PERIOD * 3);
            final RateLimiterConfig config = RateLimiterConfig.custom().limitForPeriod(limit)
                .limitRefreshPeriodNs(PERIOD).timeoutNs(timeoutNs).build();
            try (SharedRateLimiter shared = SharedRateLimiter.openOrCreate(options(), "script" + script, config,
                clock))
            {
                final RateLimiter local = RateLimiter.of("local", config, clock);
                for (int step = 0; step < 2_000; step++)
                {
                    final int op = random.nextInt(10);
                    final int permits = 1 + random.nextInt(limit * 2);
                    if (op < 4)
                    {
                        assertThat(shared.reservePermission(permits)).isEqualTo(local.reservePermission(permits));
                    }
                    else if (op < 7)
                    {
                        assertThat(shared.tryAcquirePermission(permits))
                            .isEqualTo(local.tryAcquirePermission(permits));
                    }
                    else if (op < 9)
                    {
                        clock.advance(random.nextLong(PERIOD * 2));
                    }
                    else
                    {
                        shared.drainPermissions();
                        local.drainPermissions();
                    }
                    assertThat(shared.availablePermissions()).isEqualTo(local.availablePermissions());
                }
            }
        }
    }
}
