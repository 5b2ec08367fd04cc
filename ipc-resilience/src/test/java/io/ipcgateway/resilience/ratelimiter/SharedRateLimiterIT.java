package io.ipcgateway.resilience.ratelimiter;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.resilience.shared.ChildJvm;
import io.ipcgateway.resilience.shared.SharedStateOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real JVMs sharing one {@link SharedRateLimiter}.
 */
class SharedRateLimiterIT
{
    private static final int PERMITS_PER_PERIOD = 50;
    private static final long PERIOD_MS = 50;

    @TempDir
    Path temp;

    private SharedRateLimiter create(final String name, final int limit, final long periodMs)
    {
        return SharedRateLimiter.openOrCreate(SharedStateOptions.builder().baseDirectory(temp).build(), name,
            RateLimiterConfig.custom().limitForPeriod(limit).limitRefreshPeriod(Duration.ofMillis(periodMs))
                .timeoutNs(0).build());
    }

    private ChildJvm child(final String... args) throws Exception
    {
        return ChildJvm.start(SharedRateLimiterMain.class, args);
    }

    @Test
    void shouldGiveFourProcessesTogetherOneBudgetOf1000PermitsPerSecondFor5Seconds() throws Exception
    {
        // 1000/s as 50 per 50 ms: the window's edges can then move the total by one period (1 %) at most.
        try (SharedRateLimiter limiter = create("host-budget", PERMITS_PER_PERIOD, PERIOD_MS))
        {
            final long cycles = 5_000 / PERIOD_MS;
            final long startCycle = SharedRateLimiterMain.currentCycle(limiter) + 8_000 / PERIOD_MS;
            final List<ChildJvm> children = new ArrayList<>();
            try
            {
                for (int i = 0; i < 4; i++)
                {
                    children.add(child("window", temp.toString(), "host-budget", "50", "50",
                        Long.toString(startCycle), Long.toString(cycles)));
                }
                long total = 0;
                for (final ChildJvm child : children)
                {
                    final long granted = Long.parseLong(child.await("GRANTED", 60_000).substring(8).trim());
                    assertThat(granted).as("each process got a share: " + child.output()).isPositive();
                    total += granted;
                    assertThat(child.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
                    assertThat(child.process().exitValue()).as(child.output()).isZero();
                }
                System.out.println("4 processes, 1000 permits/s for 5 s: granted " + total);
                assertThat(total).as("5000 +- 2 %, not 4x").isBetween(4_900L, 5_100L);
            }
            finally
            {
                children.forEach(ChildJvm::close);
            }
        }
    }

    @Test
    void shouldKeepWorkingForTheOthersWhenAProcessIsKilledInTheMiddleOfCalls() throws Exception
    {
        try (SharedRateLimiter limiter = create("killed", PERMITS_PER_PERIOD, PERIOD_MS))
        {
            try (ChildJvm spinner = child("spin", temp.toString(), "killed", "50", "50"))
            {
                spinner.await("READY", 60_000);
                Thread.sleep(300);
                // A whole period's permits are refused once the spinner has run in that period; on a loaded
                // machine it may not have yet when we ask, so ask in up to 20 periods: one refusal proves it takes.
                boolean refused = false;
                for (int attempt = 0; attempt < 20 && !refused; attempt++)
                {
                    refused = !limiter.tryAcquirePermission(PERMITS_PER_PERIOD);
                    if (!refused)
                    {
                        Thread.sleep(PERIOD_MS);
                    }
                }
                assertThat(refused).as("the spinner takes permits while alive").isTrue();
                spinner.kill9();
                assertThat(spinner.process().isAlive()).isFalse();
            }
            final long startCycle = SharedRateLimiterMain.currentCycle(limiter) + 2;
            final long granted = SharedRateLimiterMain.window(limiter, startCycle, 20);
            assertThat(granted).as("the budget of 20 periods, to one period").isBetween(950L, 1_050L);
        }
    }

    @Test
    void shouldLetARestartedProcessFindTheBudgetWhereItWasLeft() throws Exception
    {
        create("restart", 10, TimeUnit.HOURS.toMillis(1)).close();
        final String period = Long.toString(TimeUnit.HOURS.toMillis(1));
        try (ChildJvm first = child("take", temp.toString(), "restart", "10", period, "7"))
        {
            assertThat(first.await("TOOK", 60_000)).isEqualTo("TOOK true AVAILABLE 3");
            assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        try (ChildJvm second = child("take", temp.toString(), "restart", "10", period, "4"))
        {
            assertThat(second.await("TOOK", 60_000)).isEqualTo("TOOK false AVAILABLE 3");
            assertThat(second.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
