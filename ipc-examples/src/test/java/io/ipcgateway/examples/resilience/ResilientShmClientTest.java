package io.ipcgateway.examples.resilience;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.examples.EchoHandler;
import io.ipcgateway.examples.EchoProtocol;
import io.ipcgateway.resilience.bulkhead.Bulkhead;
import io.ipcgateway.resilience.bulkhead.BulkheadConfig;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreaker;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerConfig;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerState;
import io.ipcgateway.resilience.circuitbreaker.SlidingWindowType;
import io.ipcgateway.resilience.ratelimiter.RateLimiter;
import io.ipcgateway.resilience.ratelimiter.RateLimiterConfig;
import io.ipcgateway.resilience.retry.Retry;
import io.ipcgateway.resilience.retry.RetryConfig;
import io.ipcgateway.shm.ClientContext;
import io.ipcgateway.shm.ServerContext;
import io.ipcgateway.shm.ShmClient;
import io.ipcgateway.shm.ShmServer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ResilientShmClient} against the real echo server over the real transport.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResilientShmClientTest
{
    private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(10);

    private final EchoHandler handler = new EchoHandler(
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    @Test
    void shouldEchoThroughEveryStepAndRefuseBeyondTheRateLimitWithoutSending(@TempDir final Path dir)
    {
        try (ShmServer server = ShmServer.launch(serverContext(dir), handler);
            ShmClient client = ShmClient.connect(clientContext(dir)))
        {
            final CircuitBreaker breaker = CircuitBreaker.of("echo", CircuitBreakerConfig.custom()
                .recordResult(code -> !Long.valueOf(OfferResult.OK).equals(code)).build());
            final ResilientShmClient resilient = ResilientShmClient.builder(client, TIMEOUT)
                .retry(Retry.of("echo", RetryConfig.custom().maxAttempts(2).waitDuration(Duration.ZERO).build()))
                .circuitBreaker(breaker)
                .rateLimiter(RateLimiter.of("echo", RateLimiterConfig.custom().limitForPeriod(5)
                    .limitRefreshPeriod(Duration.ofHours(1)).timeoutNs(0).build()))
                .bulkhead(Bulkhead.of("echo", BulkheadConfig.custom().maxConcurrentCalls(4).build()))
                .build();
            final UnsafeBuffer payload = new UnsafeBuffer("hello".getBytes(StandardCharsets.US_ASCII));
            final AtomicReference<String> echoed = new AtomicReference<>();

            for (int i = 0; i < 5; i++)
            {
                echoed.set(null);
                assertThat(resilient.request(EchoProtocol.ECHO_TYPE_ID, payload, 0, 5,
                    (typeId, buffer, offset, length) -> echoed.set(buffer.getStringWithoutLengthAscii(offset, length))))
                    .isEqualTo(OfferResult.OK);
                assertThat(echoed.get()).isEqualTo("hello");
            }
            final long refused = resilient.request(EchoProtocol.ECHO_TYPE_ID, payload, 0, 5,
                (typeId, buffer, offset, length) -> echoed.set("unexpected"));
            assertThat(ResilientShmClient.describe(refused)).isEqualTo("RATE_LIMITED");

            assertThat(handler.requests()).as("the refused request was never sent").isEqualTo(5);
            assertThat(breaker.metrics().successfulCalls()).isEqualTo(5);
            assertThat(breaker.metrics().failedCalls())
                .as("the limiter refused the attempt and its retry; the breaker records both, as Resilience4j's does")
                .isEqualTo(2);
            assertThat(server.sessionCount()).isEqualTo(1);
        }
    }

    @Test
    void shouldRetryFailedCodesThenOpenTheBreakerAndStopSendingWhenTheServerIsGone(@TempDir final Path dir)
    {
        final ShmServer server = ShmServer.launch(serverContext(dir), handler);
        try (ShmClient client = ShmClient.connect(clientContext(dir)))
        {
            final CircuitBreaker breaker = CircuitBreaker.of("echo", CircuitBreakerConfig.custom()
                .slidingWindow(2, 2, SlidingWindowType.COUNT_BASED).failureRateThreshold(50)
                .recordResult(code -> !Long.valueOf(OfferResult.OK).equals(code)).build());
            final Retry retry = Retry.of("echo", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ZERO)
                .retryOnResult(code -> !Long.valueOf(OfferResult.OK).equals(code)).build());
            final ResilientShmClient resilient = ResilientShmClient.builder(client, TimeUnit.SECONDS.toNanos(2))
                .retry(retry).circuitBreaker(breaker).build();
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
            assertThat(resilient.request(EchoProtocol.ECHO_TYPE_ID, payload, 0, 8, (t, b, o, l) -> { }))
                .isEqualTo(OfferResult.OK);

            server.close();

            final long code = resilient.request(EchoProtocol.ECHO_TYPE_ID, payload, 0, 8, (t, b, o, l) -> { });
            assertThat(ResilientShmClient.describe(code)).isEqualTo("CALL_NOT_PERMITTED");
            assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
            assertThat(breaker.metrics().failedCalls()).as("one failed code opened it").isEqualTo(1);
            assertThat(breaker.metrics().notPermittedCalls()).as("the retries were refused").isEqualTo(2);
            assertThat(retry.failedCallsWithRetry()).isEqualTo(1);
            assertThat(handler.requests()).isEqualTo(1);
        }
        finally
        {
            server.close();
        }
    }

    private static ServerContext serverContext(final Path dir)
    {
        return new ServerContext().serviceName("resilient-echo").baseDirectory(dir).idleMode(IdleMode.BLOCK);
    }

    private static ClientContext clientContext(final Path dir)
    {
        return new ClientContext().serviceName("resilient-echo").baseDirectory(dir).idleMode(IdleMode.BLOCK)
            .connectTimeoutNs(TIMEOUT).requestTimeoutNs(TIMEOUT);
    }
}
