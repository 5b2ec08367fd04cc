package io.ipcgateway.examples.gateway;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static io.ipcgateway.examples.gateway.GatewayFaultRig.await;
import static io.ipcgateway.examples.gateway.GatewayFaultRig.last;
import static io.ipcgateway.examples.gateway.GatewayFaultRig.summary;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15's fault "nats-server killed with kill -9 and restarted during load" for publishes, with real processes: a
 * local client JVM sends acknowledged publishes without pause through a gateway JVM with the spool on; while NATS is
 * dead they are acknowledged once spooled, and after the restart the spool drains into the JetStream stream, which a
 * reader connected to NATS directly finds holding every acknowledged publish once, in the order sent.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class GatewaySpoolFaultIT
{
    private static final long TIMEOUT_MS = 10_000;

    @TempDir
    Path tempDir;

    @Test
    void shouldSpoolAcknowledgedPublishesWhileNatsIsKilledAndDeliverEveryOneInOrderAfterTheRestart() throws Exception
    {
        try (GatewayFaultRig rig = GatewayFaultRig.start(tempDir, "gw-fault-spool"))
        {
            final Connection reader = Nats.connect(rig.nats().url());
            try
            {
                run(rig, reader.jetStreamManagement());
            }
            finally
            {
                reader.close();
            }
        }
    }

    private void run(final GatewayFaultRig rig, final JetStreamManagement jsm) throws Exception
    {
        jsm.addStream(StreamConfiguration.builder().name("SPOOLED").subjects("spooled.>")
            .storageType(StorageType.File).build());
        final GatewayChild gateway = rig.startGateway("gateway", rig.writeConfig("  reconnectWait: 100ms\n",
            String.join("\n",
            "jetstream:",
            "  durableSubjects: [\"spooled.>\"]",
            "spool:",
            "  mode: spool",
            "  directory: " + tempDir.resolve("spool"),
            "  durability: record",
            "")));
        final Path stop = rig.stopFile("client");
        final GatewayChild client = rig.startClient("client", List.of("--publish-acked", "spooled.orders",
            "--timeout-ms", Long.toString(TIMEOUT_MS), "--pause-ms", "5", "--stop-file", stop.toString()), null);
        await("publishes acknowledged before the kill", () -> last(client, "acked"), 20);

        rig.nats().kill();
        final long ackedAtKill = last(client, "acked");
        await("publishes acknowledged while NATS is dead", () -> last(client, "acked"), ackedAtKill + 20);
        rig.nats().restart();
        final long ackedAtRestart = last(client, "acked");
        await("publishes acknowledged after the restart", () -> last(client, "acked"), ackedAtRestart + 20);

        Files.createFile(stop);
        assertThat(client.awaitExit(GatewayFaultRig.WAIT_SECONDS)).as(client.output()).isTrue();
        assertThat(client.exitCode()).as(client.output()).isZero();
        final long sent = summary(client, "sent");
        final long acked = summary(client, "acked");
        final Matcher line = Pattern.compile("UNACKED ([0-9,]*)").matcher(client.output());
        assertThat(line.find()).as(client.output()).isTrue();
        final Set<Long> unacked = new HashSet<>();
        for (final String seq : line.group(1).split(","))
        {
            if (!seq.isEmpty())
            {
                unacked.add(Long.parseLong(seq));
            }
        }
        assertThat(sent - unacked.size()).isEqualTo(acked);
        // Only publishes already on their way to NATS when it died may go unacknowledged, and the gateway answers
        // them itself (NATS_UNAVAILABLE when the connection is lost): the client never waits out its own timeout.
        assertThat(unacked.size()).as("unacknowledged: %s", unacked).isLessThanOrEqualTo(2);
        assertThat(summary(client, "status.LOCAL_TIMEOUT")).as(client.output()).isZero();
        assertThat(summary(client, "maxms.NATS_UNAVAILABLE")).isLessThan(TIMEOUT_MS / 2);
        assertThat(summary(client, "maxms.NATS_TIMEOUT"))
            .isLessThan(TIMEOUT_MS + GatewayClient.LOCAL_TIMEOUT_SLACK.toMillis());

        // The spool drains: every acknowledged publish reaches the stream.
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GatewayFaultRig.WAIT_SECONDS);
        List<Long> stream = read(jsm);
        while (!stream.containsAll(acknowledged(sent, unacked)))
        {
            assertThat(System.nanoTime() - deadline).as("the stream holds every acknowledged publish within %d s",
                GatewayFaultRig.WAIT_SECONDS).isNegative();
            Thread.sleep(200);
            stream = read(jsm);
        }
        // Once each, in the order sent (an unacknowledged one may be there or not).
        for (int i = 1; i < stream.size(); i++)
        {
            assertThat(stream.get(i)).as("stream position %d after %d", i, stream.get(i - 1))
                .isGreaterThan(stream.get(i - 1));
        }
        assertThat(gateway.stop()).as(gateway.output()).isTrue();
        assertThat(gateway.output()).contains("STOPPED");
    }

    private static List<Long> acknowledged(final long sent, final Set<Long> unacked)
    {
        final List<Long> seqs = new ArrayList<>();
        for (long seq = 0; seq < sent; seq++)
        {
            if (!unacked.contains(seq))
            {
                seqs.add(seq);
            }
        }
        return seqs;
    }

    private static List<Long> read(final JetStreamManagement jsm) throws Exception
    {
        final long count = jsm.getStreamInfo("SPOOLED").getStreamState().getMsgCount();
        final List<Long> seqs = new ArrayList<>();
        for (long seq = 1; seq <= count; seq++)
        {
            seqs.add(Long.parseLong(new String(jsm.getMessage("SPOOLED", seq).getData(), StandardCharsets.UTF_8)));
        }
        return seqs;
    }
}
