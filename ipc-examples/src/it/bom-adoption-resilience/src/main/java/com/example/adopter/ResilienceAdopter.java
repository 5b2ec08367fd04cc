package com.example.adopter;

import java.time.Duration;

import io.ipcgateway.resilience.decorators.Decorators;
import io.ipcgateway.resilience.ratelimiter.RateLimiter;
import io.ipcgateway.resilience.ratelimiter.RateLimiterConfig;
import io.ipcgateway.resilience.retry.Retry;
import io.ipcgateway.resilience.retry.RetryConfig;

/** A user's class that guards its own calls with ipc-resilience, with no transport on its class path. */
public final class ResilienceAdopter
{
    private ResilienceAdopter()
    {
    }

    public static void main(final String[] args)
    {
        final RateLimiter limiter = RateLimiter.of("downstream", RateLimiterConfig.custom()
            .limitForPeriod(100).limitRefreshPeriod(Duration.ofSeconds(1)).build());
        final Retry retry = Retry.of("downstream", RetryConfig.custom().maxAttempts(3).build());
        System.out.println(Decorators.ofSupplier(() -> "called").withRetry(retry).withRateLimiter(limiter).get());
    }
}
