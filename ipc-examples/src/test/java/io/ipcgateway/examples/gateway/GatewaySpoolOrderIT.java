package io.ipcgateway.examples.gateway;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.ipcgateway.examples.nats.NatsServerProcess;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spool's pipelined drain keeps spool order in each JetStream stream when a message of a window is lost while
 * later ones of the same window reach JetStream (a message written to a connection that then dropped while later ones
 * still sat in jnats' buffer and went out after the reconnect; a PubAck refused while JetStream recovers, then later
 * ones accepted). Against a real nats-server with two streams: the spool's JetStream publishes go through for real
 * except the chosen ones, which are dropped once without being sent (their PubAck never comes: a timeout). Each
 * stream must hold every message once, in the order appended, and an ordered consumer subscribed throughout must
 * receive them in that order. Without {@code Nats-Expected-Last-Msg-Id} the lost messages land at the end.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GatewaySpoolOrderIT
{
    private static final int MESSAGES = 200;

    @TempDir
    Path tempDir;

    @Test
    void shouldStoreEveryStreamInSpoolOrderWhenMessagesOfAWindowAreLostAndLaterOnesReachJetStream()
        throws Exception
    {
        try (NatsServerProcess nats = NatsServerProcess.start(tempDir.resolve("nats")))
        {
            final Connection connection = Nats.connect(nats.url());
            try
            {
                drainWithLosses(nats, connection);
            }
            finally
            {
                connection.close();
            }
        }
    }

    private void drainWithLosses(final NatsServerProcess nats, final Connection connection) throws Exception
    {
        final JetStreamManagement jsm = connection.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name("ORDERS").subjects("ord.>")
            .storageType(StorageType.File).build());
        jsm.addStream(StreamConfiguration.builder().name("OTHERS").subjects("oth.>")
            .storageType(StorageType.File).build());
        final JetStream js = connection.jetStream();
        final List<String> consumed = new CopyOnWriteArrayList<>();
        final JetStreamSubscription consumer = js.subscribe("ord.>",
            PushSubscribeOptions.builder().ordered(true).build());

        final GatewayConfig config = GatewayConfig.parse(String.join("\n",
            "nats:",
            "  url: " + nats.url(),
            "jetstream:",
            "  durableSubjects: [\"ord.>\", \"oth.>\"]",
            "  publishTimeout: 5s",
            "spool:",
            "  mode: spool",
            "  directory: " + tempDir.resolve("spool"),
            "  durability: none",
            ""), "test");
        // Lost once each: early ones (their stream not yet known to the spool) and later ones of both streams.
        final Set<String> toLose = ConcurrentHashMap.newKeySet();
        toLose.addAll(List.of("m3", "m4", "m40", "m41", "m90", "m150"));
        final AtomicInteger lost = new AtomicInteger();
        final GatewaySpool.DurablePublisher losing = (subject, headers, data, timeoutNs) ->
        {
            if (toLose.remove(new String(data, StandardCharsets.UTF_8)))
            {
                lost.incrementAndGet();
                return new CompletableFuture<PublishAck>().orTimeout(100, TimeUnit.MILLISECONDS);
            }
            try
            {
                return js.publishAsync(subject, headers, data).orTimeout(timeoutNs, TimeUnit.NANOSECONDS);
            }
            catch (final RuntimeException ex)
            {
                return CompletableFuture.failedFuture(ex);
            }
        };
        final GatewayStats stats = new GatewayStats();
        final Downstreams downstreams = new Downstreams(config.downstreams(), stats);
        final List<String> ordersAppended = new ArrayList<>();
        final List<String> othersAppended = new ArrayList<>();
        try (NatsEgress egress = NatsEgress.connect(config.nats(), stats);
            GatewaySpool spool = new GatewaySpool(config.spool(), egress, downstreams, config.jetstream(), stats,
                losing))
        {
            // Held back while appending, so the drain sends full windows of mixed streams.
            downstreams.of("ord.a").breaker.transitionToForcedOpenState();
            final AtomicInteger stored = new AtomicInteger();
            for (int i = 0; i < MESSAGES; i++)
            {
                final boolean order = i % 3 != 2;
                final String subject = order ? "ord.a" + (i % 2) : "oth.b";
                (order ? ordersAppended : othersAppended).add("m" + i);
                spool.append(subject, null, ("m" + i).getBytes(StandardCharsets.UTF_8), status ->
                {
                    assertThat(status).isEqualTo(GatewayStatus.OK);
                    stored.incrementAndGet();
                });
            }
            awaitTrue("appended", () -> stored.get() == MESSAGES);
            assertThat(spool.depth()).isEqualTo(MESSAGES);
            downstreams.of("ord.a").breaker.transitionToClosedState();
            awaitTrue("spool drained", () -> spool.depth() == 0);
        }
        assertThat(lost.get()).as("messages lost once").isEqualTo(6);
        assertThat(stored(jsm, "ORDERS")).containsExactlyElementsOf(ordersAppended);
        assertThat(stored(jsm, "OTHERS")).containsExactlyElementsOf(othersAppended);
        while (consumed.size() < ordersAppended.size())
        {
            final Message message = consumer.nextMessage(Duration.ofSeconds(10));
            assertThat(message).as("consumer message %d", consumed.size()).isNotNull();
            consumed.add(new String(message.getData(), StandardCharsets.UTF_8));
        }
        assertThat(consumed).as("an ordered consumer sees stream order").containsExactlyElementsOf(ordersAppended);
        assertThat(consumer.nextMessage(Duration.ofMillis(200))).as("no repeat").isNull();
    }

    private static List<String> stored(final JetStreamManagement jsm, final String stream) throws Exception
    {
        final long count = jsm.getStreamInfo(stream).getStreamState().getMsgCount();
        final List<String> payloads = new ArrayList<>();
        for (long seq = 1; seq <= count; seq++)
        {
            payloads.add(new String(jsm.getMessage(stream, seq).getData(), StandardCharsets.UTF_8));
        }
        return payloads;
    }

    private static void awaitTrue(final String what, final java.util.function.BooleanSupplier condition)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!condition.getAsBoolean())
        {
            assertThat(System.nanoTime() - deadline).as("%s within 90 s", what).isNegative();
            Thread.sleep(10);
        }
    }
}
