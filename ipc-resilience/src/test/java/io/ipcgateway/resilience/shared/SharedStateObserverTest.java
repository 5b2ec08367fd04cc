package io.ipcgateway.resilience.shared;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerConfig;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerState;
import io.ipcgateway.resilience.circuitbreaker.SharedCircuitBreaker;
import io.ipcgateway.resilience.circuitbreaker.SharedCircuitBreakerSnapshot;
import io.ipcgateway.resilience.circuitbreaker.SlidingWindowType;
import io.ipcgateway.resilience.ratelimiter.RateLimiterConfig;
import io.ipcgateway.resilience.ratelimiter.SharedRateLimiter;
import io.ipcgateway.resilience.ratelimiter.SharedRateLimiterSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class SharedStateObserverTest
{
    @TempDir
    Path temp;

    @Test
    void shouldReadBreakersAndLimitersReadOnlyAndReportUnreadableFilesAsProblems() throws Exception
    {
        final Path dir = temp.resolve("state");
        final SharedStateOptions options = SharedStateOptions.builder().baseDirectory(dir).build();
        try (SharedCircuitBreaker orders = SharedCircuitBreaker.open("orders", CircuitBreakerConfig.custom()
            .slidingWindow(10, 4, SlidingWindowType.COUNT_BASED).waitDurationInOpenState(Duration.ofHours(1))
            .build(), options);
            SharedCircuitBreaker timed = SharedCircuitBreaker.open("timed", CircuitBreakerConfig.custom()
                .slidingWindow(60, 100, SlidingWindowType.TIME_BASED).build(), options);
            SharedRateLimiter limiter = SharedRateLimiter.openOrCreate(options, "downstream", RateLimiterConfig
                .custom().limitForPeriod(10).limitRefreshPeriod(Duration.ofHours(1)).build()))
        {
            orders.onSuccess(1, TimeUnit.MILLISECONDS);
            for (int i = 0; i < 3; i++)
            {
                orders.onError(1, TimeUnit.MILLISECONDS);
            }
            assertThat(orders.tryAcquirePermission()).isFalse();
            timed.onSuccess(1, TimeUnit.MILLISECONDS);
            timed.onError(1, TimeUnit.MILLISECONDS);
            assertThat(limiter.tryAcquirePermission(3)).isTrue();
            Files.write(dir.resolve("damaged.breaker"), new byte[200]);
            Files.writeString(dir.resolve("notes.txt"), "not a state file");
            Files.createSymbolicLink(dir.resolve("link.limiter"), dir.resolve("downstream.limiter"));
            final byte[] before = Files.readAllBytes(orders.file().path());

            final SharedStateObserver.Snapshot snapshot = new SharedStateObserver(dir).snapshot();

            assertThat(snapshot.breakers()).extracting(SharedCircuitBreakerSnapshot::name)
                .containsExactly("orders", "timed");
            final SharedCircuitBreakerSnapshot open = snapshot.breakers().get(0);
            assertThat(open.metrics().state()).isEqualTo(CircuitBreakerState.OPEN);
            assertThat(open.metrics().bufferedCalls()).isEqualTo(4);
            assertThat(open.metrics().failedCalls()).isEqualTo(3);
            assertThat(open.metrics().failureRate()).isEqualTo(75f);
            assertThat(open.metrics().totalSuccessfulCalls()).isEqualTo(1);
            assertThat(open.metrics().totalFailedCalls()).isEqualTo(3);
            assertThat(open.metrics().notPermittedCalls()).isEqualTo(1);
            assertThat(open.openWaitLeftMs()).isBetween(TimeUnit.MINUTES.toMillis(59), TimeUnit.HOURS.toMillis(1));
            assertThat(open.attempts()).isEqualTo(1);
            assertThat(open.creatorPid()).isEqualTo(ProcessHandle.current().pid());
            final SharedCircuitBreakerSnapshot closed = snapshot.breakers().get(1);
            assertThat(closed.windowType()).isEqualTo(SlidingWindowType.TIME_BASED);
            assertThat(closed.metrics().state()).isEqualTo(CircuitBreakerState.CLOSED);
            assertThat(closed.metrics().bufferedCalls()).isEqualTo(2);
            assertThat(closed.metrics().failedCalls()).isEqualTo(1);
            assertThat(closed.minimumNumberOfCalls()).isEqualTo(100);
            assertThat(closed.metrics().failureRate()).as("2 calls, below the minimum of 100: not yet meaningful")
                .isEqualTo(-1f);
            assertThat(open.minimumNumberOfCalls()).isEqualTo(4);
            assertThat(open.failureRateThreshold()).isEqualTo(CircuitBreakerConfig.DEFAULT_FAILURE_RATE_THRESHOLD);
            assertThat(open.slowCallRateThreshold()).isEqualTo(CircuitBreakerConfig.DEFAULT_SLOW_CALL_RATE_THRESHOLD);
            assertThat(snapshot.limiters()).containsExactly(new SharedRateLimiterSnapshot("downstream",
                ProcessHandle.current().pid(), 7, 10, TimeUnit.HOURS.toNanos(1),
                RateLimiterConfig.DEFAULT_TIMEOUT_NS, 0));
            assertThat(snapshot.problems()).singleElement().asString()
                .contains("damaged.breaker").contains("magic=0x0");
            assertThat(Files.readAllBytes(orders.file().path())).as("observing writes nothing").isEqualTo(before);
        }
    }

    @Test
    void shouldReportAFileOfAnotherLayoutVersionWithoutReadingItsBody() throws Exception
    {
        final Path dir = temp.resolve("state");
        final SharedStateOptions options = SharedStateOptions.builder().baseDirectory(dir).build();
        try (SharedRateLimiter limiter = SharedRateLimiter.openOrCreate(options, "old", RateLimiterConfig.ofDefaults()))
        {
            final Path path = limiter.file().path();
            final byte[] bytes = Files.readAllBytes(path);
            bytes[SharedStateDescriptor.VERSION_OFFSET] = 1;
            Files.write(dir.resolve("copy.limiter"), bytes);
        }

        final SharedStateObserver.Snapshot snapshot = new SharedStateObserver(dir).snapshot();

        assertThat(snapshot.limiters()).extracting(SharedRateLimiterSnapshot::name).containsExactly("old");
        assertThat(snapshot.problems()).singleElement().asString()
            .contains("copy.limiter")
            .contains("layout version mismatch: version=1 expected=" + SharedStateDescriptor.LAYOUT_VERSION);
    }

    @Test
    void shouldSeeNothingInAFolderThatDoesNotExist()
    {
        final SharedStateObserver.Snapshot snapshot = new SharedStateObserver(temp.resolve("missing")).snapshot();

        assertThat(snapshot.breakers()).isEmpty();
        assertThat(snapshot.limiters()).isEmpty();
        assertThat(snapshot.problems()).isEmpty();
    }
}
