package io.ipcgateway.metrics;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerConfig;
import io.ipcgateway.resilience.circuitbreaker.SharedCircuitBreaker;
import io.ipcgateway.resilience.circuitbreaker.SlidingWindowType;
import io.ipcgateway.resilience.ratelimiter.RateLimiterConfig;
import io.ipcgateway.resilience.ratelimiter.SharedRateLimiter;
import io.ipcgateway.resilience.shared.SharedStateOptions;

/**
 * A process that uses shared resilience state for {@link SharedStateTableProcessTest}, in the folder named by its
 * argument: breaker {@code orders} tripped OPEN by 3 failures in 4 calls and then refusing 2 calls; breaker
 * {@code payments} CLOSED after 2 successes (one slow); limiter {@code downstream} of 10 permits per hour with 3
 * taken. Prints {@code READY}, then keeps the files mapped until its standard input closes.
 */
public final class SharedStateFixtureMain
{
    private SharedStateFixtureMain()
    {
    }

    /**
     * Runs the fixture.
     *
     * @param args the folder of the shared state files.
     * @throws Exception if the state cannot be made.
     */
    public static void main(final String[] args) throws Exception
    {
        final SharedStateOptions options = SharedStateOptions.builder().baseDirectory(Paths.get(args[0])).build();
        final CircuitBreakerConfig config = CircuitBreakerConfig.custom()
            .slidingWindow(10, 4, SlidingWindowType.COUNT_BASED).waitDurationInOpenState(Duration.ofHours(1))
            .slowCallDurationThreshold(Duration.ofMillis(10)).build();
        try (SharedCircuitBreaker orders = SharedCircuitBreaker.open("orders", config, options);
            SharedCircuitBreaker payments = SharedCircuitBreaker.open("payments", config, options);
            SharedRateLimiter downstream = SharedRateLimiter.openOrCreate(options, "downstream",
                RateLimiterConfig.custom().limitForPeriod(10).limitRefreshPeriod(Duration.ofHours(1)).build()))
        {
            orders.onSuccess(1, TimeUnit.MILLISECONDS);
            for (int i = 0; i < 3; i++)
            {
                orders.onError(1, TimeUnit.MILLISECONDS);
            }
            orders.tryAcquirePermission();
            orders.tryAcquirePermission();
            payments.onSuccess(1, TimeUnit.MILLISECONDS);
            payments.onSuccess(20, TimeUnit.MILLISECONDS);
            if (!downstream.tryAcquirePermission(3))
            {
                throw new IllegalStateException("3 of 10 permits refused");
            }
            System.out.println("READY");
            System.out.flush();
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null)
            {
                // keep the state mapped until the test closes our standard input
            }
        }
    }
}
