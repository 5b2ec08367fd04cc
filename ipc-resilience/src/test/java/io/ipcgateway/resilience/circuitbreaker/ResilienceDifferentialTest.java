package io.ipcgateway.resilience.circuitbreaker;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy;
import io.github.resilience4j.circuitbreaker.internal.CircuitBreakerStateMachine;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Drives our breaker and Resilience4j 2.4.0's {@code CircuitBreakerStateMachine} through the same scripted random
 * sequences (calls with random outcomes and durations, in-flight calls finishing late, clock steps, manual
 * transitions, resets) on one controllable clock, and asserts after every step: the same permitted decisions, the
 * same state, the same state transitions in the same order, and the same window counts (buffered, failed, slow) in
 * CLOSED, HALF_OPEN and METRICS_ONLY.
 * <p>
 * Deliberate differences, kept out of the comparison by the script and named here (docs/resilience.md says why):
 * <ol>
 *     <li>{@link #OPEN_WAIT_IN_MILLISECONDS}: the end of the wait in OPEN is kept in milliseconds, so the clock
 *     moves in whole milliseconds here (Resilience4j compares instants to the nanosecond).</li>
 *     <li>{@link #NOT_PERMITTED_IS_CUMULATIVE}: our not-permitted count is cumulative; Resilience4j's restarts with
 *     each state. Not compared.</li>
 *     <li>{@link #OUTCOMES_IN_OPEN_ARE_DROPPED}: an outcome reported while OPEN is not recorded (Resilience4j
 *     records it into the OPEN state's metrics, which no decision ever reads). Metrics are not compared in OPEN.</li>
 *     <li>{@link #TIME_BUCKETS_ON_MONOTONIC_SECONDS}: time-window buckets are seconds of the monotonic clock, not
 *     of the wall clock; here both clocks are the same counter, so buckets coincide.</li>
 *     <li>{@link #EVENTS_IN_EVERY_STATE}: events are published in every state (Resilience4j drops non-transition
 *     events in DISABLED, FORCED_OPEN and METRICS_ONLY); only transitions are compared.</li>
 * </ol>
 */
class ResilienceDifferentialTest
{
    static final String OPEN_WAIT_IN_MILLISECONDS = "the end of the wait in OPEN has millisecond resolution";
    static final String NOT_PERMITTED_IS_CUMULATIVE = "not-permitted calls are counted over the breaker's life";
    static final String OUTCOMES_IN_OPEN_ARE_DROPPED = "outcomes reported in OPEN are not recorded";
    static final String TIME_BUCKETS_ON_MONOTONIC_SECONDS = "time buckets are monotonic-clock seconds";
    static final String EVENTS_IN_EVERY_STATE = "events are published in every state";
    static final String REFERENCE_DIVIDES_BY_ZERO_IN_OPEN =
        "Resilience4j throws ArithmeticException for an outcome in OPEN entered from FORCED_OPEN or DISABLED";

    private static final int SCENARIOS = 160;
    private static final int STEPS = 3_000;
    private static final long START_NANOS = TimeUnit.SECONDS.toNanos(1_000);
    private static final long SLOW_MS = 100;

    @Test
    void shouldMakeTheSameDecisionsAndTransitionsAsResilience4jOnRandomScripts()
    {
        int transitions = 0;
        int rejections = 0;
        for (int scenario = 0; scenario < SCENARIOS; scenario++)
        {
            final Result result = runScenario(0xC0FFEEL + scenario);
            transitions += result.transitions;
            rejections += result.rejections;
        }
        // The scripts must reach the interesting states, or the comparison proves little.
        assertThat(transitions).isGreaterThan(SCENARIOS * 5);
        assertThat(rejections).isGreaterThan(SCENARIOS * 10);
    }

    private static Result runScenario(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final ManualClock clock = new ManualClock(START_NANOS);
        final boolean countBased = random.nextBoolean();
        final int size = countBased ? 1 + random.nextInt(20) : 1 + random.nextInt(8);
        final int minCalls = 1 + random.nextInt(countBased ? 25 : 15);
        final float failureRate = pick(random, 1f, 20f, 33.3f, 50f, 66.7f, 100f);
        final float slowRate = pick(random, 10f, 25.5f, 50f, 100f);
        final int permitted = 1 + random.nextInt(5);
        final boolean exponential = random.nextBoolean();
        final long baseWait = 100 + random.nextInt(2_000);
        final WaitIntervalFunction ours = attempt -> wait(exponential, baseWait, attempt);
        final io.github.resilience4j.core.IntervalFunction theirs = attempt -> wait(exponential, baseWait, attempt);

        final CircuitBreaker breaker = CircuitBreaker.of("ours", CircuitBreakerConfig.custom()
            .slidingWindow(size, minCalls, countBased ? SlidingWindowType.COUNT_BASED : SlidingWindowType.TIME_BASED)
            .failureRateThreshold(failureRate)
            .slowCallRateThreshold(slowRate)
            .slowCallDurationThreshold(Duration.ofMillis(SLOW_MS))
            .permittedNumberOfCallsInHalfOpenState(permitted)
            .waitIntervalFunctionInOpenState(ours)
            .recordExceptions(IOException.class)
            .recordException(error -> error.getMessage() != null && error.getMessage().startsWith("record"))
            .ignoreExceptions(IgnoredException.class)
            .ignoreException(error -> error.getMessage() != null && error.getMessage().startsWith("ignore"))
            .recordResult(result -> "FAIL".equals(result))
            .clock(clock)
            .build());
        final CircuitBreakerStateMachine reference = new CircuitBreakerStateMachine("reference",
            io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
                .slidingWindow(size, minCalls, countBased ?
                    io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType.COUNT_BASED :
                    io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
                .slidingWindowSynchronizationStrategy(SlidingWindowSynchronizationStrategy.SYNCHRONIZED)
                .failureRateThreshold(failureRate)
                .slowCallRateThreshold(slowRate)
                .slowCallDurationThreshold(Duration.ofMillis(SLOW_MS))
                .permittedNumberOfCallsInHalfOpenState(permitted)
                .waitIntervalFunctionInOpenState(theirs)
                .recordExceptions(IOException.class)
                .recordException(error -> error.getMessage() != null && error.getMessage().startsWith("record"))
                .ignoreExceptions(IgnoredException.class)
                .ignoreException(error -> error.getMessage() != null && error.getMessage().startsWith("ignore"))
                .recordResult(result -> "FAIL".equals(result))
                .clock(new SharedClock(clock))
                .build());

        final List<String> ourTransitions = new ArrayList<>();
        final List<String> theirTransitions = new ArrayList<>();
        breaker.addListener(new CircuitBreakerListener()
        {
            @Override
            public void onStateTransition(final String name, final CircuitBreakerState from,
                final CircuitBreakerState to)
            {
                ourTransitions.add(from + "->" + to);
            }
        });
        reference.getEventPublisher().onStateTransition(event -> theirTransitions.add(
            event.getStateTransition().getFromState() + "->" + event.getStateTransition().getToState()));

        final Deque<String> log = new ArrayDeque<>();
        final Deque<Integer> pending = new ArrayDeque<>();
        int rejections = 0;
        final String context = "seed=" + seed + " countBased=" + countBased + " size=" + size + " minCalls="
            + minCalls + " failureRate=" + failureRate + " slowRate=" + slowRate + " permitted=" + permitted
            + " exponential=" + exponential + " baseWait=" + baseWait;
        for (int step = 0; step < STEPS; step++)
        {
            final int action = random.nextInt(100);
            final String done;
            if (action < 15)
            {
                final long ms = random.nextInt(10) == 0 ? random.nextInt(5_000) : random.nextInt(300);
                clock.advance(ms, TimeUnit.MILLISECONDS);
                done = "advance " + ms + "ms";
            }
            else if (action < 17)
            {
                done = transition(random.nextInt(6), breaker, reference);
            }
            else if (action < 18)
            {
                breaker.reset();
                reference.reset();
                done = "reset";
            }
            else if (action < 22 && !pending.isEmpty())
            {
                final int kind = pending.poll();
                done = "late " + complete(kind, random, breaker, reference);
            }
            else if (action < 23)
            {
                breaker.releasePermission();
                reference.releasePermission();
                done = "release";
            }
            else
            {
                final boolean expected = reference.tryAcquirePermission();
                final boolean mine = breaker.tryAcquirePermission();
                if (mine != expected)
                {
                    fail("permitted? ours=" + mine + " theirs=" + expected + " step=" + step + " " + context
                        + "\nlast steps: " + log);
                }
                if (!mine)
                {
                    rejections++;
                    done = "rejected";
                }
                else if (pending.size() < 3 && random.nextInt(10) == 0)
                {
                    pending.add(random.nextInt(7));
                    done = "permitted, in flight";
                }
                else
                {
                    done = "permitted, " + complete(random.nextInt(7), random, breaker, reference);
                }
            }
            log.add(step + ": " + done + " -> " + reference.getState());
            if (log.size() > 12)
            {
                log.poll();
            }
            if (!breaker.state().name().equals(reference.getState().name()) ||
                !ourTransitions.equals(theirTransitions))
            {
                fail("state ours=" + breaker.state() + " theirs=" + reference.getState() + " step=" + step + " "
                    + context + "\nlast steps: " + log + "\nour transitions:   " + ourTransitions
                    + "\ntheir transitions: " + theirTransitions);
            }
            final CircuitBreakerState state = breaker.state();
            if (state == CircuitBreakerState.CLOSED || state == CircuitBreakerState.HALF_OPEN ||
                state == CircuitBreakerState.METRICS_ONLY)
            {
                final CircuitBreakerMetrics metrics = breaker.metrics();
                final io.github.resilience4j.circuitbreaker.CircuitBreaker.Metrics window = reference.getMetrics();
                if (metrics.bufferedCalls() != window.getNumberOfBufferedCalls() ||
                    metrics.failedCalls() != window.getNumberOfFailedCalls() ||
                    metrics.slowCalls() != window.getNumberOfSlowCalls() ||
                    Float.compare(metrics.failureRate(), window.getFailureRate()) != 0)
                {
                    fail("window ours=" + metrics + " theirs: buffered=" + window.getNumberOfBufferedCalls()
                        + " failed=" + window.getNumberOfFailedCalls() + " slow=" + window.getNumberOfSlowCalls()
                        + " failureRate=" + window.getFailureRate() + " step=" + step + " " + context
                        + "\nlast steps: " + log);
                }
            }
        }
        return new Result(ourTransitions.size(), rejections);
    }

    private static String transition(
        final int which, final CircuitBreaker breaker, final CircuitBreakerStateMachine reference)
    {
        final Runnable ours;
        final Runnable theirs;
        final String name;
        switch (which)
        {
            case 0:
                name = "toClosed";
                ours = breaker::transitionToClosedState;
                theirs = reference::transitionToClosedState;
                break;
            case 1:
                name = "toOpen";
                ours = breaker::transitionToOpenState;
                theirs = reference::transitionToOpenState;
                break;
            case 2:
                name = "toHalfOpen";
                ours = breaker::transitionToHalfOpenState;
                theirs = reference::transitionToHalfOpenState;
                break;
            case 3:
                name = "toDisabled";
                ours = breaker::transitionToDisabledState;
                theirs = reference::transitionToDisabledState;
                break;
            case 4:
                name = "toForcedOpen";
                ours = breaker::transitionToForcedOpenState;
                theirs = reference::transitionToForcedOpenState;
                break;
            default:
                name = "toMetricsOnly";
                ours = breaker::transitionToMetricsOnlyState;
                theirs = reference::transitionToMetricsOnlyState;
                break;
        }
        final boolean theirsRefused = refused(theirs);
        final boolean oursRefused = refused(ours);
        if (oursRefused != theirsRefused)
        {
            fail(name + " refused by ours=" + oursRefused + " by theirs=" + theirsRefused);
        }
        return name + (oursRefused ? " (refused)" : "");
    }

    private static boolean refused(final Runnable transition)
    {
        try
        {
            transition.run();
            return false;
        }
        catch (final IllegalStateTransitionException |
            io.github.resilience4j.circuitbreaker.IllegalStateTransitionException ex)
        {
            return true;
        }
    }

    private static String complete(
        final int kind, final SplittableRandom random, final CircuitBreaker breaker,
        final CircuitBreakerStateMachine reference)
    {
        final int shape = random.nextInt(10);
        final long durationMs = shape < 7 ? random.nextLong(SLOW_MS) : shape < 9 ?
            SLOW_MS + 1 + random.nextLong(500) : SLOW_MS;
        final long nanos = TimeUnit.MILLISECONDS.toNanos(durationMs) + (shape == 9 ? random.nextInt(2) : 0);
        switch (kind)
        {
            case 0:
                referenceOutcome(reference, () -> reference.onSuccess(nanos, TimeUnit.NANOSECONDS));
                breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
                return "success " + nanos + "ns";
            case 1:
                final IOException io = new IOException("down");
                referenceOutcome(reference, () -> reference.onError(nanos, TimeUnit.NANOSECONDS, io));
                breaker.onError(nanos, TimeUnit.NANOSECONDS, io);
                return "recorded error " + nanos + "ns";
            case 2:
                final IgnoredException ignored = new IgnoredException("ignored by class");
                referenceOutcome(reference, () -> reference.onError(nanos, TimeUnit.NANOSECONDS, ignored));
                breaker.onError(nanos, TimeUnit.NANOSECONDS, ignored);
                return "ignored error";
            case 3:
                final IllegalArgumentException other = new IllegalArgumentException(
                    random.nextBoolean() ? "record by predicate" : random.nextBoolean() ? "ignore by predicate" : "x");
                referenceOutcome(reference, () -> reference.onError(nanos, TimeUnit.NANOSECONDS, other));
                breaker.onError(nanos, TimeUnit.NANOSECONDS, other);
                return "error '" + other.getMessage() + "' " + nanos + "ns";
            case 4:
                referenceOutcome(reference, () -> reference.onResult(nanos, TimeUnit.NANOSECONDS, "FAIL"));
                breaker.onResult(nanos, TimeUnit.NANOSECONDS, "FAIL");
                return "failed result " + nanos + "ns";
            case 5:
                referenceOutcome(reference, () -> reference.onResult(nanos, TimeUnit.NANOSECONDS, "OK"));
                breaker.onResult(nanos, TimeUnit.NANOSECONDS, "OK");
                return "ok result " + nanos + "ns";
            default:
                // Our exception-free failure API against Resilience4j's recorded exception.
                final IOException down = new IOException("down");
                referenceOutcome(reference, () -> reference.onError(nanos, TimeUnit.NANOSECONDS, down));
                breaker.onError(nanos, TimeUnit.NANOSECONDS);
                return "plain error " + nanos + "ns";
        }
    }

    /**
     * Resilience4j 2.4.0 gives OPEN entered from FORCED_OPEN or DISABLED their zero-size window, so an outcome
     * reported then divides by zero inside {@code FixedSizeSlidingWindowMetrics}; ours records nothing in OPEN.
     * That defect of the reference ({@link #REFERENCE_DIVIDES_BY_ZERO_IN_OPEN}) is tolerated in OPEN only.
     */
    private static void referenceOutcome(final CircuitBreakerStateMachine reference, final Runnable outcome)
    {
        try
        {
            outcome.run();
        }
        catch (final ArithmeticException ex)
        {
            if (reference.getState() != io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN)
            {
                throw ex;
            }
        }
    }

    private static long wait(final boolean exponential, final long base, final int attempt)
    {
        return exponential ? Math.min(base << Math.min(attempt - 1, 10), 20_000) : base;
    }

    private static float pick(final SplittableRandom random, final float... values)
    {
        return values[random.nextInt(values.length)];
    }

    private static final class Result
    {
        final int transitions;
        final int rejections;

        Result(final int transitions, final int rejections)
        {
            this.transitions = transitions;
            this.rejections = rejections;
        }
    }

    static final class IgnoredException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        IgnoredException(final String message)
        {
            super(message);
        }
    }

    /**
     * Resilience4j's view of our manual clock: the same nanoseconds as an instant after the epoch.
     */
    static final class SharedClock extends Clock
    {
        private final ManualClock clock;

        SharedClock(final ManualClock clock)
        {
            this.clock = clock;
        }

        @Override
        public ZoneId getZone()
        {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(final ZoneId zone)
        {
            return this;
        }

        @Override
        public Instant instant()
        {
            return Instant.ofEpochSecond(0, clock.nanoTime());
        }
    }
}
