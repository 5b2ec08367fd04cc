package io.ipcgateway.resilience.retry;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import io.ipcgateway.core.IpcException;
import io.ipcgateway.resilience.CheckedFunction;

/**
 * Calls again what failed, with the behaviour of Resilience4j's {@code Retry}: up to {@code maxAttempts} attempts,
 * a wait before each retry from the {@link IntervalFunction}, retry on exceptions that {@link RetryConfig} accepts
 * and on results its result predicate rejects. Synchronous calls wait on the calling thread (through a
 * {@link Sleeper}); {@link #executeCompletionStage(ScheduledExecutorService, Supplier)} schedules each retry on
 * the caller's scheduler and never blocks.
 * <p>
 * A synchronous call allocates nothing when its first attempt succeeds. Differences from Resilience4j: no events;
 * an interrupt while waiting ends the retries (the last failure is thrown, or the last result returned, with the
 * thread's interrupt flag set).
 */
public final class Retry
{
    private final String name;
    private final RetryConfig config;
    private final Sleeper sleeper;
    private final LongAdder successWithoutRetry = new LongAdder();
    private final LongAdder successWithRetry = new LongAdder();
    private final LongAdder failedWithoutRetry = new LongAdder();
    private final LongAdder failedWithRetry = new LongAdder();

