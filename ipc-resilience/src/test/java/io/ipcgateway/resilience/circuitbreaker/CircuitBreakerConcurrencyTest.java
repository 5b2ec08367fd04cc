package io.ipcgateway.resilience.circuitbreaker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads on one breaker: no trial permit is granted twice, and window counts add up.
 */
class CircuitBreakerConcurrencyTest
{
    private static final int THREADS = 4;

    @Test
    void shouldAdmitExactlyThePermittedTrialsWhenManyThreadsRaceOutOfOpen() throws Exception
    {
        final ManualClock clock = new ManualClock(0);
        final int permitted = 7;
        final CircuitBreaker breaker = CircuitBreaker.of("race", CircuitBreakerConfig.custom()
            .permittedNumberOfCallsInHalfOpenState(permitted).waitDurationInOpenState(Duration.ofSeconds(1))
            .clock(clock).build());
        final AtomicInteger halfOpenTransitions = new AtomicInteger();
        breaker.addListener(new CircuitBreakerListener()
        {
            @Override
            public void onStateTransition(final String name, final CircuitBreakerState from,
                final CircuitBreakerState to)
            {
                if (to == CircuitBreakerState.HALF_OPEN)
                {
                    halfOpenTransitions.incrementAndGet();
                }
            }
        });
        for (int round = 0; round < 200; round++)
        {
            breaker.reset();
            breaker.transitionToOpenState();
            clock.advance(1_001, TimeUnit.MILLISECONDS);
            final AtomicInteger granted = new AtomicInteger();
            runTogether(() ->
            {
                for (int i = 0; i < 50; i++)
                {
                    if (breaker.tryAcquirePermission())
                    {
                        granted.incrementAndGet();
                    }
                }
            });
            assertThat(granted.get()).as("round " + round).isEqualTo(permitted);
            assertThat(breaker.state()).isEqualTo(CircuitBreakerState.HALF_OPEN);
            assertThat(halfOpenTransitions.get()).isEqualTo(round + 1);
        }
    }

    @Test
    void shouldDecideHalfOpenOnceWhenTrialsFinishTogether() throws Exception
    {
        final ManualClock clock = new ManualClock(0);
        final CircuitBreaker breaker = CircuitBreaker.of("decide", CircuitBreakerConfig.custom()
            .permittedNumberOfCallsInHalfOpenState(THREADS * 25).clock(clock).build());
        final List<String> transitions = new ArrayList<>();
        breaker.addListener(new CircuitBreakerListener()
        {
            @Override
            public void onStateTransition(final String name, final CircuitBreakerState from,
                final CircuitBreakerState to)
            {
                synchronized (transitions)
                {
                    transitions.add(from + "->" + to);
                }
            }
        });
        breaker.transitionToOpenState();
        breaker.transitionToHalfOpenState();
        runTogether(() ->
        {
            for (int i = 0; i < 25; i++)
            {
                if (breaker.tryAcquirePermission())
                {
                    breaker.onSuccess(1, TimeUnit.MILLISECONDS);
                }
            }
        });
        assertThat(breaker.state()).isEqualTo(CircuitBreakerState.CLOSED);
        assertThat(transitions).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
    }

    @Test
    void shouldCountEveryCallWhenThreadsRecordIntoOneCountWindow() throws Exception
    {
        final int perThread = 5_000;
        final CircuitBreaker breaker = CircuitBreaker.of("counts", CircuitBreakerConfig.custom()
            .slidingWindow(CircuitBreakerConfig.MAX_WINDOW_SIZE, CircuitBreakerConfig.MAX_WINDOW_SIZE,
                SlidingWindowType.COUNT_BASED).slowCallDurationThreshold(Duration.ofMillis(1)).build());
        runTogether(() ->
        {
            for (int i = 0; i < perThread; i++)
            {
                if (breaker.tryAcquirePermission())
                {
                    if (i % 4 == 0)
                    {
                        breaker.onError(2, TimeUnit.MILLISECONDS);
                    }
                    else
                    {
                        breaker.onSuccess(10, TimeUnit.MICROSECONDS);
                    }
                }
            }
        });
        final CircuitBreakerMetrics metrics = breaker.metrics();
        assertThat(metrics.bufferedCalls()).isEqualTo(THREADS * perThread);
        assertThat(metrics.failedCalls()).isEqualTo(THREADS * perThread / 4);
        assertThat(metrics.slowCalls()).isEqualTo(THREADS * perThread / 4);
        assertThat(metrics.totalFailedCalls()).as("striped totals lose nothing").isEqualTo(THREADS * perThread / 4);
        assertThat(metrics.totalSlowCalls()).isEqualTo(THREADS * perThread / 4);
        assertThat(metrics.totalSuccessfulCalls()).isEqualTo(THREADS * perThread * 3 / 4);
    }

