package io.ipcgateway.examples.gateway;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.audit.AuditVerifier;
import io.ipcgateway.audit.AuditVerifyReport;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static io.ipcgateway.examples.gateway.GatewayFaultRig.await;
import static io.ipcgateway.examples.gateway.GatewayFaultRig.last;
import static io.ipcgateway.examples.gateway.GatewayFaultRig.summary;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15's fault "the gateway killed with kill -9", with real processes: a local client JVM doing requests with a
 * subscription sees the gateway's death as {@link GatewayStatus#GATEWAY_UNAVAILABLE} (peer dead), reconnects to a
 * new gateway JVM started on the same service and is served again, its subscription renewed; the audit log the killed
 * gateway left is reopened by the new one and verifies.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class GatewayKilledFaultIT
{
    @TempDir
    Path tempDir;

    @Test
    void shouldReportPeerDeadThenReconnectClientsToANewGatewayWithTheAuditLogRecovered() throws Exception
    {
        try (GatewayFaultRig rig = GatewayFaultRig.start(tempDir, "gw-fault-killed"))
        {
            final Connection publisher = Nats.connect(rig.nats().url());
            try
            {
                run(rig, publisher);
            }
            finally
            {
                publisher.close();
            }
        }
    }

    private void run(final GatewayFaultRig rig, final Connection publisher) throws Exception
    {
        final Path auditDir = tempDir.resolve("audit");
        final Path config = rig.writeConfig("", "audit:\n  directory: " + auditDir + "\n  durability: record\n");
        final GatewayChild first = rig.startGateway("gateway-1", config);
        rig.startResponder(0);
        final Path stop = rig.stopFile("client");
        final GatewayChild client = rig.startClient("client", List.of("--timeout-ms", "5000", "--pause-ms", "20",
            "--subscribe", "events.>", "--stop-file", stop.toString()), "SUBSCRIBED");
        await("requests answered by the first gateway", () -> last(client, "ok"), 20);
        awaitEvent(publisher, client, 1);

        GatewayFaultRig.killNine(first);
        await("requests refused as peer dead", () -> last(client, "status.GATEWAY_UNAVAILABLE"), 1);
        // Printed after the kill and before a new gateway: every request answered so far.
        final long okBeforeRestart = last(client, "ok");
        final long messagesBeforeRestart = last(client, "messages");

        final GatewayChild second = rig.startGateway("gateway-2", config);
        await("reconnects to the new gateway", () -> last(client, "reconnects"), 1);
        await("requests answered by the new gateway", () -> last(client, "ok"), okBeforeRestart + 20);
        awaitEvent(publisher, client, messagesBeforeRestart + 1);

        Files.createFile(stop);
        assertThat(client.awaitExit(GatewayFaultRig.WAIT_SECONDS)).as(client.output()).isTrue();
        assertThat(client.exitCode()).as(client.output()).isZero();
        assertThat(summary(client, "badReplies")).isZero();
        assertThat(summary(client, "status.INTERNAL")).isZero();
        assertThat(summary(client, "status.GATEWAY_UNAVAILABLE")).isPositive();
        final long okAfterRestart = summary(client, "ok") - okBeforeRestart;
        assertThat(second.stop()).as(second.output()).isTrue();

        final AuditVerifyReport report = AuditVerifier.verify(auditDir, AuditConfig.DEFAULT_NAME, null);
        assertThat(report.ok()).as(report.problems().toString()).isTrue();
        // The new gateway closed gracefully: a request and a response record for each request it answered.
        assertThat(report.records()).isGreaterThanOrEqualTo(2 * okAfterRestart);
    }

    /** Publishes events straight to NATS until the client counted {@code atLeast} of them. */
    private static void awaitEvent(final Connection publisher, final GatewayChild client, final long atLeast)
        throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GatewayFaultRig.WAIT_SECONDS);
        while (last(client, "messages") < atLeast)
        {
            assertThat(System.nanoTime() - deadline).as("the client received an event within %d s: %s",
                GatewayFaultRig.WAIT_SECONDS, client.output()).isNegative();
            publisher.publish("events.tick", "event".getBytes(StandardCharsets.UTF_8));
            publisher.flush(Duration.ofSeconds(5));
            Thread.sleep(200);
        }
    }
}
