package io.ipcgateway.resilience.decorators;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.resilience.CallPermit;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreaker;

/**
 * A {@link CircuitBreaker} (in-process or shared) seen as the {@link CallPermit} step of a decorated call: an
 * exception goes to {@link CircuitBreaker#onError(long, TimeUnit, Throwable)} (its record and ignore rules decide),
 * a result to {@link CircuitBreaker#onResult(long, TimeUnit, Object)} (its result predicate decides), and a refusal
 * throws the breaker's preallocated {@code CallNotPermittedException}. Allocates nothing per call.
 */
public final class CircuitBreakerPermit implements CallPermit
{
    private final CircuitBreaker breaker;

    private CircuitBreakerPermit(final CircuitBreaker breaker)
    {
        this.breaker = Objects.requireNonNull(breaker, "breaker");
    }

    /**
     * Adapts a breaker.
     *
     * @param breaker the breaker.
     * @return the permit step.
     */
    public static CircuitBreakerPermit of(final CircuitBreaker breaker)
    {
        return new CircuitBreakerPermit(breaker);
    }

    /**
     * The breaker behind this step.
     *
     * @return the breaker.
     */
    public CircuitBreaker breaker()
    {
        return breaker;
    }

    @Override
    public boolean tryAcquirePermission()
    {
        return breaker.tryAcquirePermission();
    }

    @Override
    public void releasePermission()
    {
        breaker.releasePermission();
    }

    @Override
    public void onResult(final long durationNs, final Object result, final Throwable error)
    {
        if (error != null)
        {
            breaker.onError(durationNs, TimeUnit.NANOSECONDS, error);
        }
        else
        {
            breaker.onResult(durationNs, TimeUnit.NANOSECONDS, result);
        }
    }

    @Override
    public RuntimeException notPermittedException()
    {
        return breaker.callNotPermittedException();
    }
}
