package io.ipcgateway.examples.gateway;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.examples.nats.NatsServerProcess;
import io.ipcgateway.shm.ClientContext;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The publish spool on the gateway's path, against a real nats-server that is killed and restarted: while NATS is
 * down, one-way and acknowledged publishes are accepted into the spool (an acknowledged one only once it is stored),
 * a full spool answers {@link GatewayStatus#SPOOL_FULL}, and when NATS is back the spool is delivered in order into
 * a JetStream stream (which survives the restart, so the test reads exactly what arrived).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GatewaySpoolIT
{
    @TempDir
    Path tempDir;

    @Test
    void shouldSpoolPublishesWhileNatsIsDownAndDeliverThemInOrderWhenItReturns() throws Exception
    {
        final Path shmDir = Files.createTempDirectory(Path.of("/dev/shm"), "ipc-gw-spool-");
        try (NatsServerProcess nats = NatsServerProcess.start(tempDir.resolve("nats")))
        {
            createStream(nats.url());
            final GatewayConfig config = GatewayConfig.parse(String.join("\n",
                "service: gw-spool-it",
                "directory: " + shmDir,
                "nats:",
                "  url: " + nats.url(),
                "  reconnectWait: 100ms",
                "jetstream:",
                "  durableSubjects: [\"spooled.>\"]",
                "spool:",
                "  mode: spool",
                "  directory: " + tempDir.resolve("spool"),
                "  maxMessages: 30",
                "  durability: record",
                ""), "test");
            try (Gateway gateway = Gateway.start(config);
                GatewayClient client = GatewayClient.connect(new ClientContext().serviceName("gw-spool-it")
                    .baseDirectory(shmDir).connectTimeoutNs(TimeUnit.SECONDS.toNanos(30))))
            {
                client.publishAcked("spooled.a", bytes("m0"), Duration.ofSeconds(10));
                // nats-server writes its store in the background: give it a moment before SIGKILL.
                Thread.sleep(500);
                nats.kill();
                awaitTrue(() -> !gateway.stats().natsConnected());
                for (int i = 1; i <= 20; i++)
                {
                    assertThat(client.publish("spooled.a", bytes("m" + i))).isEqualTo(GatewayStatus.OK);
                }
                for (int i = 21; i <= 30; i++)
                {
                    client.publishAcked("spooled.a", bytes("m" + i), Duration.ofSeconds(10));
                }
                assertThatThrownBy(() -> client.publishAcked("spooled.a", bytes("m31"), Duration.ofSeconds(10)))
                    .isInstanceOfSatisfying(GatewayException.class, ex ->
                        assertThat(ex.status()).isEqualTo(GatewayStatus.SPOOL_FULL));
                assertThat(gateway.stats().spoolDepth()).isEqualTo(30);
                assertThat(gateway.stats().spooled()).isEqualTo(30);
                assertThat(gateway.stats().health()).isNotEqualTo(GatewayStats.Health.UP);

                nats.restart();
                awaitTrue(() -> gateway.stats().spoolDepth() == 0);
                assertThat(gateway.stats().spoolDelivered()).isEqualTo(30);
                client.publishAcked("spooled.a", bytes("m32"), Duration.ofSeconds(10));
                final Connection reader = Nats.connect(nats.url());
                try
                {
                    final JetStreamManagement jsm = reader.jetStreamManagement();
                    assertThat(jsm.getStreamInfo("SPOOLED").getStreamState().getMsgCount()).isEqualTo(32);
                    for (int seq = 1; seq <= 32; seq++)
                    {
                        final int expected = seq <= 31 ? seq - 1 : 32;
                        assertThat(new String(jsm.getMessage("SPOOLED", seq).getData(), StandardCharsets.UTF_8))
                            .as("stream sequence %d", seq).isEqualTo("m" + expected);
                    }
                }
                finally
                {
                    reader.close();
                }
            }
        }
        finally
        {
            try (var files = Files.walk(shmDir))
            {
                for (final Path path : files.sorted(java.util.Comparator.reverseOrder()).toList())
                {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    private static void createStream(final String url) throws Exception
    {
        final Connection connection = Nats.connect(url);
        try
        {
            connection.jetStreamManagement().addStream(StreamConfiguration.builder().name("SPOOLED")
                .subjects("spooled.>").storageType(StorageType.File).build());
        }
        finally
        {
            connection.close();
        }
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void awaitTrue(final java.util.function.BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean())
        {
            assertThat(System.nanoTime() - deadline).as("condition within 60 s").isNegative();
            Thread.sleep(10);
        }
    }
}
