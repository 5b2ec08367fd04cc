package io.ipcgateway.resilience.ratelimiter;

import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.ipcgateway.resilience.shared.SharedStateOptions;

/**
 * Child process of {@link SharedRateLimiterIT}. Modes:
 * <ul>
 *     <li>{@code window dir name limit periodMs startCycle cycles}: takes permits without waiting during cycles
 *     {@code [startCycle, startCycle + cycles)} of the shared limiter and prints {@code GRANTED <n>};</li>
 *     <li>{@code spin dir name limit periodMs}: prints {@code READY} and takes permits until killed;</li>
 *     <li>{@code take dir name limit periodMs permits}: tries once to take that many permits, prints
 *     {@code TOOK <bool> AVAILABLE <n>}.</li>
 * </ul>
 */
public final class SharedRateLimiterMain
{
    private SharedRateLimiterMain()
    {
    }

    /**
     * Runs the child.
     *
     * @param args see the class comment.
     * @throws Exception on any failure (printed, exit code non-zero).
     */
    public static void main(final String[] args) throws Exception
    {
        final SharedStateOptions options = SharedStateOptions.builder().baseDirectory(Paths.get(args[1])).build();
        final RateLimiterConfig config = RateLimiterConfig.custom().limitForPeriod(Integer.parseInt(args[3]))
            .limitRefreshPeriod(Duration.ofMillis(Long.parseLong(args[4]))).timeoutNs(0).build();
        try (SharedRateLimiter limiter = SharedRateLimiter.openOrCreate(options, args[2], config))
        {
            switch (args[0])
            {
                case "window":
                    window(limiter, Long.parseLong(args[5]), Long.parseLong(args[6]));
                    break;
                case "spin":
                    System.out.println("READY");
                    long taken = 0;
                    while (true)
                    {
                        if (limiter.tryAcquirePermission())
                        {
                            taken++;
                        }
                        if (taken < 0)
                        {
                            break;
                        }
                    }
                    break;
                case "take":
                    final boolean took = limiter.tryAcquirePermission(Integer.parseInt(args[5]));
                    System.out.println("TOOK " + took + " AVAILABLE " + limiter.availablePermissions());
                    break;
                default:
                    throw new IllegalArgumentException("unknown mode " + args[0]);
            }
        }
    }

    static long currentCycle(final SharedRateLimiter limiter)
    {
        final long origin = limiter.file().buffer().getLongVolatile(SharedRateLimiterDescriptor.ORIGIN_OFFSET);
        return (System.nanoTime() - origin) / limiter.config().limitRefreshPeriodNs();
    }

    static long window(final SharedRateLimiter limiter, final long startCycle, final long cycles)
    {
        System.out.println("READY");
        while (currentCycle(limiter) < startCycle)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        long granted = 0;
        while (currentCycle(limiter) < startCycle + cycles)
        {
            if (limiter.tryAcquirePermission())
            {
                granted++;
            }
            else
            {
                LockSupport.parkNanos(100_000);
            }
        }
        System.out.println("GRANTED " + granted);
        return granted;
    }
}
