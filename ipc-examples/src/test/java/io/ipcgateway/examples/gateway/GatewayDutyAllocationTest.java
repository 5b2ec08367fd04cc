package io.ipcgateway.examples.gateway;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.ipcgateway.shm.ClientContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's own request and publish paths allocate nothing per message once warm: measured with the duty
 * thread's allocated-bytes counter around many requests and publishes through a gateway in {@code nats.mode:
 * loopback} (no NATS; each request answered with its own payload through the same hand-back a NATS answer takes),
 * with the whole dispatch on: per-client rate limit, default downstream's breaker and bulkhead, audit log.
 * <p>
 * What a request still allocates on the duty thread is what jnats needs: the payload as a {@code byte[]} and, in
 * loopback, the reply {@code NatsMessage} standing in for the one jnats builds for each request (its constructor
 * validates the subject with {@code String.split}, ~250 B), plus a task node per batch of answers;
 * {@link #JNATS_BYTES_PER_REQUEST} bounds those. Before the pooled calls, the subject cache and the batched hand-back,
 * a request allocated ~580 B here (subject string, call, lambdas, a future, a task node per answer), over the bound.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GatewayDutyAllocationTest
{
    private static final int MESSAGES = 20_000;
    private static final int WARM_UP_ROUNDS = 6;
    private static final int PAYLOAD = 32;
    /** The payload copy (48 B), the message jnats builds (~250 B with its subject validation), a task node: ~320 B. */
    private static final long JNATS_BYTES_PER_REQUEST = 400;
    /** One-off allocations outside the message path (JIT, timers, the audit's segment roll), over the window. */
    private static final long SLACK_BYTES = 64 * 1024;

    @Test
    void shouldAllocateOnlyWhatJnatsNeedsPerRequestAndNothingPerPublish() throws Exception
    {
        final Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "ipc-gw-duty-alloc-");
        try
        {
            final GatewayConfig config = GatewayConfig.parse(String.join("\n",
                "service: gw-duty-alloc",
                "directory: \"" + dir + "\"",
                "nats:",
                "  mode: loopback",
                "rateLimits:",
                "  perClient: 100000000",
                "  clientKey: session",
                "audit:",
                "  directory: \"" + dir.resolve("audit") + "\"",
                "  durability: none",
                ""), "test");
            try (Gateway gateway = Gateway.start(config);
                GatewayClient client = GatewayClient.connect(new ClientContext().serviceName("gw-duty-alloc")
                    .baseDirectory(dir)))
            {
                final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD]);
                for (int round = 0; round < WARM_UP_ROUNDS; round++)
                {
                    requests(client, payload, MESSAGES);
                    publishes(client, payload, MESSAGES, gateway, (round + 1L) * MESSAGES);
                }
                final long duty = dutyThreadId();
                final long beforeRequests = allocatedBytes(duty);
                requests(client, payload, MESSAGES);
                final long perRequestWindow = allocatedBytes(duty) - beforeRequests;

                final long beforePublishes = allocatedBytes(duty);
                publishes(client, payload, MESSAGES, gateway, (WARM_UP_ROUNDS + 1L) * MESSAGES);
                final long publishWindow = allocatedBytes(duty) - beforePublishes;

                assertThat(perRequestWindow).as("duty thread bytes over %d requests (%.1f B each)", MESSAGES,
                    perRequestWindow / (double)MESSAGES).isLessThan(MESSAGES * JNATS_BYTES_PER_REQUEST + SLACK_BYTES);
                assertThat(publishWindow).as("duty thread bytes over %d publishes (%.1f B each)", MESSAGES,
                    publishWindow / (double)MESSAGES).isLessThan(SLACK_BYTES);
                assertThat(gateway.stats().total(GatewayOperation.REQUEST, GatewayStatus.OK))
                    .isEqualTo((WARM_UP_ROUNDS + 1L) * MESSAGES);
            }
        }
        finally
        {
            try (Stream<Path> files = Files.walk(dir))
            {
                for (final Path path : files.sorted(Comparator.reverseOrder()).toList())
                {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    private static void requests(final GatewayClient client, final UnsafeBuffer payload, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            client.request("svc.echo", null, payload, 0, PAYLOAD, Duration.ofSeconds(10));
        }
    }

    /** Publishes, then waits until the gateway has taken them all, so the window holds the duty thread's work. */
    private static void publishes(final GatewayClient client, final UnsafeBuffer payload, final int count,
        final Gateway gateway, final long expectedTotal) throws InterruptedException
    {
        int sent = 0;
        while (sent < count)
        {
            if (client.publish("events.tick", null, payload, 0, PAYLOAD) == GatewayStatus.OK)
            {
                sent++;
            }
            else
            {
                Thread.onSpinWait(); // back-pressured: the ring is full for a moment
            }
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (gateway.stats().total(GatewayOperation.PUBLISH, GatewayStatus.OK) < expectedTotal &&
            System.nanoTime() - deadline < 0)
        {
            TimeUnit.MILLISECONDS.sleep(1);
        }
        assertThat(gateway.stats().total(GatewayOperation.PUBLISH, GatewayStatus.OK)).isEqualTo(expectedTotal);
    }

    private static long dutyThreadId()
    {
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            // The gateway's duty thread, by the name the gateway gives it (ServerContext.threadName).
            if ("gateway-duty".equals(thread.getName()))
            {
                return thread.getId();
            }
        }
        throw new AssertionError("no duty thread among " + Thread.getAllStackTraces().keySet());
    }

    private static long allocatedBytes(final long threadId)
    {
        return ((com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean()).getThreadAllocatedBytes(threadId);
    }
}
