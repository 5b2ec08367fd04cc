package io.ipcgateway.resilience.decorators;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;

import io.ipcgateway.core.IpcException;
import io.ipcgateway.resilience.CallPermit;
import io.ipcgateway.resilience.CheckedFunction;
import io.ipcgateway.resilience.bulkhead.Bulkhead;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreaker;
import io.ipcgateway.resilience.ratelimiter.RateLimiter;
import io.ipcgateway.resilience.retry.Retry;
import io.ipcgateway.resilience.timelimiter.TimeLimiter;

/**
 * Wraps a call in any of retry, circuit breaker, rate limiter, time limiter and bulkhead, like Resilience4j's
 * {@code Decorators}, but always nested in one fixed order whatever the order of the {@code with...} calls:
 * <pre>
 *   Retry ( CircuitBreaker ( RateLimiter ( TimeLimiter ( Bulkhead ( call ) ) ) ) )
 * </pre>
 * (Resilience4j nests in the order of the calls and documents this order as the one to use; fixing it removes a
 * way to get it wrong.) The time limiter applies to {@link #ofCompletionStage} only. The circuit breaker is a
 * {@link CircuitBreaker} or any other {@link CallPermit}.
 * <pre>{@code
 * Supplier<Reply> guarded = Decorators.ofSupplier(() -> client.request(query))
 *     .withRetry(retry).withCircuitBreaker(breaker).withRateLimiter(limiter).withBulkhead(bulkhead)
 *     .decorate();
 * }</pre>
 * A decorated synchronous call allocates nothing of its own when every step permits it at once. For asynchronous
 * calls, a time limiter that cancels a timed-out call cancels it through the bulkhead step, so the call's slot
 * is given back (in Resilience4j the slot stays taken until the call itself ends).
 * Refusals are thrown as each step's preallocated exception ({@code RequestNotPermittedException},
 * {@code BulkheadFullException}, the breaker's {@link CallPermit#notPermittedException()}).
 */
public final class Decorators
{
    private Decorators()
    {
    }

    /**
     * Starts decorating a {@link Supplier}.
     *
     * @param supplier the call.
     * @param <T>      the result type.
     * @return the builder.
     */
    public static <T> OfSupplier<T> ofSupplier(final Supplier<T> supplier)
    {
        return new OfSupplier<>(Objects.requireNonNull(supplier, "supplier"));
    }

    /**
     * Starts decorating a {@link Callable}.
     *
     * @param callable the call.
     * @param <T>      the result type.
     * @return the builder.
     */
    public static <T> OfCallable<T> ofCallable(final Callable<T> callable)
    {
        return new OfCallable<>(Objects.requireNonNull(callable, "callable"));
    }

    /**
     * Starts decorating a {@link Runnable}.
     *
     * @param runnable the call.
     * @return the builder.
     */
    public static OfRunnable ofRunnable(final Runnable runnable)
    {
        return new OfRunnable(Objects.requireNonNull(runnable, "runnable"));
    }

    /**
     * Starts decorating a {@link Function}.
     *
     * @param function the call.
     * @param <T>      the input type.
     * @param <R>      the result type.
     * @return the builder.
     */
    public static <T, R> OfFunction<T, R> ofFunction(final Function<T, R> function)
    {
        return new OfFunction<>(Objects.requireNonNull(function, "function"));
    }

    /**
     * Starts decorating an asynchronous call. Retries, time-outs and reserved rate-limiter permits run on
     * {@code scheduler} (the caller owns it), so the calling thread never waits for them.
     *
     * @param scheduler runs delayed steps.
     * @param supplier  starts the call.
     * @param <T>       the result type.
     * @return the builder.
     */
    public static <T> OfCompletionStage<T> ofCompletionStage(
        final ScheduledExecutorService scheduler, final Supplier<? extends CompletionStage<T>> supplier)
    {
        return new OfCompletionStage<>(
            Objects.requireNonNull(scheduler, "scheduler"), Objects.requireNonNull(supplier, "supplier"));
    }

    static RuntimeException unchecked(final Exception ex)
    {
        if (ex instanceof RuntimeException)
        {
            return (RuntimeException)ex;
        }
        return new IpcException("decorated call failed with a checked exception: " + ex, ex);
    }

    /**
     * The {@code with...} methods shared by every builder.
     *
     * @param <B> the builder's own type.
     */
    public abstract static class Builder<B extends Builder<B>>
    {
        final Steps steps = new Steps();

        Builder()
        {
        }

        abstract B self();

        /**
         * Adds a retry (outermost step).
         *
         * @param retry the retry.
         * @return this builder.
         */
        public B withRetry(final Retry retry)
        {
            steps.retry = Objects.requireNonNull(retry, "retry");
            return self();
        }

        /**
         * Adds a circuit breaker (inside the retry).
         *
         * @param circuitBreaker the breaker, any {@link CallPermit}.
         * @return this builder.
         */
        public B withCircuitBreaker(final CallPermit circuitBreaker)
        {
            steps.circuitBreaker = Objects.requireNonNull(circuitBreaker, "circuitBreaker");
            return self();
        }

        /**
         * Adds a circuit breaker (inside the retry), through {@link CircuitBreakerPermit}.
         *
         * @param circuitBreaker the breaker, in-process or shared.
         * @return this builder.
         */
        public B withCircuitBreaker(final CircuitBreaker circuitBreaker)
        {
            return withCircuitBreaker(CircuitBreakerPermit.of(circuitBreaker));
        }

