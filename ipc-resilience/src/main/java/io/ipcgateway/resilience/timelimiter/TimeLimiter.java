package io.ipcgateway.resilience.timelimiter;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Bounds how long an asynchronous call may take, with the behaviour of Resilience4j's {@code TimeLimiter}: a call
 * not done within {@code timeoutDuration} fails with a {@link TimeoutException} (naming the limiter), and its
 * future is cancelled when {@code cancelRunningFuture} is set.
 * <p>
 * Two forms: {@link #executeFutureSupplier(Supplier)} waits on the calling thread;
 * {@link #executeCompletionStage(ScheduledExecutorService, Supplier)} never blocks and times out on the caller's
 * scheduler (Resilience4j's takes a scheduler the same way).
 */
public final class TimeLimiter
{
    private final String name;
    private final TimeLimiterConfig config;

    private TimeLimiter(final String name, final TimeLimiterConfig config)
    {
        this.name = Objects.requireNonNull(name, "name");
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Makes a time limiter.
     *
     * @param name   the limiter's name, used in errors.
     * @param config its settings.
     * @return the time limiter.
     */
    public static TimeLimiter of(final String name, final TimeLimiterConfig config)
    {
        return new TimeLimiter(name, config);
    }

    /**
     * The limiter's name.
     *
     * @return the name.
     */
    public String name()
    {
        return name;
    }

    /**
     * The limiter's settings.
     *
     * @return the settings.
     */
    public TimeLimiterConfig config()
    {
        return config;
    }

    /**
     * Starts a call and waits for its result up to the timeout.
     *
     * @param futureSupplier starts the call.
     * @param <T>            the result type.
     * @return the call's result.
     * @throws TimeoutException when the call is not done in time (its future is cancelled if configured).
     * @throws Exception        what the call failed with (unwrapped from the {@link ExecutionException}).
     */
    public <T> T executeFutureSupplier(final Supplier<? extends Future<T>> futureSupplier) throws Exception
    {
        final Future<T> future = futureSupplier.get();
        try
        {
            return future.get(config.timeoutNs(), TimeUnit.NANOSECONDS);
        }
        catch (final TimeoutException ex)
        {
            if (config.cancelRunningFuture())
            {
                future.cancel(true);
            }
            throw timeout();
        }
        catch (final ExecutionException ex)
        {
            final Throwable cause = ex.getCause();
            if (cause instanceof Exception)
            {
                throw (Exception)cause;
            }
            if (cause instanceof Error)
            {
                throw (Error)cause;
            }
            throw ex;
        }
    }

    /**
     * Starts an asynchronous call and completes the returned stage with its outcome, or with a
     * {@link TimeoutException} when it is not done within the timeout (then the call's future is cancelled if
     * configured and it is a {@link Future}). The calling thread never waits.
     *
     * @param scheduler fires the timeout; the caller owns it.
     * @param supplier  starts the call.
     * @param <T>       the result type.
     * @return a stage with the call's outcome or the timeout.
     */
    public <T> CompletableFuture<T> executeCompletionStage(
        final ScheduledExecutorService scheduler, final Supplier<? extends CompletionStage<T>> supplier)
    {
        Objects.requireNonNull(scheduler, "scheduler");
        final CompletableFuture<T> promise = new CompletableFuture<>();
        final CompletionStage<T> stage;
        try
        {
            stage = supplier.get();
        }
        catch (final RuntimeException ex)
        {
            promise.completeExceptionally(ex);
            return promise;
        }
        final AtomicBoolean timingOut = new AtomicBoolean();
        final ScheduledFuture<?> timer;
        try
        {
            // The call is cancelled before the caller hears of the timeout, so a caller may rely on it.
            timer = scheduler.schedule(() ->
            {
                timingOut.set(true);
                if (config.cancelRunningFuture() && stage instanceof Future)
                {
                    ((Future<?>)stage).cancel(true);
                }
                promise.completeExceptionally(timeout());
            }, config.timeoutNs(), TimeUnit.NANOSECONDS);
        }
        catch (final RejectedExecutionException ex)
        {
            promise.completeExceptionally(ex);
            return promise;
        }
        stage.whenComplete((result, error) ->
        {
            timer.cancel(false);
            if (error instanceof CancellationException && timingOut.get())
            {
                promise.completeExceptionally(timeout());
            }
            else if (error != null)
            {
                promise.completeExceptionally(error);
            }
            else
            {
                promise.complete(result);
            }
        });
        return promise;
    }

    @Override
    public String toString()
    {
        return "TimeLimiter{name=" + name + ", timeoutNs=" + config.timeoutNs() + '}';
    }

    private TimeoutException timeout()
    {
        return new TimeoutException("call did not complete in time: timeLimiter=" + name + ", timeoutNs=" +
            config.timeoutNs());
    }
}
