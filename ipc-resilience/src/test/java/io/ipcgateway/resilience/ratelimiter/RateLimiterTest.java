package io.ipcgateway.resilience.ratelimiter;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.ipcgateway.core.ConfigurationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimiterTest
{
    private static final long PERIOD = 1_000_000;

    private final ManualClock clock = new ManualClock(123_456_789L);

    private RateLimiter limiter(final int limit, final long timeoutNs)
    {
        return RateLimiter.of("test", RateLimiterConfig.custom()
            .limitForPeriod(limit).limitRefreshPeriodNs(PERIOD).timeoutNs(timeoutNs).build(), clock);
    }

    @Test
    void shouldGrantLimitForPeriodThenRefuseUntilTheNextPeriod()
    {
        final RateLimiter limiter = limiter(3, 0);
        assertThat(limiter.tryAcquirePermission()).isTrue();
        assertThat(limiter.tryAcquirePermission()).isTrue();
        assertThat(limiter.tryAcquirePermission()).isTrue();
        assertThat(limiter.tryAcquirePermission()).isFalse();
        assertThat(limiter.acquirePermission()).isFalse();
        clock.advance(PERIOD - 1);
        assertThat(limiter.tryAcquirePermission()).isFalse();
        clock.advance(1);
        assertThat(limiter.availablePermissions()).isEqualTo(3);
        assertThat(limiter.tryAcquirePermission(3)).isTrue();
        assertThat(limiter.tryAcquirePermission()).isFalse();
    }

    @Test
    void shouldNotAccumulateMoreThanOnePeriodWhenIdle()
    {
        final RateLimiter limiter = limiter(5, 0);
        clock.advance(PERIOD * 10);
        assertThat(limiter.availablePermissions()).isEqualTo(5);
        assertThat(limiter.tryAcquirePermission(5)).isTrue();
        assertThat(limiter.tryAcquirePermission()).isFalse();
    }

    @Test
    void shouldReserveAheadAndReturnTheNanosToWaitWhenWithinTheTimeout()
    {
        final RateLimiter limiter = limiter(2, 3 * PERIOD);
        clock.advance(PERIOD / 4);
        assertThat(limiter.reservePermission(2)).isZero();
        assertThat(limiter.reservePermission()).isEqualTo(PERIOD - PERIOD / 4);
        assertThat(limiter.reservePermission()).isEqualTo(PERIOD - PERIOD / 4);
        assertThat(limiter.reservePermission(2)).isEqualTo(2 * PERIOD - PERIOD / 4);
        assertThat(limiter.availablePermissions()).isEqualTo(-4);
        assertThat(limiter.reservePermission(5)).isEqualTo(RateLimiter.RESERVATION_REFUSED);
        assertThat(limiter.availablePermissions()).as("a refusal takes nothing").isEqualTo(-4);
        clock.advance(PERIOD);
        assertThat(limiter.availablePermissions()).isEqualTo(-2);
    }

    @Test
    void shouldRefuseReservationBeyondTheTimeout()
    {
        final RateLimiter limiter = limiter(1, PERIOD / 2);
        assertThat(limiter.tryAcquirePermission()).isTrue();
        assertThat(limiter.reservePermission()).isEqualTo(RateLimiter.RESERVATION_REFUSED);
        clock.advance(PERIOD / 2);
        assertThat(limiter.reservePermission()).isEqualTo(PERIOD / 2);
    }

    @Test
    void shouldApplyAChangedLimitFromTheNextRefill()
    {
        final RateLimiter limiter = limiter(2, 0);
        assertThat(limiter.tryAcquirePermission(2)).isTrue();
        limiter.changeLimitForPeriod(10);
        assertThat(limiter.tryAcquirePermission()).isFalse();
        clock.advance(PERIOD);
        assertThat(limiter.tryAcquirePermission(10)).isTrue();
        assertThat(limiter.config().limitForPeriod()).isEqualTo(10);
    }

    @Test
    void shouldLetCallersWaitOnceTheTimeoutIsRaised()
    {
        final RateLimiter limiter = limiter(1, 0);
        assertThat(limiter.tryAcquirePermission()).isTrue();
        assertThat(limiter.reservePermission()).isEqualTo(RateLimiter.RESERVATION_REFUSED);
        limiter.changeTimeoutDuration(Duration.ofNanos(PERIOD));
        assertThat(limiter.reservePermission()).isEqualTo(PERIOD);
    }

    @Test
    void shouldLeaveNoPermissionAfterDrain()
    {
        final RateLimiter limiter = limiter(4, 0);
        assertThat(limiter.tryAcquirePermission()).isTrue();
        limiter.drainPermissions();
        assertThat(limiter.availablePermissions()).isZero();
        assertThat(limiter.tryAcquirePermission()).isFalse();
        clock.advance(PERIOD);
        assertThat(limiter.tryAcquirePermission(4)).isTrue();
    }

    @Test
    void shouldThrowThePreallocatedExceptionWithoutStackTraceWhenRefused()
    {
        final RateLimiter limiter = limiter(1, 0);
        limiter.acquirePermissionOrThrow();
        assertThatThrownBy(limiter::acquirePermissionOrThrow)
            .isSameAs(limiter.notPermittedException())
            .hasMessageContaining("rateLimiter=test");
        assertThat(limiter.notPermittedException().getStackTrace()).isEmpty();
    }

    @Test
    void shouldWaitForAReservedPermitOnTheRealClock() throws Exception
    {
        final RateLimiter limiter = RateLimiter.of("real", RateLimiterConfig.custom()
            .limitForPeriod(1).limitRefreshPeriod(Duration.ofMillis(50)).timeoutDuration(Duration.ofSeconds(5))
            .build());
        assertThat(limiter.acquirePermission()).isTrue();
        final long start = System.nanoTime();
        assertThat(limiter.acquirePermission()).isTrue();
        assertThat(System.nanoTime() - start).as("waited for the next period").isGreaterThan(0);
        assertThat(limiter.waitingThreads()).isZero();
    }

    @Test
    void shouldReturnFalseAndKeepTheInterruptFlagWhenInterruptedWhileWaiting() throws Exception
    {
        final RateLimiter limiter = limiter(1, TimeUnit.HOURS.toNanos(1));
        assertThat(limiter.tryAcquirePermission()).isTrue();
        final AtomicBoolean result = new AtomicBoolean(true);
        final AtomicBoolean flag = new AtomicBoolean();
        final CountDownLatch done = new CountDownLatch(1);
        final Thread waiter = new Thread(() ->
        {
            result.set(limiter.acquirePermission());
            flag.set(Thread.currentThread().isInterrupted());
            done.countDown();
        });
        waiter.start();
        while (limiter.waitingThreads() == 0)
        {
            Thread.onSpinWait();
        }
        waiter.interrupt();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(result.get()).isFalse();
        assertThat(flag.get()).isTrue();
        assertThat(limiter.waitingThreads()).isZero();
    }

    @Test
    void shouldRejectBadSettingsNamingTheSettingAndTheRange()
    {
        assertThatThrownBy(() -> RateLimiterConfig.custom().limitForPeriod(0))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("limitForPeriod=0").hasMessageContaining("valid range 1..");
        assertThatThrownBy(() -> RateLimiterConfig.custom().limitRefreshPeriod(Duration.ZERO))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("limitRefreshPeriod=0ns").hasMessageContaining("valid range 1..");
        assertThatThrownBy(() -> RateLimiterConfig.custom().timeoutDuration(Duration.ofMillis(-1)))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("timeoutDuration=-1000000ns").hasMessageContaining("valid range 0..");
        assertThatThrownBy(() -> RateLimiterConfig.custom().timeoutDuration(null))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("timeoutDuration=null");
        assertThatThrownBy(() -> limiter(1, 0).changeLimitForPeriod(-5))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("limitForPeriod=-5");
        assertThatThrownBy(() -> limiter(1, 0).reservePermission(0))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("permits=0");
    }

    @Test
    void shouldUseResilience4jDefaults()
    {
        final RateLimiterConfig defaults = RateLimiterConfig.ofDefaults();
        assertThat(defaults.limitForPeriod()).isEqualTo(50);
        assertThat(defaults.limitRefreshPeriodNs()).isEqualTo(500);
        assertThat(defaults.timeoutNs()).isEqualTo(Duration.ofSeconds(5).toNanos());
    }
}