        /**
         * Adds a rate limiter (inside the breaker); a synchronous call waits for its permit up to the limiter's
         * timeout.
         *
         * @param rateLimiter the limiter.
         * @return this builder.
         */
        public B withRateLimiter(final RateLimiter rateLimiter)
        {
            steps.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter");
            return self();
        }

        /**
         * Adds a bulkhead (innermost step).
         *
         * @param bulkhead the bulkhead.
         * @return this builder.
         */
        public B withBulkhead(final Bulkhead bulkhead)
        {
            steps.bulkhead = Objects.requireNonNull(bulkhead, "bulkhead");
            return self();
        }
    }

    /**
     * Decorates a {@link Supplier}.
     *
     * @param <T> the result type.
     */
    public static final class OfSupplier<T> extends Builder<OfSupplier<T>>
    {
        private final Supplier<T> supplier;

        OfSupplier(final Supplier<T> supplier)
        {
            this.supplier = supplier;
        }

        @Override
        OfSupplier<T> self()
        {
            return this;
        }

        /**
         * The decorated supplier (the steps are fixed now).
         *
         * @return the supplier.
         */
        public Supplier<T> decorate()
        {
            final CheckedFunction<Supplier<T>, T> chain = steps.decorate(Supplier::get);
            final Supplier<T> call = supplier;
            return () ->
            {
                try
                {
                    return chain.apply(call);
                }
                catch (final Exception ex)
                {
                    throw unchecked(ex);
                }
            };
        }

        /**
         * Decorates and calls once.
         *
         * @return the result.
         */
        public T get()
        {
            return decorate().get();
        }
    }

    /**
     * Decorates a {@link Callable}.
     *
     * @param <T> the result type.
     */
    public static final class OfCallable<T> extends Builder<OfCallable<T>>
    {
        private final Callable<T> callable;

        OfCallable(final Callable<T> callable)
        {
            this.callable = callable;
        }

        @Override
        OfCallable<T> self()
        {
            return this;
        }

        /**
         * The decorated callable (the steps are fixed now).
         *
         * @return the callable.
         */
        public Callable<T> decorate()
        {
            final CheckedFunction<Callable<T>, T> chain = steps.decorate(Callable::call);
            final Callable<T> call = callable;
            return () -> chain.apply(call);
        }

        /**
         * Decorates and calls once.
         *
         * @return the result.
         * @throws Exception what the call or a step throws.
         */
        public T call() throws Exception
        {
            return decorate().call();
        }
    }

    /**
     * Decorates a {@link Runnable}.
     */
    public static final class OfRunnable extends Builder<OfRunnable>
    {
        private final Runnable runnable;

        OfRunnable(final Runnable runnable)
        {
            this.runnable = runnable;
        }

        @Override
        OfRunnable self()
        {
            return this;
        }

        /**
         * The decorated runnable (the steps are fixed now).
         *
         * @return the runnable.
         */
        public Runnable decorate()
        {
            final CheckedFunction<Runnable, Void> chain = steps.decorate(task ->
            {
                task.run();
                return null;
            });
            final Runnable call = runnable;
            return () ->
            {
                try
                {
                    chain.apply(call);
                }
                catch (final Exception ex)
                {
                    throw unchecked(ex);
                }
            };
        }

        /**
         * Decorates and runs once.
         */
        public void run()
        {
            decorate().run();
        }
    }

    /**
     * Decorates a {@link Function}.
     *
     * @param <T> the input type.
     * @param <R> the result type.
     */
    public static final class OfFunction<T, R> extends Builder<OfFunction<T, R>>
    {
        private final Function<T, R> function;

        OfFunction(final Function<T, R> function)
        {
            this.function = function;
        }

        @Override
        OfFunction<T, R> self()
        {
            return this;
        }

        /**
         * The decorated function (the steps are fixed now).
         *
         * @return the function.
         */
        public Function<T, R> decorate()
        {
            final CheckedFunction<T, R> chain = steps.decorate(function::apply);
            return input ->
            {
                try
                {
                    return chain.apply(input);
                }
                catch (final Exception ex)
                {
                    throw unchecked(ex);
                }
            };
        }
    }

    /**
     * Decorates an asynchronous call.
     *
     * @param <T> the result type.
     */
    public static final class OfCompletionStage<T> extends Builder<OfCompletionStage<T>>
    {
        private final ScheduledExecutorService scheduler;
        private final Supplier<? extends CompletionStage<T>> supplier;

        OfCompletionStage(
            final ScheduledExecutorService scheduler, final Supplier<? extends CompletionStage<T>> supplier)
        {
            this.scheduler = scheduler;
            this.supplier = supplier;
        }

        @Override
        OfCompletionStage<T> self()
        {
            return this;
        }

        /**
         * Adds a time limiter (inside the rate limiter, outside the bulkhead).
         *
         * @param timeLimiter the time limiter.
         * @return this builder.
         */
        public OfCompletionStage<T> withTimeLimiter(final TimeLimiter timeLimiter)
        {
            steps.timeLimiter = Objects.requireNonNull(timeLimiter, "timeLimiter");
            return this;
        }

        /**
         * The decorated call (the steps are fixed now).
         *
         * @return a supplier that starts one decorated call.
         */
        public Supplier<CompletionStage<T>> decorate()
        {
            return steps.decorateAsync(scheduler, supplier);
        }

        /**
         * Decorates and starts one call.
         *
         * @return its stage.
         */
        public CompletionStage<T> get()
        {
            return decorate().get();
        }
    }
}