    private Retry(final String name, final RetryConfig config, final Sleeper sleeper)
    {
        this.name = Objects.requireNonNull(name, "name");
        this.config = Objects.requireNonNull(config, "config");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /**
     * Makes a retry that parks the calling thread between attempts.
     *
     * @param name   the retry's name, used in errors.
     * @param config its settings.
     * @return the retry.
     */
    public static Retry of(final String name, final RetryConfig config)
    {
        return new Retry(name, config, Sleeper.PARK);
    }

    /**
     * Makes a retry that waits between synchronous attempts with a given sleeper.
     *
     * @param name    the retry's name, used in errors.
     * @param config  its settings.
     * @param sleeper how to wait.
     * @return the retry.
     */
    public static Retry of(final String name, final RetryConfig config, final Sleeper sleeper)
    {
        return new Retry(name, config, sleeper);
    }

    /**
     * The retry's name.
     *
     * @return the name.
     */
    public String name()
    {
        return name;
    }

    /**
     * The retry's settings.
     *
     * @return the settings.
     */
    public RetryConfig config()
    {
        return config;
    }

    /**
     * Calls {@code call} with {@code input}, again after each failure the config retries.
     *
     * @param call  the call.
     * @param input its input.
     * @param <I>   the input type.
     * @param <O>   the result type.
     * @return the result of the attempt that succeeded (or of the last attempt, see
     *         {@link RetryConfig#failAfterMaxAttempts()}).
     * @throws Exception the last attempt's exception, or one the config does not retry.
     */
    public <I, O> O execute(final CheckedFunction<I, O> call, final I input) throws Exception
    {
        final int maxAttempts = config.maxAttempts();
        int attempt = 1;
        while (true)
        {
            final O result;
            try
            {
                result = call.apply(input);
            }
            catch (final Exception ex)
            {
                if (attempt >= maxAttempts || !config.shouldRetryOn(ex))
                {
                    (attempt == 1 ? failedWithoutRetry : failedWithRetry).increment();
                    throw ex;
                }
                if (!waitBeforeRetry(attempt))
                {
                    failedWithRetry.increment();
                    throw ex;
                }
                attempt++;
                continue;
            }
            if (!config.shouldRetryOnResult(result))
            {
                (attempt == 1 ? successWithoutRetry : successWithRetry).increment();
                return result;
            }
            if (attempt >= maxAttempts)
            {
                failedWithRetry.increment();
                if (config.failAfterMaxAttempts())
                {
                    throw new MaxRetriesExceededException(name, maxAttempts);
                }
                return result;
            }
            if (!waitBeforeRetry(attempt))
            {
                failedWithRetry.increment();
                return result;
            }
            attempt++;
        }
    }

    /**
     * Calls a {@link Callable} with retries.
     *
     * @param callable the call.
     * @param <T>      the result type.
     * @return its result.
     * @throws Exception the last attempt's exception, or one the config does not retry.
     */
    public <T> T executeCallable(final Callable<T> callable) throws Exception
    {
        return execute(Retry::callCallable, callable);
    }

    /**
     * Calls a {@link Supplier} with retries.
     *
     * @param supplier the call.
     * @param <T>      the result type.
     * @return its result.
     */
    public <T> T executeSupplier(final Supplier<T> supplier)
    {
        try
        {
            return execute(Retry::callSupplier, supplier);
        }
        catch (final RuntimeException ex)
        {
            throw ex;
        }
        catch (final Exception ex)
        {
            throw new IpcException("checked exception from a supplier: retry=" + name, ex);
        }
    }

    /**
     * Wraps a {@link Supplier} so each call goes through this retry.
     *
     * @param supplier the call.
     * @param <T>      the result type.
     * @return the decorated supplier.
     */
    public <T> Supplier<T> decorateSupplier(final Supplier<T> supplier)
    {
        return () -> executeSupplier(supplier);
    }

    /**
     * Calls an asynchronous operation, and again (scheduled on {@code scheduler} after the wait) each time its stage
     * fails with an exception the config retries or completes with a result it rejects. The calling thread never
     * waits.
     *
     * @param scheduler runs the retries after their waits; the caller owns it.
     * @param supplier  starts one attempt.
     * @param <T>       the result type.
     * @return a stage completed with the outcome of the last attempt.
     */
    public <T> CompletionStage<T> executeCompletionStage(
        final ScheduledExecutorService scheduler, final Supplier<? extends CompletionStage<T>> supplier)
    {
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(supplier, "supplier");
        final CompletableFuture<T> promise = new CompletableFuture<>();
        attemptAsync(scheduler, supplier, promise, 1);
        return promise;
    }

    /**
     * Calls that succeeded at the first attempt.
     *
     * @return the count.
     */
    public long successfulCallsWithoutRetry()
    {
        return successWithoutRetry.sum();
    }

    /**
     * Calls that succeeded after at least one retry.
     *
     * @return the count.
     */
    public long successfulCallsWithRetry()
    {
        return successWithRetry.sum();
    }

    /**
     * Calls that failed at the first attempt with an exception not retried.
     *
     * @return the count.
     */
    public long failedCallsWithoutRetry()
    {
        return failedWithoutRetry.sum();
    }

    /**
     * Calls that failed after retries (attempts exhausted or interrupted).
     *
     * @return the count.
     */
    public long failedCallsWithRetry()
    {
        return failedWithRetry.sum();
    }

    @Override
    public String toString()
    {
        return "Retry{name=" + name + ", maxAttempts=" + config.maxAttempts() + '}';
    }

    private <T> void attemptAsync(
        final ScheduledExecutorService scheduler,
        final Supplier<? extends CompletionStage<T>> supplier,
        final CompletableFuture<T> promise,
        final int attempt)
    {
        final CompletionStage<T> stage;
        try
        {
            stage = supplier.get();
        }
        catch (final RuntimeException ex)
        {
            onAsyncOutcome(scheduler, supplier, promise, attempt, null, ex);
            return;
        }
        stage.whenComplete((result, error) -> onAsyncOutcome(scheduler, supplier, promise, attempt, result, error));
    }

    private <T> void onAsyncOutcome(
        final ScheduledExecutorService scheduler,
        final Supplier<? extends CompletionStage<T>> supplier,
        final CompletableFuture<T> promise,
        final int attempt,
        final T result,
        final Throwable error)
    {
        final int maxAttempts = config.maxAttempts();
        if (error != null)
        {
            final Throwable cause = unwrap(error);
            if (attempt >= maxAttempts || !config.shouldRetryOn(cause))
            {
                (attempt == 1 ? failedWithoutRetry : failedWithRetry).increment();
                promise.completeExceptionally(cause);
                return;
            }
        }
        else if (!config.shouldRetryOnResult(result))
        {
            (attempt == 1 ? successWithoutRetry : successWithRetry).increment();
            promise.complete(result);
            return;
        }
        else if (attempt >= maxAttempts)
        {
            failedWithRetry.increment();
            if (config.failAfterMaxAttempts())
            {
                promise.completeExceptionally(new MaxRetriesExceededException(name, maxAttempts));
            }
            else
            {
                promise.complete(result);
            }
            return;
        }
        final long waitNs = config.intervalFunction().nanosBeforeRetry(attempt);
        try
        {
            scheduler.schedule(
                () -> attemptAsync(scheduler, supplier, promise, attempt + 1), waitNs, TimeUnit.NANOSECONDS);
        }
        catch (final RejectedExecutionException ex)
        {
            failedWithRetry.increment();
            promise.completeExceptionally(ex);
        }
    }

    private boolean waitBeforeRetry(final int attempt)
    {
        final long waitNs = config.intervalFunction().nanosBeforeRetry(attempt);
        if (waitNs <= 0)
        {
            return true;
        }
        try
        {
            sleeper.sleep(waitNs);
            return true;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Throwable unwrap(final Throwable error)
    {
        if ((error instanceof CompletionException || error instanceof ExecutionException) && error.getCause() != null)
        {
            return error.getCause();
        }
        return error;
    }

    private static <T> T callCallable(final Callable<T> callable) throws Exception
    {
        return callable.call();
    }

    private static <T> T callSupplier(final Supplier<T> supplier)
    {
        return supplier.get();
    }
}
