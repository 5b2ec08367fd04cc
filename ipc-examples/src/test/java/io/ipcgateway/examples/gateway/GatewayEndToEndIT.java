package io.ipcgateway.examples.gateway;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.ipcgateway.examples.nats.NatsServerProcess;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway end to end with real processes: a nats-server (JetStream on), a gateway JVM run by
 * {@link GatewayMain}, a responder JVM on jnats, and 8 local client JVMs on {@link GatewayClient} doing requests
 * (blocking and async, with trace ids), one-way and JetStream-acknowledged publishes, and one subscription each that a
 * NATS publisher fans out to all of them through one NATS subscription of the gateway.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class GatewayEndToEndIT
{
    private static final int CLIENTS = 8;
    private static final int REQUESTS = 200;
    private static final int PUBLISHES = 200;
    private static final int ACKED = 50;
    private static final int EVENTS = 25;
    private static final String SERVICE = "gw-e2e";

    @TempDir
    Path tempDir;

    @Test
    void shouldCarryRequestsPublishesAndFannedOutSubscriptionsBetweenEightLocalClientsAndNats() throws Exception
    {
        final Path shmDir = Files.createTempDirectory(Path.of("/dev/shm"), "ipc-gw-e2e-");
        final List<GatewayChild> children = new ArrayList<>();
        Connection observer = null;
        try (NatsServerProcess nats = NatsServerProcess.start(tempDir.resolve("nats")))
        {
            observer = Nats.connect(nats.url());
            final JetStreamManagement jsm = observer.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("ORDERS").subjects("orders.>")
                .storageType(StorageType.File).build());
            final AtomicLong localPublishes = new AtomicLong();
            final Dispatcher dispatcher = observer.createDispatcher(message ->
            {
                if (new String(message.getData(), StandardCharsets.UTF_8).startsWith("p"))
                {
                    localPublishes.incrementAndGet();
                }
            });
            dispatcher.subscribe("local.>");
            observer.flush(Duration.ofSeconds(5));

            final Path config = tempDir.resolve("gateway.yml");
            Files.writeString(config, String.join("\n",
                "service: " + SERVICE,
                "directory: " + shmDir,
                "nats:",
                "  url: " + nats.url(),
                "jetstream:",
                "  durableSubjects: [\"orders.>\"]",
                ""));
            final GatewayChild gateway = GatewayChild.start("gateway", GatewayMain.class,
                List.of("--config", config.toString()), "READY");
            children.add(gateway);
            assertThat(gateway.awaitMarker(60)).as(gateway.output()).isTrue();
            final GatewayChild responder = GatewayChild.start("responder", NatsResponderMain.class,
                List.of("--nats", nats.url()), "READY");
            children.add(responder);
            assertThat(responder.awaitMarker(60)).as(responder.output()).isTrue();

            final List<GatewayChild> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++)
            {
                final GatewayChild client = GatewayChild.start("client-" + i, GatewayLoadClientMain.class, List.of(
                    "--service", SERVICE, "--dir", shmDir.toString(), "--index", Integer.toString(i),
                    "--requests", Integer.toString(REQUESTS), "--publishes", Integer.toString(PUBLISHES),
                    "--acked", Integer.toString(ACKED), "--expect-messages", Integer.toString(EVENTS),
                    "--pattern", "events.>"), "SUBSCRIBED");
                clients.add(client);
                children.add(client);
            }
            for (final GatewayChild client : clients)
            {
                assertThat(client.awaitMarker(120)).as(client.output()).isTrue();
            }
            for (int i = 0; i < EVENTS; i++)
            {
                observer.publish("events.tick", ("event-" + i).getBytes(StandardCharsets.UTF_8));
            }
            observer.flush(Duration.ofSeconds(5));

            final Pattern summary = Pattern.compile("SUMMARY client=\\d+ requestsOk=(\\d+) badReplies=(\\d+) " +
                "published=(\\d+) acked=(\\d+) messages=(\\d+) badMessages=(\\d+)");
            for (final GatewayChild client : clients)
            {
                assertThat(client.awaitExit(180)).as(client.output()).isTrue();
                final Matcher matcher = summary.matcher(client.output());
                assertThat(matcher.find()).as(client.output()).isTrue();
                assertThat(matcher.group(1)).as("requests answered correctly").isEqualTo(Integer.toString(REQUESTS));
                assertThat(matcher.group(2)).as("wrong replies").isEqualTo("0");
                assertThat(matcher.group(3)).as("one-way publishes sent").isEqualTo(Integer.toString(PUBLISHES));
                assertThat(matcher.group(4)).as("acknowledged publishes").isEqualTo(Integer.toString(ACKED));
                assertThat(matcher.group(5)).as("fanned-out events").isEqualTo(Integer.toString(EVENTS));
                assertThat(matcher.group(6)).isEqualTo("0");
                assertThat(client.output()).contains("INVALID INVALID_SUBJECT").contains("NORESPONDERS NO_RESPONDERS");
                assertThat(client.exitCode()).as(client.output()).isZero();
            }

            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (localPublishes.get() < (long)CLIENTS * PUBLISHES && System.nanoTime() - deadline < 0)
            {
                Thread.sleep(20);
            }
            assertThat(localPublishes.get()).as("one-way publishes seen on NATS").isEqualTo((long)CLIENTS * PUBLISHES);
            assertThat(jsm.getStreamInfo("ORDERS").getStreamState().getMsgCount())
                .as("JetStream-acknowledged publishes in the stream").isEqualTo((long)CLIENTS * ACKED);

            assertThat(gateway.stop()).as(gateway.output()).isTrue();
            assertThat(gateway.output()).containsPattern("STOPPED PUBLISH ok=" + CLIENTS * PUBLISHES + " failed=0" +
                " PUBLISH_ACKED ok=" + CLIENTS * ACKED + " failed=0 REQUEST ok=" + CLIENTS * REQUESTS +
                " failed=" + CLIENTS + " SUBSCRIBE ok=" + CLIENTS + " failed=0 UNSUBSCRIBE ok=" + CLIENTS +
                " failed=0 DELIVER ok=" + CLIENTS * EVENTS + " failed=0");
            assertThat(Files.exists(shmDir.resolve(SERVICE))).as("service folder after SIGTERM").isFalse();
        }
        finally
        {
            if (observer != null)
            {
                observer.close();
            }
            for (final GatewayChild child : children)
            {
                child.close();
            }
            deleteRecursively(shmDir);
        }
    }

    private static void deleteRecursively(final Path dir) throws java.io.IOException
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (var files = Files.walk(dir))
        {
            for (final Path path : files.sorted(java.util.Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
    }
}
