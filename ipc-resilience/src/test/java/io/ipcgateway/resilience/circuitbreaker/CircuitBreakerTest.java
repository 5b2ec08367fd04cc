package io.ipcgateway.resilience.circuitbreaker;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.ConfigurationException;
import io.ipcgateway.resilience.circuitbreaker.internal.TransitionScheduler;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CircuitBreakerTest
{
    private final ManualClock clock = new ManualClock(TimeUnit.SECONDS.toNanos(10));

    private CircuitBreakerConfig.Builder config()
    {
        return CircuitBreakerConfig.custom().slidingWindow(10, 4, SlidingWindowType.COUNT_BASED)
            .failureRateThreshold(50).waitDurationInOpenState(Duration.ofSeconds(5))
            .permittedNumberOfCallsInHalfOpenState(2).clock(clock);
    }

    @Test
    void shouldOpenWhenFailureRateReachesThresholdOnceMinimumCallsAreIn()
    {
        final CircuitBreaker breaker = CircuitBreaker.of("orders", config().build());
        fail(breaker);
        fail(breaker);
        succeed(breaker);
        assertThat(breaker.state()).isEqualTo(CircuitBreakerState.CLOSED);
        assertThat(breaker.metrics().failureRate()).isEqualTo(-1f);
        succeed(breaker);
        assertThat(breaker.state()).as("2 of 4 failed = 50%").isEqualTo(CircuitBreakerState.OPEN);
        assertThat(breaker.metrics().bufferedCalls()).as("OPEN shows the window that opened it").isEqualTo(4);
    }

    @Test
    void shouldOpenWhenSlowCallRateReachesThreshold()
    {
        final CircuitBreaker breaker = CircuitBreaker.of("slow", config().slowCallRateThreshold(75)
            .slowCallDurationThreshold(Duration.ofMillis(100)).build());
        for (int i = 0; i < 3; i++)
        {
            assertThat(breaker.tryAcquirePermission()).isTrue();
            breaker.onSuccess(101, TimeUnit.MILLISECONDS);
        }
        assertThat(breaker.tryAcquirePermission()).isTrue();
        breaker.onSuccess(100, TimeUnit.MILLISECONDS);
        assertThat(breaker.state()).as("3 of 4 slower than 100 ms = 75%").isEqualTo(CircuitBreakerState.OPEN);
    }

    @Test
    void shouldRejectWhileOpenThenAdmitExactlyThePermittedTrialsAfterTheWait()
    {
        final CircuitBreaker breaker = CircuitBreaker.of("trial", config().build());
        breaker.transitionToOpenState();
        assertThat(breaker.tryAcquirePermission()).isFalse();
        clock.advance(5, TimeUnit.SECONDS);
        assertThat(breaker.tryAcquirePermission()).as("not after the wait: at its end").isFalse();
        clock.advance(1, TimeUnit.MILLISECONDS);
        assertThat(breaker.tryAcquirePermission()).isTrue();
        assertThat(breaker.state()).isEqualTo(CircuitBreakerState.HALF_OPEN);
        assertThat(breaker.tryAcquirePermission()).isTrue();
        assertThat(breaker.tryAcquirePermission()).isFalse();
        breaker.onSuccess(1, TimeUnit.MILLISECONDS);
        assertThat(breaker.state()).isEqualTo(CircuitBreakerState.HALF_OPEN);
        breaker.onSuccess(1, TimeUnit.MILLISECONDS);
        assertThat(breaker.state()).isEqualTo(CircuitBreakerState.CLOSED);
        assertThat(breaker.metrics().bufferedCalls()).as("a new CLOSED window").isZero();
        assertThat(breaker.metrics().notPermittedCalls()).isEqualTo(3);
    }

    @Test
    void shouldWaitLongerOnEachReopeningWithAnExponentialWaitFunction()
    {
        final CircuitBreaker breaker = CircuitBreaker.of("backoff", config()
            .waitIntervalFunctionInOpenState(WaitIntervalFunction.exponential(1_000, 2.0, 3_000)).build());
        breaker.transitionToOpenState();
        final long[] expectedWaitsMs = {1_000, 2_000, 3_000, 3_000};
        for (final long waitMs : expectedWaitsMs)
        {
            clock.advance(waitMs, TimeUnit.MILLISECONDS);
            assertThat(breaker.tryAcquirePermission()).as("wait " + waitMs).isFalse();
            clock.advance(1, TimeUnit.MILLISECONDS);
            assertThat(breaker.tryAcquirePermission()).isTrue();
            breaker.onError(1, TimeUnit.MILLISECONDS);
            assertThat(breaker.tryAcquirePermission()).isTrue();
            breaker.onError(1, TimeUnit.MILLISECONDS);
            assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
        }
    }

    @Test
    void shouldClassifyExceptionsAndResultsByClassAndPredicate()
    {
        final CircuitBreaker breaker = CircuitBreaker.of("rules", config().failureRateThreshold(100)
            .recordExceptions(IOException.class)
            .recordException(error -> "boom".equals(error.getMessage()))
            .ignoreExceptions(IllegalStateException.class)
            .recordResult(result -> Integer.valueOf(503).equals(result)).build());
        breaker.onError(1, TimeUnit.MILLISECONDS, new IOException("down"));
        breaker.onError(1, TimeUnit.MILLISECONDS, new CompletionException(new RuntimeException("boom")));
        breaker.onError(1, TimeUnit.MILLISECONDS, new IllegalArgumentException("not recorded: a success"));
        breaker.onError(1, TimeUnit.MILLISECONDS, new IllegalStateException("ignored"));
        breaker.onResult(1, TimeUnit.MILLISECONDS, 200);
        breaker.onResult(1, TimeUnit.MILLISECONDS, null);
        final CircuitBreakerMetrics metrics = breaker.metrics();
        assertThat(metrics.bufferedCalls()).isEqualTo(5);
        assertThat(metrics.failedCalls()).isEqualTo(2);
        breaker.onResult(1, TimeUnit.MILLISECONDS, 503);
        assertThat(breaker.metrics().failedCalls()).isEqualTo(3);
    }

    @Test
    void shouldThrowOnePreallocatedExceptionWithoutStackTraceWhenRejecting()
    {
        final CircuitBreaker breaker = CircuitBreaker.of("throwing", config().build());
        breaker.transitionToForcedOpenState();
        final CallNotPermittedException first = catchRejection(breaker);
        final CallNotPermittedException second = catchRejection(breaker);
        assertThat(first).isSameAs(second).isSameAs(breaker.callNotPermittedException());
        assertThat(first.getStackTrace()).isEmpty();
        assertThat(first.getMessage()).contains("circuitBreaker=throwing");
        assertThatThrownBy(() -> breaker.executeSupplier(() -> "x")).isSameAs(first);
    }

    @Test
    void shouldMeasureAndRecordCallsMadeThroughExecute() throws Exception
    {
        final CircuitBreaker breaker = CircuitBreaker.of("execute", config().build());
        assertThat(breaker.executeSupplier(() -> "ok")).isEqualTo("ok");
        assertThat(breaker.executeCallable(() -> 7)).isEqualTo(7);
        assertThatThrownBy(() -> breaker.executeRunnable(() ->
        {
            throw new IllegalStateException("failed");
        })).hasMessage("failed");
        assertThat(breaker.metrics().bufferedCalls()).isEqualTo(3);
        assertThat(breaker.metrics().failedCalls()).isEqualTo(1);
    }

    @Test
    void shouldForgetCallsOlderThanTheTimeWindow()
    {
        final CircuitBreaker breaker = CircuitBreaker.of("time", config().failureRateThreshold(60)
            .slidingWindow(3, 2, SlidingWindowType.TIME_BASED).build());
        fail(breaker);
        clock.advance(1, TimeUnit.SECONDS);
        succeed(breaker);
        assertThat(breaker.metrics().bufferedCalls()).isEqualTo(2);
        clock.advance(2, TimeUnit.SECONDS);
        assertThat(breaker.metrics().bufferedCalls()).as("the failure's second left the window").isEqualTo(1);
        succeed(breaker);
        fail(breaker);
        assertThat(breaker.metrics().failedCalls()).isEqualTo(1);
        assertThat(breaker.state()).isEqualTo(CircuitBreakerState.CLOSED);
        fail(breaker);
        assertThat(breaker.state()).as("2 of 4 within 3 s").isEqualTo(CircuitBreakerState.CLOSED);
        fail(breaker);
        assertThat(breaker.state()).as("3 of 5 within 3 s").isEqualTo(CircuitBreakerState.OPEN);
    }

    @Test
    void shouldHonourManualStatesAndRefuseWhatResilience4jRefuses()
    {
        final CircuitBreaker breaker = CircuitBreaker.of("manual", config().build());
        assertThatThrownBy(breaker::transitionToHalfOpenState).isInstanceOf(IllegalStateTransitionException.class)
            .hasMessageContaining("CLOSED to HALF_OPEN");
        breaker.transitionToDisabledState();
        for (int i = 0; i < 20; i++)
        {
            fail(breaker);
        }
        assertThat(breaker.state()).isEqualTo(CircuitBreakerState.DISABLED);
        breaker.transitionToMetricsOnlyState();
        for (int i = 0; i < 20; i++)
        {
            fail(breaker);
        }
        assertThat(breaker.state()).isEqualTo(CircuitBreakerState.METRICS_ONLY);
        assertThat(breaker.metrics().failureRate()).isEqualTo(100f);
        assertThatThrownBy(breaker::transitionToOpenState).isInstanceOf(IllegalStateTransitionException.class);
        breaker.transitionToForcedOpenState();
        clock.advance(1, TimeUnit.HOURS);
        assertThat(breaker.tryAcquirePermission()).isFalse();
        breaker.reset();
        assertThat(breaker.state()).isEqualTo(CircuitBreakerState.CLOSED);
        assertThat(breaker.tryAcquirePermission()).isTrue();
    }

    @Test
    void shouldPublishEventsToListeners()
    {
        final CircuitBreaker breaker = CircuitBreaker.of("events", config()
            .slowCallDurationThreshold(Duration.ofMillis(10)).ignoreExceptions(IllegalStateException.class).build());
        final List<String> events = new ArrayList<>();
        breaker.addListener(new CircuitBreakerListener()
        {
            @Override
            public void onStateTransition(final String name, final CircuitBreakerState from,
                final CircuitBreakerState to)
            {
                events.add(name + ":" + from + "->" + to);
            }

            @Override
            public void onSuccess(final String name, final long durationNs)
            {
                events.add("success");
            }

            @Override
            public void onError(final String name, final long durationNs, final Throwable error)
            {
                events.add("error");
            }

            @Override
            public void onIgnoredError(final String name, final long durationNs, final Throwable error)
            {
                events.add("ignored");
            }

            @Override
            public void onCallNotPermitted(final String name)
            {
                events.add("rejected");
            }

            @Override
            public void onSlowCall(final String name, final long durationNs)
            {
                events.add("slow");
            }

            @Override
            public void onFailureRateExceeded(final String name, final float failureRate)
            {
                events.add("failureRate=" + failureRate);
            }

            @Override
            public void onReset(final String name)
            {
                events.add("reset");
            }
        });
        breaker.onSuccess(20, TimeUnit.MILLISECONDS);
        breaker.onError(1, TimeUnit.MILLISECONDS, new IllegalStateException());
        breaker.onError(1, TimeUnit.MILLISECONDS);
        breaker.onError(1, TimeUnit.MILLISECONDS);
        breaker.onError(1, TimeUnit.MILLISECONDS);
        breaker.tryAcquirePermission();
        breaker.reset();
        assertThat(events).containsExactly("success", "slow", "ignored", "error", "error", "error",
            "failureRate=75.0", "events:CLOSED->OPEN", "rejected", "events:OPEN->CLOSED", "reset");
    }

    @Test
    void shouldAllocateNothingOnClosedCallsOrOpenRejections()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final CircuitBreaker closed = CircuitBreaker.of("closed", config().slidingWindow(100, 100,
            SlidingWindowType.COUNT_BASED).failureRateThreshold(100).build());
        final CircuitBreaker timed = CircuitBreaker.of("timed", config().slidingWindow(10, 100,
            SlidingWindowType.TIME_BASED).failureRateThreshold(100).build());
        final CircuitBreaker open = CircuitBreaker.of("open", config().build());
        open.transitionToOpenState();
        final CircuitBreaker quiet = CircuitBreaker.of("quiet", CircuitBreakerConfig.custom()
            .waitDurationInOpenState(Duration.ofHours(1)).build());
        quiet.transitionToOpenState();
        long allocated = 0;
        for (int round = 0; round < 3; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100_000; i++)
            {
                if (closed.tryAcquirePermission())
                {
                    closed.onSuccess(1_000, TimeUnit.NANOSECONDS);
                }
                if (timed.tryAcquirePermission())
                {
                    timed.onError(1_000, TimeUnit.NANOSECONDS);
                }
                if (open.tryAcquirePermission())
                {
                    throw new AssertionError("OPEN permitted a call");
                }
                try
                {
                    quiet.acquirePermission();
                    throw new AssertionError("OPEN permitted a call");
                }
                catch (final CallNotPermittedException expected)
                {
                    // the preallocated one
                }
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        // Warmed up: 300,000 operations; a single allocation per call would be megabytes.
        assertThat(allocated).isLessThan(4_096);
    }

    @Test
    void shouldRejectWithoutReadingTheSystemClockUntilTheWaitEndsAndThenLetATrialThrough() throws Exception
    {
        final long waitMs = 200;
        final CircuitBreaker breaker = CircuitBreaker.of("quiet-wait", CircuitBreakerConfig.custom()
            .waitDurationInOpenState(Duration.ofMillis(waitMs)).permittedNumberOfCallsInHalfOpenState(1).build());
        long rejectedInAll = 0;
        for (int round = 0; round < 3; round++)
        {
            final long opened = System.nanoTime();
            breaker.transitionToOpenState();
            long rejected = 0;
            final long deadline = opened + TimeUnit.SECONDS.toNanos(10);
            while (!breaker.tryAcquirePermission())
            {
                rejected++;
                assertThat(System.nanoTime()).as("the wait ended long ago and no trial went through")
                    .isLessThan(deadline);
            }
            final long admittedAfterNs = System.nanoTime() - opened;
            // The OPEN wait ends on a millisecond boundary (the state word keeps milliseconds), so at worst 1 ms early.
            assertThat(admittedAfterNs).as("a trial before the OPEN wait ended")
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(waitMs - 1));
            assertThat(breaker.state()).isEqualTo(CircuitBreakerState.HALF_OPEN);
            assertThat(breaker.tryAcquirePermission()).as("one trial only").isFalse();
            assertThat(rejected).isPositive();
            rejectedInAll += rejected + 1;
            breaker.onError(1, TimeUnit.MILLISECONDS);
            assertThat(breaker.state()).as("the failed trial reopens it").isEqualTo(CircuitBreakerState.OPEN);
            breaker.transitionToClosedState();
        }
        assertThat(breaker.metrics().notPermittedCalls()).as("every rejection counted, quiet or not")
            .isEqualTo(rejectedInAll);
    }

    @Test
    void shouldMoveOpenToHalfOpenOnTheSharedSchedulerWithoutACall() throws Exception
    {
        final CircuitBreakerConfig auto = CircuitBreakerConfig.custom().waitDurationInOpenState(Duration.ofMillis(50))
            .automaticTransitionFromOpenToHalfOpenEnabled(true).maxWaitDurationInHalfOpenState(Duration.ofMillis(50))
            .build();
        final CircuitBreaker first = CircuitBreaker.of("auto-1", auto);
        final CircuitBreaker second = CircuitBreaker.of("auto-2", auto);
        final List<String> seen = new ArrayList<>();
        first.addListener(new CircuitBreakerListener()
        {
            @Override
            public void onStateTransition(final String name, final CircuitBreakerState from,
                final CircuitBreakerState to)
            {
                synchronized (seen)
                {
                    seen.add(from + "->" + to + " on " + Thread.currentThread().getName());
                }
            }
        });
        first.transitionToOpenState();
        second.transitionToOpenState();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline)
        {
            synchronized (seen)
            {
                if (seen.size() >= 3)
                {
                    break;
                }
            }
            Thread.sleep(5);
        }
        synchronized (seen)
        {
            assertThat(seen).startsWith("CLOSED->OPEN on " + Thread.currentThread().getName(),
                "OPEN->HALF_OPEN on " + TransitionScheduler.THREAD_NAME,
                "HALF_OPEN->OPEN on " + TransitionScheduler.THREAD_NAME);
        }
        assertThat(Thread.getAllStackTraces().keySet().stream()
            .filter(thread -> thread.getName().equals(TransitionScheduler.THREAD_NAME))).hasSize(1);
    }

    @Test
    void shouldNameTheSettingAndTheValidRangeWhenAConfigIsBad()
    {
        assertThatThrownBy(() -> CircuitBreakerConfig.custom().failureRateThreshold(0))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("failureRateThreshold=0.0")
            .hasMessageContaining("greater than 0 and at most 100");
        assertThatThrownBy(() -> CircuitBreakerConfig.custom().slowCallRateThreshold(101))
            .hasMessageContaining("slowCallRateThreshold=101.0");
        assertThatThrownBy(() -> CircuitBreakerConfig.custom().slidingWindowSize(0))
            .hasMessageContaining("slidingWindowSize=0").hasMessageContaining("valid range is 1 to");
        assertThatThrownBy(() -> CircuitBreakerConfig.custom().minimumNumberOfCalls(0))
            .hasMessageContaining("minimumNumberOfCalls=0");
        assertThatThrownBy(() -> CircuitBreakerConfig.custom().waitDurationInOpenState(Duration.ofMillis(-1)))
            .hasMessageContaining("waitDurationInOpenState=PT-0.001S").hasMessageContaining("1 ms");
        assertThatThrownBy(() -> CircuitBreakerConfig.custom().slowCallDurationThreshold(Duration.ZERO))
            .hasMessageContaining("slowCallDurationThreshold=PT0S");
        assertThatThrownBy(() -> CircuitBreakerConfig.custom().maxWaitDurationInHalfOpenState(Duration.ofSeconds(-5)))
            .hasMessageContaining("maxWaitDurationInHalfOpenState");
        assertThatThrownBy(() -> CircuitBreakerConfig.custom().permittedNumberOfCallsInHalfOpenState(0))
            .hasMessageContaining("permittedNumberOfCallsInHalfOpenState=0");
        assertThatThrownBy(() -> CircuitBreakerConfig.custom().slidingWindow(4000, 1, SlidingWindowType.TIME_BASED)
            .build()).hasMessageContaining("TIME_BASED");
        assertThatThrownBy(() -> CircuitBreakerConfig.custom()
            .transitionToStateAfterWaitDuration(CircuitBreakerState.HALF_OPEN)).hasMessageContaining("OPEN and CLOSED");
    }

    @Test
    void shouldReturnOneBreakerPerNameFromTheRegistry()
    {
        final CircuitBreakerConfig defaults = config().failureRateThreshold(25).build();
        try (CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(defaults))
        {
            final CircuitBreaker first = registry.circuitBreaker("a");
            assertThat(registry.circuitBreaker("a")).isSameAs(first);
            assertThat(first.config().failureRateThreshold()).isEqualTo(25);
            assertThat(registry.circuitBreaker("b", CircuitBreakerConfig.ofDefaults()).config()
                .failureRateThreshold()).isEqualTo(50);
            assertThat(registry.all()).hasSize(2);
            assertThat(registry.find("a")).containsSame(first);
            assertThat(registry.remove("a")).containsSame(first);
            assertThat(registry.find("a")).isEmpty();
        }
    }

    private static CallNotPermittedException catchRejection(final CircuitBreaker breaker)
    {
        try
        {
            breaker.acquirePermission();
        }
        catch (final CallNotPermittedException ex)
        {
            return ex;
        }
        throw new AssertionError("not rejected");
    }

    @Test
    void shouldCountTotalsOfEveryReportedOutcomeOverTheBreakersLifeWhateverTheWindowAndState()
    {
        final CircuitBreaker breaker = CircuitBreaker.of("totals", config().slidingWindow(2, 2,
            SlidingWindowType.COUNT_BASED).failureRateThreshold(100).slowCallDurationThreshold(Duration.ofMillis(10))
            .ignoreExceptions(IllegalStateException.class).build());
        for (int i = 0; i < 5; i++)
        {
            succeed(breaker);
        }
        assertThat(breaker.tryAcquirePermission()).isTrue();
        breaker.onSuccess(11, TimeUnit.MILLISECONDS);
        assertThat(breaker.tryAcquirePermission()).isTrue();
        breaker.onError(1, TimeUnit.MILLISECONDS, new IllegalStateException("ignored: not counted"));
        fail(breaker);
        CircuitBreakerMetrics metrics = breaker.metrics();
        assertThat(metrics.bufferedCalls()).as("the window keeps 2 calls").isEqualTo(2);
        assertThat(metrics.totalSuccessfulCalls()).isEqualTo(6);
        assertThat(metrics.totalFailedCalls()).isEqualTo(1);
        assertThat(metrics.totalSlowCalls()).isEqualTo(1);

        breaker.transitionToDisabledState();
        succeed(breaker);
        breaker.transitionToForcedOpenState();
        assertThat(breaker.tryAcquirePermission()).isFalse();
        breaker.reset();
        assertThat(breaker.tryAcquirePermission()).isTrue();
        breaker.onError(20, TimeUnit.MILLISECONDS);
        metrics = breaker.metrics();
        assertThat(metrics.bufferedCalls()).as("reset empties the window").isEqualTo(1);
        assertThat(metrics.totalSuccessfulCalls()).as("totals never go back, counted in DISABLED too").isEqualTo(7);
        assertThat(metrics.totalFailedCalls()).isEqualTo(2);
        assertThat(metrics.totalSlowCalls()).isEqualTo(2);
        assertThat(metrics.notPermittedCalls()).isEqualTo(1);
    }

    @Test
    void shouldKeepTheLastNCallsWhenFastSuccessesOnAFullCleanWindowWriteNothing()
    {
        final CircuitBreaker breaker = CircuitBreaker.of("fast", config().slidingWindow(4, 4,
            SlidingWindowType.COUNT_BASED).failureRateThreshold(50).build());
        for (int i = 0; i < 4 + 10; i++)
        {
            succeed(breaker);
        }
        fail(breaker);
        for (int i = 0; i < 3; i++)
        {
            succeed(breaker);
            assertThat(breaker.metrics().failedCalls()).as("the failure is among the last 4 calls").isEqualTo(1);
        }
        succeed(breaker);
        assertThat(breaker.metrics().failedCalls()).as("the 4th call after the failure evicts it").isZero();
        assertThat(breaker.metrics().bufferedCalls()).isEqualTo(4);
        fail(breaker);
        fail(breaker);
        assertThat(breaker.state()).as("2 of the last 4 failed").isEqualTo(CircuitBreakerState.OPEN);
        assertThat(breaker.metrics().totalSuccessfulCalls()).isEqualTo(18);
        assertThat(breaker.metrics().totalFailedCalls()).isEqualTo(3);
    }

    private static void fail(final CircuitBreaker breaker)
    {
        if (breaker.tryAcquirePermission())
        {
            breaker.onError(1, TimeUnit.MILLISECONDS);
        }
    }

    private static void succeed(final CircuitBreaker breaker)
    {
        if (breaker.tryAcquirePermission())
        {
            breaker.onSuccess(1, TimeUnit.MILLISECONDS);
        }
    }
}