    @Test
    void shouldKeepExactlyTheWindowSizeWhenThreadsLapASmallCountWindow() throws Exception
    {
        final int size = 16;
        final CircuitBreaker breaker = CircuitBreaker.of("lap", CircuitBreakerConfig.custom()
            .slidingWindow(size, size, SlidingWindowType.COUNT_BASED).failureRateThreshold(100).build());
        runTogether(() ->
        {
            for (int i = 0; i < 20_000; i++)
            {
                if (breaker.tryAcquirePermission())
                {
                    if (i % 2 == 0)
                    {
                        breaker.onError(1, TimeUnit.MICROSECONDS);
                    }
                    else
                    {
                        breaker.onSuccess(1, TimeUnit.MICROSECONDS);
                    }
                }
            }
        });
        final CircuitBreakerMetrics metrics = breaker.metrics();
        assertThat(metrics.bufferedCalls()).isEqualTo(size);
        assertThat(metrics.failedCalls()).isBetween(0, size);
        // Quiet now: one more round of single-threaded successes leaves exactly the window, all successful.
        for (int i = 0; i < size; i++)
        {
            if (breaker.tryAcquirePermission())
            {
                breaker.onSuccess(1, TimeUnit.MICROSECONDS);
            }
        }
        if (breaker.state() == CircuitBreakerState.CLOSED)
        {
            assertThat(breaker.metrics().failedCalls()).isZero();
            assertThat(breaker.metrics().bufferedCalls()).isEqualTo(size);
        }
    }

    @Test
    void shouldCountEveryCallWhenThreadsRecordIntoOneTimeWindow() throws Exception
    {
        final ManualClock clock = new ManualClock(TimeUnit.SECONDS.toNanos(5));
        final int perThread = 5_000;
        final CircuitBreaker breaker = CircuitBreaker.of("time-counts", CircuitBreakerConfig.custom()
            .slidingWindow(10, 1_000_000, SlidingWindowType.TIME_BASED).clock(clock).build());
        runTogether(() ->
        {
            for (int i = 0; i < perThread; i++)
            {
                if (breaker.tryAcquirePermission())
                {
                    breaker.onError(1, TimeUnit.MICROSECONDS);
                }
            }
        });
        assertThat(breaker.metrics().bufferedCalls()).isEqualTo(THREADS * perThread);
        assertThat(breaker.metrics().failedCalls()).isEqualTo(THREADS * perThread);
    }

    @Test
    void shouldKeepTheTimeWindowsDecisionTotalsExactWhenThreadsRaceAcrossSecondsOnTheSystemClock() throws Exception
    {
        assertTimeWindowTotalsExact(NanoClock.SYSTEM, null);
    }

    @Test
    void shouldKeepTheTimeWindowsDecisionTotalsExactWhenTheHeadMovesWhileThreadsRecord() throws Exception
    {
        final ManualClock clock = new ManualClock(TimeUnit.SECONDS.toNanos(5));
        assertTimeWindowTotalsExact(clock, clock);
    }

