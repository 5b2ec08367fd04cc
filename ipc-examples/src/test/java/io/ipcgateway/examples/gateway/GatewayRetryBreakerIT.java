package io.ipcgateway.examples.gateway;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.ipcgateway.examples.nats.NatsServerProcess;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreaker;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerListener;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerState;
import io.ipcgateway.shm.ClientContext;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The circuit breaker counts a retried call once, by its last attempt: retried requests of an idempotent downstream
 * that end with a reply count as successes only, so a breaker with a tight window never opens on them. Against a real
 * nats-server (killed with SIGKILL and restarted in the second test), the gateway and its client in this JVM (their
 * shared-memory service as real as across processes), and a jnats responder.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayRetryBreakerIT
{
    private static final int CALLS = 6;
    /**
     * Opens on 2 failures in 4 calls (50 %), and stays open long past the test once open. Not on slow calls: the
     * responder answers one call at a time, so calls queued behind others take seconds (and a window of calls all
     * slower than slowCallDuration opens the breaker even at its default rate of 100 %).
     */
    private static final String TIGHT_IDEMPOTENT_DOWNSTREAM = String.join("\n",
        "downstreams:",
        "  - prefix: idem",
        "    idempotent: true",
        "    retry:",
        "      maxAttempts: 10",
        "      initialBackoff: 200ms",
        "      multiplier: 1.5",
        "      maxBackoff: 1s",
        "    breaker:",
        "      slidingWindowSize: 4",
        "      minimumNumberOfCalls: 4",
        "      waitInOpenState: 60s",
        "      slowCallDuration: 60s",
        "");

    @TempDir
    Path tempDir;

    private Path shmDir;
    private NatsServerProcess nats;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void start() throws Exception
    {
        shmDir = Files.createTempDirectory(Path.of("/dev/shm"), "ipc-gw-retry-");
        nats = NatsServerProcess.start(tempDir.resolve("nats"));
    }

    @AfterEach
    void stop() throws Exception
    {
        for (int i = toClose.size() - 1; i >= 0; i--)
        {
            toClose.get(i).close();
        }
        nats.close();
        try (var files = Files.walk(shmDir))
        {
            for (final Path path : files.sorted(java.util.Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
    }

    @Test
    void shouldCountRequestsThatFailedThenSucceededOnRetryAsSuccessesOnlyAndKeepTheBreakerClosed() throws Exception
    {
        final Gateway gateway = startGateway("nats:\n  url: " + nats.url() + "\n" + TIGHT_IDEMPOTENT_DOWNSTREAM);
        final List<String> transitions = watch(breaker(gateway));
        final GatewayClient client = connect(gateway);

        // No responder yet: every first attempt gets NO_RESPONDERS and is retried with the back-off.
        final List<CompletableFuture<byte[]>> replies = new ArrayList<>();
        for (int i = 0; i < CALLS; i++)
        {
            replies.add(client.requestAsync("idem.x", bytes("r" + i), Duration.ofSeconds(30)));
        }
        awaitCount("every call failed once and was retried", () -> gateway.stats().retries(), CALLS);
        final Connection responder = responder(Options.DEFAULT_RECONNECT_WAIT);
        for (int i = 0; i < CALLS; i++)
        {
            assertThat(replies.get(i).get(60, TimeUnit.SECONDS)).asString().isEqualTo("idem:r" + i);
        }
        responder.close();

        // Before the fix each NO_RESPONDERS counted as a failure: 2 in the window of 4 opened the breaker.
        assertThat(transitions).as("breaker transitions and errors").isEmpty();
        assertThat(breaker(gateway).metrics().totalFailedCalls()).isZero();
        assertThat(breaker(gateway).metrics().totalSuccessfulCalls()).isEqualTo(CALLS);
        assertThat(gateway.stats().total(GatewayOperation.REQUEST, GatewayStatus.OK)).isEqualTo(CALLS);
        assertThat(gateway.stats().total(GatewayOperation.REQUEST, GatewayStatus.BREAKER_OPEN)).isZero();
    }

    @Test
    void shouldCountRequestsHeldAcrossANatsKillAndRestartOnceEachAsSuccessesAndKeepTheBreakerClosed()
        throws Exception
    {
        final Gateway gateway = startGateway("nats:\n  url: " + nats.url() + "\n  reconnectWait: 100ms\n" +
            TIGHT_IDEMPOTENT_DOWNSTREAM);
        final List<String> transitions = watch(breaker(gateway));
        final GatewayClient client = connect(gateway);
        // One dispatcher thread answering after 500 ms: the calls queue up in it and are in flight at the kill. It
        // reconnects 1 s after the kill, well after the gateway (100 ms), so the calls the gateway sends again right
        // after its reconnect meet no responder first (NO_RESPONDERS, retried).
        final Connection responder = responder(Duration.ofSeconds(1), 500);
        assertThat(client.request("idem.warm", bytes("w"), Duration.ofSeconds(30))).asString().isEqualTo("idem:w");

        final List<CompletableFuture<byte[]>> replies = new ArrayList<>();
        for (int i = 0; i < CALLS; i++)
        {
            replies.add(client.requestAsync("idem.x", bytes("k" + i), Duration.ofSeconds(60)));
        }
        awaitCount("calls in flight", () -> gateway.stats().inFlight(), CALLS);
        nats.kill();
        awaitCount("the gateway saw the connection lost", () -> gateway.stats().natsDisconnects(), 1);
        nats.restart();
        for (int i = 0; i < CALLS; i++)
        {
            assertThat(replies.get(i).get(90, TimeUnit.SECONDS)).asString().isEqualTo("idem:k" + i);
        }
        responder.close();

        assertThat(gateway.stats().retries()).as("calls sent again after the reconnect").isGreaterThanOrEqualTo(1);
        assertThat(transitions).as("breaker transitions and errors").isEmpty();
        assertThat(breaker(gateway).metrics().totalFailedCalls()).isZero();
        // The warm-up call and each held call once: never a failure plus a success for one call.
        assertThat(breaker(gateway).metrics().totalSuccessfulCalls()).isEqualTo(CALLS + 1);
        assertThat(gateway.stats().total(GatewayOperation.REQUEST, GatewayStatus.OK)).isEqualTo(CALLS + 1);
    }

    private Connection responder(final Duration reconnectWait) throws Exception
    {
        return responder(reconnectWait, 0);
    }

    private Connection responder(final Duration reconnectWait, final long sleepMs) throws Exception
    {
        final Connection responder = Nats.connect(new Options.Builder().server(nats.url())
            .reconnectWait(reconnectWait).maxReconnects(-1).build());
        responder.createDispatcher(message ->
        {
            if (sleepMs > 0)
            {
                try
                {
                    Thread.sleep(sleepMs);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
            responder.publish(message.getReplyTo(), bytes("idem:" + new String(message.getData(),
                StandardCharsets.UTF_8)));
        }).subscribe("idem.>");
        responder.flush(Duration.ofSeconds(5));
        return responder;
    }

    private static CircuitBreaker breaker(final Gateway gateway)
    {
        return gateway.stats().breakers().stream().filter(b -> b.name().equals("gateway-idem")).findFirst()
            .orElseThrow();
    }

    private static List<String> watch(final CircuitBreaker breaker)
    {
        final List<String> transitions = new CopyOnWriteArrayList<>();
        breaker.addListener(new CircuitBreakerListener()
        {
            @Override
            public void onStateTransition(final String name, final CircuitBreakerState from,
                final CircuitBreakerState to)
            {
                transitions.add(from + "->" + to);
            }

            @Override
            public void onError(final String name, final long durationNs, final Throwable error)
            {
                // Named in the failure message: what the breaker counted as failed.
                transitions.add("error after " + durationNs / 1_000_000L + " ms: " + error);
            }
        });
        return transitions;
    }

    private Gateway startGateway(final String yaml)
    {
        final Gateway gateway = Gateway.start(GatewayConfig.parse("service: gw-retry\ndirectory: " + shmDir + "\n" +
            yaml, "test"));
        toClose.add(gateway);
        return gateway;
    }

    private GatewayClient connect(final Gateway gateway)
    {
        final GatewayClient client = GatewayClient.connect(new ClientContext()
            .serviceName(gateway.config().service()).baseDirectory(shmDir)
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(30)));
        toClose.add(client);
        return client;
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void awaitCount(final String what, final LongSupplier count, final long atLeast)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (count.getAsLong() < atLeast)
        {
            assertThat(System.nanoTime() - deadline).as("%s: %d within 60 s", what, atLeast).isNegative();
            Thread.sleep(5);
        }
    }
}
