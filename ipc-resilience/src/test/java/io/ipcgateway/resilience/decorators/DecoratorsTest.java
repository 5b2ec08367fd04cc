package io.ipcgateway.resilience.decorators;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

import io.ipcgateway.resilience.bulkhead.Bulkhead;
import io.ipcgateway.resilience.bulkhead.BulkheadConfig;
import io.ipcgateway.resilience.bulkhead.BulkheadFullException;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreaker;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerConfig;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerState;
import io.ipcgateway.resilience.circuitbreaker.SlidingWindowType;
import io.ipcgateway.resilience.ratelimiter.RateLimiter;
import io.ipcgateway.resilience.ratelimiter.RateLimiterConfig;
import io.ipcgateway.resilience.ratelimiter.RequestNotPermittedException;
import io.ipcgateway.resilience.retry.Retry;
import io.ipcgateway.resilience.retry.RetryConfig;
import io.ipcgateway.resilience.timelimiter.TimeLimiter;
import io.ipcgateway.resilience.timelimiter.TimeLimiterConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DecoratorsTest
{
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop()
    {
        scheduler.shutdownNow();
    }

    private static Retry retry(final int attempts)
    {
        return Retry.of("retry", RetryConfig.custom().maxAttempts(attempts).waitDuration(Duration.ZERO).build());
    }

    private static RateLimiter limiter(final int perPeriod)
    {
        return RateLimiter.of("limiter", RateLimiterConfig.custom().limitForPeriod(perPeriod)
            .limitRefreshPeriod(Duration.ofHours(1)).timeoutNs(0).build());
    }

    @Test
    void shouldNestRetryOutsideBreakerOutsideLimiterOutsideBulkheadWhateverTheCallOrder()
    {
        final RecordingBreaker breaker = new RecordingBreaker(10);
        final Bulkhead bulkhead = Bulkhead.of("bulkhead", BulkheadConfig.custom().maxConcurrentCalls(1).build());
        final AtomicInteger calls = new AtomicInteger();
        final Supplier<String> decorated = Decorators.<String>ofSupplier(() ->
            {
                calls.incrementAndGet();
                assertThat(bulkhead.availableConcurrentCalls()).as("the call runs inside the bulkhead").isZero();
                throw new IllegalArgumentException("downstream failed");
            })
            .withBulkhead(bulkhead).withRateLimiter(limiter(2)).withCircuitBreaker(breaker).withRetry(retry(3))
            .decorate();

        assertThatThrownBy(decorated::get).isInstanceOf(RequestNotPermittedException.class);

        assertThat(calls).as("two permits, two calls").hasValue(2);
        assertThat(breaker.outcomes()).as("the breaker sees each attempt, the limiter's refusal included")
            .containsExactly("error:IllegalArgumentException", "error:IllegalArgumentException",
                "error:RequestNotPermittedException");
        assertThat(bulkhead.availableConcurrentCalls()).as("every slot given back").isEqualTo(1);
    }

    @Test
    void shouldNotCallWhenTheBreakerRefusesAndLetTheRetryTryAgain()
    {
        final RecordingBreaker breaker = new RecordingBreaker(1);
        final AtomicInteger calls = new AtomicInteger();
        final Callable<String> decorated = Decorators.ofCallable(() ->
            {
                if (calls.incrementAndGet() == 1)
                {
                    throw new java.io.IOException("first fails");
                }
                return "never";
            })
            .withCircuitBreaker(breaker).withRetry(retry(3)).decorate();

        assertThatThrownBy(decorated::call).isSameAs(breaker.notPermittedException());
        assertThat(calls).as("after the breaker opened no call went through").hasValue(1);
        assertThat(breaker.outcomes()).containsExactly("error:IOException");
    }

    @Test
    void shouldDecorateRunnableAndFunctionAndReportSuccessToTheBreaker() throws Exception
    {
        final RecordingBreaker breaker = new RecordingBreaker(5);
        final AtomicInteger runs = new AtomicInteger();
        Decorators.ofRunnable(runs::incrementAndGet).withCircuitBreaker(breaker).withBulkhead(
            Bulkhead.of("b", BulkheadConfig.ofDefaults())).run();
        final Function<Integer, Integer> twice = Decorators.ofFunction((Integer x) -> x * 2)
            .withCircuitBreaker(breaker).withRateLimiter(limiter(10)).withRetry(retry(2)).decorate();
        assertThat(twice.apply(21)).isEqualTo(42);
        assertThat(Decorators.ofCallable(() -> "c").withCircuitBreaker(breaker).call()).isEqualTo("c");
        assertThat(Decorators.ofSupplier(() -> "s").get()).isEqualTo("s");
        assertThat(runs).hasValue(1);
        assertThat(breaker.outcomes()).containsExactly("ok:null", "ok:42", "ok:c");
    }

    @Test
    void shouldOpenARealCircuitBreakerAndThenRefuseWithItsException()
    {
        final CircuitBreaker breaker = CircuitBreaker.of("cb", CircuitBreakerConfig.custom()
            .slidingWindow(4, 4, SlidingWindowType.COUNT_BASED).failureRateThreshold(50)
            .recordResult(result -> "bad".equals(result)).build());
        final AtomicInteger calls = new AtomicInteger();
        final Supplier<String> decorated = Decorators.<String>ofSupplier(() ->
            {
                final int n = calls.incrementAndGet();
                if (n % 2 == 0)
                {
                    throw new IllegalStateException("failure " + n);
                }
                return n == 3 ? "bad" : "good";
            })
            .withCircuitBreaker(breaker).decorate();

        assertThat(decorated.get()).isEqualTo("good");
        assertThatThrownBy(decorated::get).hasMessage("failure 2");
        assertThat(decorated.get()).as("a result the breaker's predicate counts as a failure").isEqualTo("bad");
        assertThatThrownBy(decorated::get).hasMessage("failure 4");

        assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
        assertThatThrownBy(decorated::get).isSameAs(breaker.callNotPermittedException());
        assertThat(calls).hasValue(4);
    }

    @Test
    void shouldThrowTheBulkheadsExceptionWhenFull()
    {
        final Bulkhead bulkhead = Bulkhead.of("full", BulkheadConfig.custom().maxConcurrentCalls(0).build());
        assertThatThrownBy(() -> Decorators.ofSupplier(() -> "x").withBulkhead(bulkhead).get())
            .isInstanceOf(BulkheadFullException.class).hasMessageContaining("bulkhead=full");
    }

    @Test
    void shouldRetryATimedOutStageAndWaitForAReservedPermitWithoutBlocking() throws Exception
    {
        final RecordingBreaker breaker = new RecordingBreaker(10);
        final RateLimiter limiter = RateLimiter.of("async", RateLimiterConfig.custom().limitForPeriod(1)
            .limitRefreshPeriod(Duration.ofMillis(30)).timeoutDuration(Duration.ofSeconds(5)).build());
        final TimeLimiter timeLimiter = TimeLimiter.of("tl", TimeLimiterConfig.custom()
            .timeoutDuration(Duration.ofMillis(50)).build());
        final Bulkhead bulkhead = Bulkhead.of("b", BulkheadConfig.custom().maxConcurrentCalls(1).build());
        final AtomicInteger calls = new AtomicInteger();
        final Supplier<CompletionStage<String>> decorated = Decorators.ofCompletionStage(scheduler, () ->
                calls.incrementAndGet() == 1 ? new CompletableFuture<String>() :
                    CompletableFuture.completedFuture("ok"))
            .withRetry(retry(3)).withCircuitBreaker(breaker).withRateLimiter(limiter).withTimeLimiter(timeLimiter)
            .withBulkhead(bulkhead).decorate();

        assertThat(decorated.get().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo("ok");

        assertThat(calls).hasValue(2);
        assertThat(breaker.outcomes()).containsExactly("error:TimeoutException", "ok:ok");
        assertThat(bulkhead.availableConcurrentCalls()).isEqualTo(1);
    }
}
