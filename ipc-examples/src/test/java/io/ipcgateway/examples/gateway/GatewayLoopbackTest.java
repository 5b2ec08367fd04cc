package io.ipcgateway.examples.gateway;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Stream;

import io.ipcgateway.core.ConfigurationException;
import io.ipcgateway.shm.ClientContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code nats.mode: loopback}, the benchmark-only egress: no NATS at all, each request answered inside the gateway
 * with its own payload after the gateway's whole dispatch.
 */
class GatewayLoopbackTest
{
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldAnswerRequestsWithTheirOwnPayloadWithoutNatsWhenModeIsLoopback() throws Exception
    {
        final Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "ipc-gw-loopback-");
        try
        {
            final GatewayConfig config = GatewayConfig.parse(String.join("\n",
                "service: gw-loop",
                "directory: \"" + dir + "\"",
                "nats:",
                "  url: nats://127.0.0.1:1",
                "  mode: loopback",
                ""), "test");
            try (Gateway gateway = Gateway.start(config);
                GatewayClient client = GatewayClient.connect(new ClientContext().serviceName("gw-loop")
                    .baseDirectory(dir)))
            {
                final byte[] reply = client.request("svc.echo", "ping".getBytes(StandardCharsets.UTF_8),
                    Duration.ofSeconds(2));
                final byte[] asyncReply = client.requestAsync("svc.echo", "pong".getBytes(StandardCharsets.UTF_8),
                    Duration.ofSeconds(2)).get(10, TimeUnit.SECONDS);
                assertThat(client.publish("events.x", new byte[3])).isEqualTo(GatewayStatus.OK);

                assertThat(new String(reply, StandardCharsets.UTF_8)).isEqualTo("ping");
                assertThat(new String(asyncReply, StandardCharsets.UTF_8)).isEqualTo("pong");
                assertThat(gateway.stats().total(GatewayOperation.REQUEST, GatewayStatus.OK)).isEqualTo(2);
                assertThat(gateway.stats().localLegNanos().getTotalCount()).as("requests and the publish")
                    .isGreaterThanOrEqualTo(2);
                assertThatThrownBy(() -> client.subscribe("events.>", message -> { }))
                    .isInstanceOf(GatewayException.class).hasMessageContaining("loopback");
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

    /**
     * The allocation-free async request through a whole gateway: every request's reply reaches the listener exactly
     * once with its own payload; the gateway's threads carry their names (the duty thread is not renamed to the
     * shared-memory default by its runner).
     */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldAnswerListenerRequestsOnceEachAndNameTheGatewayThreads() throws Exception
    {
        final Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "ipc-gw-loopback-");
        try
        {
            final GatewayConfig config = GatewayConfig.parse(String.join("\n",
                "service: gw-listen",
                "directory: \"" + dir + "\"",
                "nats:",
                "  url: nats://127.0.0.1:1",
                "  mode: loopback",
                ""), "test");
            final int requests = 2_000;
            final AtomicIntegerArray calls = new AtomicIntegerArray(requests);
            final AtomicInteger wrong = new AtomicInteger();
            final AtomicInteger done = new AtomicInteger();
            final GatewayReplyListener listener = (context, status, buffer, offset, length) ->
            {
                calls.incrementAndGet((int)context);
                if (status != GatewayStatus.OK || length != 8 || buffer.getLong(offset) != context)
                {
                    wrong.incrementAndGet();
                }
                done.incrementAndGet();
            };
            try (Gateway gateway = Gateway.start(config);
                GatewayClient client = GatewayClient.connect(new ClientContext().serviceName("gw-listen")
                    .baseDirectory(dir)))
            {
                final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
                for (int i = 0; i < requests; i++)
                {
                    payload.putLong(0, i);
                    GatewayStatus status;
                    while ((status = client.requestAsync("svc.echo", null, payload, 0, 8, Duration.ofSeconds(20),
                        listener, i)) == GatewayStatus.BACK_PRESSURED)
                    {
                        Thread.yield();
                    }
                    assertThat(status).isEqualTo(GatewayStatus.OK);
                }
                final long deadline = System.currentTimeMillis() + 60_000;
                while (done.get() < requests && System.currentTimeMillis() < deadline)
                {
                    Thread.sleep(1);
                }
                assertThat(done.get()).isEqualTo(requests);
                assertThat(wrong.get()).isZero();
                for (int i = 0; i < requests; i++)
                {
                    assertThat(calls.get(i)).as("calls for request %d", i).isEqualTo(1);
                }
                assertThat(client.requestAsync("bad subject", null, payload, 0, 8, Duration.ofSeconds(1), listener,
                    -1)).as("not sent, listener not called").isEqualTo(GatewayStatus.INVALID_SUBJECT);
                assertThat(gateway.stats().total(GatewayOperation.REQUEST, GatewayStatus.OK)).isEqualTo(requests);

                final List<String> names = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                    .map(Thread::getName).toList();
                assertThat(names).contains("gateway-duty", "ipc-client-gw-listen-" + client.shmClient().sessionId())
                    .doesNotContain("ipc-server-gw-listen");
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

    @Test
    void shouldNameTheModeAndTheValidOnesWhenTheModeIsUnknown()
    {
        assertThatThrownBy(() -> GatewayConfig.parse("nats:\n  mode: fake\n", "test").validate())
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("nats.mode=fake")
            .hasMessageContaining("connect").hasMessageContaining("loopback");
    }

    @Test
    void shouldDefaultToConnectingToNats()
    {
        assertThat(GatewayConfig.defaults().validate().nats().loopback()).isFalse();
        assertThat(GatewayConfig.defaults().nats().mode()).isEqualTo(NatsConfig.MODE_CONNECT);
    }
}
