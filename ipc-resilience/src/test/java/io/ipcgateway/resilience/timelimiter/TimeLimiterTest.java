package io.ipcgateway.resilience.timelimiter;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.ipcgateway.core.ConfigurationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimeLimiterTest
{
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop()
    {
        scheduler.shutdownNow();
        pool.shutdownNow();
    }

    private static TimeLimiter limiter(final long millis, final boolean cancel)
    {
        return TimeLimiter.of("t", TimeLimiterConfig.custom().timeoutDuration(Duration.ofMillis(millis))
            .cancelRunningFuture(cancel).build());
    }

    @Test
    void shouldReturnTheResultOfAFutureDoneInTime() throws Exception
    {
        assertThat(limiter(10_000, true).executeFutureSupplier(() -> pool.submit(() -> "ok"))).isEqualTo("ok");
    }

    @Test
    void shouldTimeOutAndCancelTheFutureWhenConfigured()
    {
        final CompletableFuture<String> never = new CompletableFuture<>();
        assertThatThrownBy(() -> limiter(20, true).executeFutureSupplier(() -> never))
            .isInstanceOf(TimeoutException.class).hasMessageContaining("timeLimiter=t");
        assertThat(never).isCancelled();
    }

    @Test
    void shouldTimeOutWithoutCancellingWhenNotConfigured()
    {
        final CompletableFuture<String> never = new CompletableFuture<>();
        assertThatThrownBy(() -> limiter(20, false).executeFutureSupplier(() -> never))
            .isInstanceOf(TimeoutException.class);
        assertThat(never).isNotDone();
    }

    @Test
    void shouldRethrowTheCallsOwnFailureUnwrapped()
    {
        final Future<String> failing = CompletableFuture.failedFuture(new IOException("broken"));
        assertThatThrownBy(() -> limiter(10_000, true).executeFutureSupplier(() -> failing))
            .isInstanceOf(IOException.class).hasMessage("broken");
    }

    @Test
    void shouldFailAStageThatTakesTooLongOnTheCallersScheduler() throws Exception
    {
        final CompletableFuture<String> slow = new CompletableFuture<>();
        final CompletableFuture<String> limited = limiter(20, true).executeCompletionStage(scheduler, () -> slow);
        assertThatThrownBy(() -> limited.get(10, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class);
        assertThat(slow).isCancelled();

        final CompletableFuture<String> fast = limiter(10_000, true)
            .executeCompletionStage(scheduler, () -> CompletableFuture.supplyAsync(() -> "fast", pool));
        assertThat(fast.get(10, TimeUnit.SECONDS)).isEqualTo("fast");
    }

    @Test
    void shouldRejectANonPositiveTimeout()
    {
        assertThatThrownBy(() -> TimeLimiterConfig.custom().timeoutDuration(Duration.ZERO))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("timeoutDuration=PT0S")
            .hasMessageContaining("valid range 1..");
        assertThat(TimeLimiterConfig.ofDefaults().timeoutNs()).isEqualTo(1_000_000_000L);
    }
}
