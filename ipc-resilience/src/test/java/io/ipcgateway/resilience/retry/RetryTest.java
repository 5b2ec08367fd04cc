package io.ipcgateway.resilience.retry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.ipcgateway.core.ConfigurationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryTest
{
    private final List<Long> waits = new ArrayList<>();
    private final Sleeper recorder = waits::add;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopScheduler()
    {
        scheduler.shutdownNow();
    }

    @Test
    void shouldRetryUntilSuccessWaitingTheFixedIntervalBetweenAttempts() throws Exception
    {
        final Retry retry = Retry.of("r", RetryConfig.custom().maxAttempts(4).waitDuration(Duration.ofMillis(7))
            .build(), recorder);
        final AtomicInteger calls = new AtomicInteger();
        final String result = retry.executeCallable(() ->
        {
            if (calls.incrementAndGet() < 3)
            {
                throw new IOException("down");
            }
            return "ok";
        });
        assertThat(result).isEqualTo("ok");
        assertThat(calls).hasValue(3);
        assertThat(waits).containsExactly(7_000_000L, 7_000_000L);
        assertThat(retry.successfulCallsWithRetry()).isEqualTo(1);
    }

    @Test
    void shouldThrowTheLastExceptionWhenAttemptsAreExhausted()
    {
        final Retry retry = Retry.of("r", RetryConfig.custom().maxAttempts(3).build(), recorder);
        final AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry.executeSupplier(() ->
        {
            throw new IllegalStateException("attempt " + calls.incrementAndGet());
        })).isInstanceOf(IllegalStateException.class).hasMessage("attempt 3");
        assertThat(waits).hasSize(2);
        assertThat(retry.failedCallsWithRetry()).isEqualTo(1);
    }

    @Test
    void shouldNotRetryIgnoredOrUnlistedExceptionsNorErrors()
    {
        final Retry retry = Retry.of("r", RetryConfig.custom()
            .retryExceptions(UncheckedIOException.class, IllegalStateException.class)
            .ignoreExceptions(IllegalStateException.class)
            .retryOnException(e -> !"fatal".equals(e.getMessage()))
            .build(), recorder);
        final AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry.executeSupplier(() ->
        {
            calls.incrementAndGet();
            throw new IllegalStateException("ignored");
        })).hasMessage("ignored");
        assertThatThrownBy(() -> retry.executeSupplier(() ->
        {
            calls.incrementAndGet();
            throw new IllegalArgumentException("not listed");
        })).hasMessage("not listed");
        assertThatThrownBy(() -> retry.executeSupplier(() ->
        {
            calls.incrementAndGet();
            throw new UncheckedIOException("fatal", new IOException());
        })).hasMessage("fatal");
        assertThatThrownBy(() -> retry.executeSupplier(() ->
        {
            calls.incrementAndGet();
            throw new AssertionError("an error");
        })).isInstanceOf(AssertionError.class);
        assertThat(calls).hasValue(4);
        assertThat(waits).isEmpty();
        assertThat(retry.failedCallsWithoutRetry()).isEqualTo(3);
    }

    @Test
    void shouldRetryOnResultAndReturnOrFailWithTheLastResult()
    {
        final AtomicInteger calls = new AtomicInteger();
        final Retry returning = Retry.of("r", RetryConfig.custom().maxAttempts(3)
            .retryOnResult(r -> "busy".equals(r)).build(), recorder);
        assertThat(returning.executeSupplier(() -> calls.incrementAndGet() == 2 ? "done" : "busy")).isEqualTo("done");
        assertThat(returning.executeSupplier(() -> "busy")).isEqualTo("busy");

        final Retry failing = Retry.of("strict", RetryConfig.custom().maxAttempts(2)
            .retryOnResult(r -> "busy".equals(r)).failAfterMaxAttempts(true).build(), recorder);
        assertThatThrownBy(() -> failing.executeSupplier(() -> "busy"))
            .isInstanceOf(MaxRetriesExceededException.class).hasMessageContaining("retry=strict");
    }

    @Test
    void shouldBackOffExponentiallyUpToTheCap()
    {
        final IntervalFunction exponential = IntervalFunction.exponential(
            Duration.ofMillis(100), 2.0, Duration.ofMillis(500));
        assertThat(exponential.nanosBeforeRetry(1)).isEqualTo(100_000_000L);
        assertThat(exponential.nanosBeforeRetry(2)).isEqualTo(200_000_000L);
        assertThat(exponential.nanosBeforeRetry(3)).isEqualTo(400_000_000L);
        assertThat(exponential.nanosBeforeRetry(4)).isEqualTo(500_000_000L);
        assertThat(exponential.nanosBeforeRetry(60)).isEqualTo(500_000_000L);
    }

    @Test
    void shouldRandomizeWithinTheFactorAndStayUnderTheCap()
    {
        final IntervalFunction randomized = IntervalFunction.randomized(Duration.ofMillis(100), 0.5);
        final IntervalFunction both = IntervalFunction.exponentialRandomized(
            Duration.ofMillis(100), 3.0, 0.5, Duration.ofMillis(250));
        boolean spread = false;
        final long first = randomized.nanosBeforeRetry(1);
        for (int i = 0; i < 1_000; i++)
        {
            final long wait = randomized.nanosBeforeRetry(1);
            assertThat(wait).isBetween(50_000_000L, 150_000_001L);
            spread |= wait != first;
            assertThat(both.nanosBeforeRetry(1)).isBetween(50_000_000L, 150_000_001L);
            assertThat(both.nanosBeforeRetry(5)).isBetween(125_000_000L, 250_000_000L);
        }
        assertThat(spread).isTrue();
    }

    @Test
    void shouldRetryACompletionStageOnTheCallersSchedulerWithoutBlocking() throws Exception
    {
        final Retry retry = Retry.of("async", RetryConfig.custom().maxAttempts(5)
            .intervalFunction(IntervalFunction.exponential(Duration.ofMillis(1), 2.0, Duration.ofMillis(4)))
            .retryOnResult(r -> Integer.valueOf(-1).equals(r)).build());
        final AtomicInteger calls = new AtomicInteger();
        final CompletionStage<Integer> stage = retry.executeCompletionStage(scheduler, () ->
        {
            final int n = calls.incrementAndGet();
            if (n == 1)
            {
                throw new IllegalStateException("sync failure");
            }
            if (n == 2)
            {
                return CompletableFuture.failedFuture(new IOException("async failure"));
            }
            return CompletableFuture.completedFuture(n == 3 ? -1 : 42);
        });
        assertThat(stage.toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(42);
        assertThat(calls).hasValue(4);
    }

    @Test
    void shouldFailTheStageWithTheLastExceptionWhenAsyncAttemptsAreExhausted()
    {
        final Retry retry = Retry.of("async", RetryConfig.custom().maxAttempts(2)
            .waitDuration(Duration.ZERO).build());
        final AtomicInteger calls = new AtomicInteger();
        final CompletionStage<String> stage = retry.executeCompletionStage(scheduler, () ->
            CompletableFuture.failedFuture(new IOException("attempt " + calls.incrementAndGet())));
        assertThatThrownBy(() -> stage.toCompletableFuture().get(10, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IOException.class)
            .hasRootCauseMessage("attempt 2");
    }

    @Test
    void shouldRejectBadSettingsNamingTheSettingAndTheRange()
    {
        assertThatThrownBy(() -> RetryConfig.custom().maxAttempts(0))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("maxAttempts=0")
            .hasMessageContaining("valid range 1..");
        assertThatThrownBy(() -> RetryConfig.custom().waitDuration(Duration.ofSeconds(-1)))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("waitDuration=PT-1S");
        assertThatThrownBy(() -> IntervalFunction.exponential(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(2)))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("multiplier=0.5");
        assertThatThrownBy(() -> IntervalFunction.exponential(Duration.ofSeconds(2), 2, Duration.ofSeconds(1)))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("maxInterval=");
        assertThatThrownBy(() -> IntervalFunction.randomized(Duration.ofSeconds(1), 1.0))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("randomizationFactor=1.0");
    }
}
