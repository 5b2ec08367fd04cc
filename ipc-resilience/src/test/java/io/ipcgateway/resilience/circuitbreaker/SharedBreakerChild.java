package io.ipcgateway.resilience.circuitbreaker;

import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.resilience.shared.SharedStateOptions;

/**
 * Child process of {@link SharedCircuitBreakerIT}: {@code mode dir name}. Modes: {@code observe} (spin until the
 * breaker rejects, then print {@code SAW_OPEN <nanoTime>}), {@code trial} (take a permit and hang inside the call
 * until killed), {@code hammer} (record calls in a loop until killed).
 */
public final class SharedBreakerChild
{
    private SharedBreakerChild()
    {
    }

    /**
     * The config every process of the tests uses (the file's fingerprint must match).
     *
     * @return the config.
     */
    public static CircuitBreakerConfig config()
    {
        return CircuitBreakerConfig.custom()
            .slidingWindow(10, 4, SlidingWindowType.COUNT_BASED)
            .failureRateThreshold(50)
            .permittedNumberOfCallsInHalfOpenState(2)
            .waitDurationInOpenState(Duration.ofMillis(200))
            .maxWaitDurationInHalfOpenState(Duration.ofMillis(300))
            .build();
    }

    /**
     * Runs the child.
     *
     * @param args mode, dir, name.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final SharedStateOptions options = SharedStateOptions.builder().baseDirectory(Paths.get(args[1])).build();
        try (SharedCircuitBreaker breaker = SharedCircuitBreaker.open(args[2], config(), options))
        {
            switch (args[0])
            {
                case "observe":
                    System.out.println("READY");
                    while (breaker.tryAcquirePermission())
                    {
                        breaker.releasePermission();
                        Thread.onSpinWait();
                    }
                    System.out.println("SAW_OPEN " + System.nanoTime());
                    break;
                case "trial":
                    System.out.println(breaker.tryAcquirePermission() ? "IN_CALL" : "REJECTED");
                    Thread.sleep(TimeUnit.MINUTES.toMillis(5));
                    break;
                default:
                    System.out.println("HAMMERING");
                    long i = 0;
                    while (true)
                    {
                        if (breaker.tryAcquirePermission())
                        {
                            if (i++ % 3 == 0)
                            {
                                breaker.onError(1, TimeUnit.MILLISECONDS);
                            }
                            else
                            {
                                breaker.onSuccess(1, TimeUnit.MILLISECONDS);
                            }
                        }
                        if (breaker.state() != CircuitBreakerState.CLOSED)
                        {
                            breaker.reset();
                        }
                    }
            }
        }
    }
}
