package io.ipcgateway.resilience.decorators;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.ipcgateway.resilience.CallPermit;
import io.ipcgateway.resilience.CheckedFunction;
import io.ipcgateway.resilience.bulkhead.Bulkhead;
import io.ipcgateway.resilience.ratelimiter.RateLimiter;
import io.ipcgateway.resilience.retry.Retry;
import io.ipcgateway.resilience.timelimiter.TimeLimiter;

/**
 * The resilience steps chosen for one decorated call, and the one place that nests them, always in the same
 * order (Resilience4j's recommended order), outermost first:
 * <pre>
 *   Retry ( CircuitBreaker ( RateLimiter ( TimeLimiter ( Bulkhead ( call ) ) ) ) )
 * </pre>
 * so a retry sees the breaker's and the limiter's refusals as failures it may retry, the breaker counts the
 * limiter's refusals and time-outs (unless it ignores them), and a call holds a bulkhead slot only while it runs.
 */
final class Steps
{
    Retry retry;
    CallPermit circuitBreaker;
    RateLimiter rateLimiter;
    TimeLimiter timeLimiter;
    Bulkhead bulkhead;

    <I, O> CheckedFunction<I, O> decorate(final CheckedFunction<I, O> call)
    {
        CheckedFunction<I, O> chain = call;
        if (bulkhead != null)
        {
            chain = bulkhead(bulkhead, chain);
        }
        if (rateLimiter != null)
        {
            chain = rateLimiter(rateLimiter, chain);
        }
        if (circuitBreaker != null)
        {
            chain = circuitBreaker(circuitBreaker, chain);
        }
        if (retry != null)
        {
            chain = retry(retry, chain);
        }
        return chain;
    }

    <T> Supplier<CompletionStage<T>> decorateAsync(
        final ScheduledExecutorService scheduler, final Supplier<? extends CompletionStage<T>> call)
    {
        Supplier<CompletionStage<T>> chain = call::get;
        if (bulkhead != null)
        {
            chain = bulkheadAsync(bulkhead, chain);
        }
        if (timeLimiter != null)
        {
            final TimeLimiter limiter = timeLimiter;
            final Supplier<CompletionStage<T>> next = chain;
            chain = () -> limiter.executeCompletionStage(scheduler, next);
        }
        if (rateLimiter != null)
        {
            chain = rateLimiterAsync(rateLimiter, scheduler, chain);
        }
        if (circuitBreaker != null)
        {
            chain = circuitBreakerAsync(circuitBreaker, chain);
        }
        if (retry != null)
        {
            final Retry outer = retry;
            final Supplier<CompletionStage<T>> next = chain;
            chain = () -> outer.executeCompletionStage(scheduler, next);
        }
        return chain;
    }

    private static <I, O> CheckedFunction<I, O> bulkhead(final Bulkhead bulkhead, final CheckedFunction<I, O> next)
    {
        return input ->
        {
            if (!bulkhead.tryAcquirePermission())
            {
                throw bulkhead.fullException();
            }
            try
            {
                return next.apply(input);
            }
            finally
            {
                bulkhead.onComplete();
            }
        };
    }

    private static <I, O> CheckedFunction<I, O> rateLimiter(final RateLimiter limiter, final CheckedFunction<I, O> next)
    {
        return input ->
        {
            if (!limiter.acquirePermission())
            {
                throw limiter.notPermittedException();
            }
            return next.apply(input);
        };
    }

    private static <I, O> CheckedFunction<I, O> circuitBreaker(
        final CallPermit breaker, final CheckedFunction<I, O> next)
    {
        return input ->
        {
            if (!breaker.tryAcquirePermission())
            {
                throw breaker.notPermittedException();
            }
            final long start = System.nanoTime();
            try
            {
                final O result = next.apply(input);
                breaker.onResult(System.nanoTime() - start, result, null);
                return result;
            }
            catch (final Throwable error)
            {
                breaker.onResult(System.nanoTime() - start, null, error);
                throw error;
            }
        };
    }

    private static <I, O> CheckedFunction<I, O> retry(final Retry retry, final CheckedFunction<I, O> next)
    {
        return input -> retry.execute(next, input);
    }

    private static <T> Supplier<CompletionStage<T>> bulkheadAsync(
        final Bulkhead bulkhead, final Supplier<CompletionStage<T>> next)
    {
        return () ->
        {
            if (!bulkhead.tryAcquirePermission())
            {
                return CompletableFuture.failedFuture(bulkhead.fullException());
            }
            final CompletionStage<T> stage;
            try
            {
                stage = next.get();
            }
            catch (final RuntimeException ex)
            {
                bulkhead.onComplete();
                return CompletableFuture.failedFuture(ex);
            }
            // Cancelling the returned stage (a time limiter does) cancels the call itself, so its slot comes back.
            final CompletableFuture<T> promise = new CompletableFuture<>();
            stage.whenComplete((result, error) ->
            {
                bulkhead.onComplete();
                complete(promise, result, error);
            });
            promise.whenComplete((result, error) ->
            {
                if (promise.isCancelled() && stage instanceof Future)
                {
                    ((Future<?>)stage).cancel(true);
                }
            });
            return promise;
        };
    }

    private static <T> Supplier<CompletionStage<T>> rateLimiterAsync(
        final RateLimiter limiter, final ScheduledExecutorService scheduler, final Supplier<CompletionStage<T>> next)
    {
        return () ->
        {
            final long nanosToWait = limiter.reservePermission();
            if (nanosToWait < 0)
            {
                return CompletableFuture.failedFuture(limiter.notPermittedException());
            }
            if (nanosToWait == 0)
            {
                return next.get();
            }
            // The permit is reserved: start the call when it falls due, without blocking the caller.
            final CompletableFuture<T> promise = new CompletableFuture<>();
            try
            {
                scheduler.schedule(() ->
                {
                    try
                    {
                        next.get().whenComplete((result, error) -> complete(promise, result, error));
                    }
                    catch (final RuntimeException ex)
                    {
                        promise.completeExceptionally(ex);
                    }
                }, nanosToWait, TimeUnit.NANOSECONDS);
            }
            catch (final RejectedExecutionException ex)
            {
                promise.completeExceptionally(ex);
            }
            return promise;
        };
    }

    private static <T> Supplier<CompletionStage<T>> circuitBreakerAsync(
        final CallPermit breaker, final Supplier<CompletionStage<T>> next)
    {
        return () ->
        {
            if (!breaker.tryAcquirePermission())
            {
                return CompletableFuture.failedFuture(breaker.notPermittedException());
            }
            final long start = System.nanoTime();
            final CompletionStage<T> stage;
            try
            {
                stage = next.get();
            }
            catch (final RuntimeException ex)
            {
                breaker.onResult(System.nanoTime() - start, null, ex);
                return CompletableFuture.failedFuture(ex);
            }
            return stage.whenComplete(
                (result, error) -> breaker.onResult(System.nanoTime() - start, result, unwrap(error)));
        };
    }

    private static <T> void complete(final CompletableFuture<T> promise, final T result, final Throwable error)
    {
        if (error != null)
        {
            promise.completeExceptionally(error);
        }
        else
        {
            promise.complete(result);
        }
    }

    static Throwable unwrap(final Throwable error)
    {
        if ((error instanceof CompletionException || error instanceof ExecutionException) && error.getCause() != null)
        {
            return error.getCause();
        }
        return error;
    }
}