    /**
     * Threads record a mix of successes (most through the one-compare-and-set path) and failures; the window's
     * minimum is one more than all of them, so nothing is decided until a last failure, which must open the breaker
     * exactly when the running totals plus the head bucket hold every call.
     */
    private static void assertTimeWindowTotalsExact(final NanoClock clock, final ManualClock mover) throws Exception
    {
        final int perThread = 20_000;
        final int calls = THREADS * perThread;
        final int failures = calls / 10;
        final float threshold = (failures + 1) * 100.0f / (calls + 1);
        final CircuitBreaker breaker = CircuitBreaker.of("time-totals", CircuitBreakerConfig.custom()
            .slidingWindow(3_600, calls + 1, SlidingWindowType.TIME_BASED).failureRateThreshold(threshold)
            .clock(clock).build());
        final AtomicInteger started = new AtomicInteger();
        runTogether(() ->
        {
            final boolean moves = started.getAndIncrement() == 0 && mover != null;
            for (int i = 0; i < perThread; i++)
            {
                if (!breaker.tryAcquirePermission())
                {
                    throw new AssertionError("a CLOSED breaker below its minimum refused a call");
                }
                if (i % 10 == 0)
                {
                    breaker.onError(1, TimeUnit.MICROSECONDS);
                }
                else
                {
                    breaker.onSuccess(1, TimeUnit.MICROSECONDS);
                }
                if (moves && i % 1_000 == 999)
                {
                    mover.advance(300, TimeUnit.MILLISECONDS);
                }
            }
        });
        assertThat(breaker.metrics().bufferedCalls()).isEqualTo(calls);
        assertThat(breaker.metrics().failedCalls()).isEqualTo(failures);
        assertThat(breaker.state()).isEqualTo(CircuitBreakerState.CLOSED);
        assertThat(breaker.tryAcquirePermission()).isTrue();
        breaker.onError(1, TimeUnit.MICROSECONDS);
        assertThat(breaker.state()).as("the minimum reached with exactly the failure rate of the threshold")
            .isEqualTo(CircuitBreakerState.OPEN);
    }

    /**
     * An in-process time window holds its successes' lifetime count in its buckets (no stripe get-and-add): the
     * totals must stay exact while buckets are reused for new seconds and resets abandon whole windows, and a reader
     * racing all that must never see them go back.
     */
    @Test
    void shouldKeepTheLifetimeTotalsExactAndRisingWhenTimeBucketsAreReusedWhileThreadsRecord() throws Exception
    {
        final ManualClock clock = new ManualClock(TimeUnit.SECONDS.toNanos(5));
        final int perThread = 50_000;
        final CircuitBreaker breaker = CircuitBreaker.of("time-lifetime", CircuitBreakerConfig.custom()
            .slidingWindow(2, 1_000_000, SlidingWindowType.TIME_BASED).clock(clock).build());
        final AtomicInteger started = new AtomicInteger();
        final AtomicLong successes = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicLong wentBack = new AtomicLong();
        final Thread reader = new Thread(() ->
        {
            long last = 0;
            while (!done.get())
            {
                final long now = breaker.metrics().totalSuccessfulCalls();
                if (now < last)
                {
                    wentBack.incrementAndGet();
                }
                last = now;
            }
        });
        reader.start();
        runTogether(() ->
        {
            final boolean moves = started.getAndIncrement() == 0;
            for (int i = 0; i < perThread; i++)
            {
                if (!breaker.tryAcquirePermission())
                {
                    throw new AssertionError("a CLOSED breaker below its minimum refused a call");
                }
                if (i % 7 == 0)
                {
                    breaker.onError(1, TimeUnit.MICROSECONDS);
                    failures.incrementAndGet();
                }
                else
                {
                    breaker.onSuccess(1, TimeUnit.MICROSECONDS);
                    successes.incrementAndGet();
                }
                if (moves && i % 500 == 499)
                {
                    clock.advance(700, TimeUnit.MILLISECONDS);
                }
                if (moves && i % 10_000 == 9_999)
                {
                    breaker.reset();
                }
            }
        });
        done.set(true);
        reader.join();
        assertThat(breaker.metrics().totalSuccessfulCalls()).isEqualTo(successes.get());
        assertThat(breaker.metrics().totalFailedCalls()).isEqualTo(failures.get());
        assertThat(wentBack.get()).as("reads of the lifetime successes that went back").isZero();
    }

    @Test
    void shouldCountEveryRejection() throws Exception
    {
        final CircuitBreaker breaker = CircuitBreaker.ofDefaults("rejections");
        breaker.transitionToForcedOpenState();
        runTogether(() ->
        {
            for (int i = 0; i < 10_000; i++)
            {
                breaker.tryAcquirePermission();
            }
        });
        assertThat(breaker.metrics().notPermittedCalls()).isEqualTo(THREADS * 10_000L);
    }

    private static void runTogether(final Runnable work) throws Exception
    {
        final CyclicBarrier barrier = new CyclicBarrier(THREADS);
        final List<Thread> threads = new ArrayList<>();
        final List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++)
        {
            final Thread thread = new Thread(() ->
            {
                try
                {
                    barrier.await(10, TimeUnit.SECONDS);
                    work.run();
                }
                catch (final Exception | AssertionError ex)
                {
                    synchronized (failures)
                    {
                        failures.add(ex);
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (final Thread thread : threads)
        {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertThat(failures).isEmpty();
    }
}
