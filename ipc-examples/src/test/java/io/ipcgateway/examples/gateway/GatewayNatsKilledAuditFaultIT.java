package io.ipcgateway.examples.gateway;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.audit.AuditReader;
import io.ipcgateway.audit.AuditVerifier;
import io.ipcgateway.audit.AuditVerifyReport;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static io.ipcgateway.examples.gateway.GatewayFaultRig.await;
import static io.ipcgateway.examples.gateway.GatewayFaultRig.last;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15's "audit has every message exactly once" across a nats-server kill -9 and restart, with real processes:
 * two client JVMs send requests and one-way publishes through a gateway JVM while nats-server is killed and started
 * again; after the gateway stopped, its audit log (read with ipc-audit's {@link AuditReader}) holds, for every
 * request a client made, exactly one arrival record and exactly one outcome record of the same correlation with the
 * status the client got, for every publish the client handed over exactly one record, and nothing else; and
 * {@link AuditVerifier} passes on it.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class GatewayNatsKilledAuditFaultIT
{
    private static final int CLIENTS = 2;

    @TempDir
    Path tempDir;

    @Test
    void shouldAuditEveryRequestAndPublishExactlyOnceAcrossANatsKillAndRestart() throws Exception
    {
        final Path auditDir = tempDir.resolve("audit");
        try (GatewayFaultRig rig = GatewayFaultRig.start(tempDir, "gw-fault-audit"))
        {
            final GatewayChild gateway = rig.startGateway("gateway", rig.writeConfig("  reconnectWait: 100ms\n",
                String.join("\n",
                "audit:",
                "  directory: " + auditDir,
                GatewayFaultRig.TIGHT_SVC_BREAKER)));
            rig.startResponder(0);
            final Path stop = rig.stopFile("clients");
            final List<GatewayChild> clients = new ArrayList<>();
            final List<Path> outcomeFiles = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++)
            {
                final Path outcomes = tempDir.resolve("outcomes-" + i + ".txt");
                outcomeFiles.add(outcomes);
                clients.add(rig.startClient("client-" + i, List.of("--timeout-ms", "5000", "--parallel", "2",
                    "--pause-ms", "20", "--publish", "events.audit", "--outcomes", outcomes.toString(),
                    "--stop-file", stop.toString()), null));
            }
            for (final GatewayChild client : clients)
            {
                await("requests answered before the kill", () -> last(client, "ok"), 20);
            }
            rig.nats().kill();
            for (final GatewayChild client : clients)
            {
                await("requests refused while NATS is dead", () -> last(client, "status.BREAKER_OPEN") +
                    last(client, "status.NATS_UNAVAILABLE"), 5);
            }
            rig.nats().restart();
            for (final GatewayChild client : clients)
            {
                final long okBefore = last(client, "ok");
                await("requests answered after the restart", () -> last(client, "ok"), okBefore + 20);
            }
            Files.createFile(stop);
            final Map<String, String> expected = new HashMap<>();
            for (int i = 0; i < CLIENTS; i++)
            {
                final GatewayChild client = clients.get(i);
                assertThat(client.awaitExit(GatewayFaultRig.WAIT_SECONDS)).as(client.output()).isTrue();
                assertThat(client.exitCode()).as(client.output()).isZero();
                for (final String line : Files.readAllLines(outcomeFiles.get(i)))
                {
                    final String[] parts = line.split(" ");
                    assertThat(expected.put(client.pid() + " " + parts[0] + " " + parts[1], parts[2]))
                        .as("one outcome per call: %s", line).isNull();
                }
            }
            assertThat(gateway.stop()).as(gateway.output()).isTrue();
            assertThat(gateway.output()).contains("STOPPED");
            checkAudit(auditDir, expected);
        }
    }

    /**
     * {@code expected}: {@code "PID R m<N>"} or {@code "PID P p<N>"} to the status name the client saw. Requests
     * must all have been answered by the gateway (statuses it sends), and only publishes the client handed over
     * ({@code OK} from {@link GatewayClient#publish}) reach the gateway.
     */
    private static void checkAudit(final Path auditDir, final Map<String, String> expected)
    {
        final AuditVerifyReport report = AuditVerifier.verify(auditDir, AuditConfig.DEFAULT_NAME, null);
        assertThat(report.ok()).as(report.problems().toString()).isTrue();

        final Map<String, List<String>> arrivals = new HashMap<>();  // "PID R m<N>" -> its correlation keys
        final Map<String, List<String>> outcomes = new HashMap<>();  // correlation key -> statuses
        final Map<String, List<String>> publishes = new HashMap<>(); // "PID P p<N>" -> statuses
        final long[] records = new long[1];
        try (AuditReader reader = AuditReader.open(auditDir, AuditConfig.DEFAULT_NAME))
        {
            while (reader.poll((type, flags, timestamp, sequence, buffer, offset, length) ->
            {
                records[0]++;
                final long pid = buffer.getLong(offset + GatewayAuditRecord.PID_OFFSET);
                final String correlation = pid + "/" + buffer.getInt(offset + GatewayAuditRecord.SESSION_OFFSET) +
                    "/" + buffer.getLong(offset + GatewayAuditRecord.CORRELATION_OFFSET);
                final String status =
                    GatewayStatus.fromCode(buffer.getInt(offset + GatewayAuditRecord.STATUS_OFFSET)).name();
                final String payload = payload(buffer, offset, length);
                switch (type)
                {
                    case GatewayAuditRecord.REQUEST_IN ->
                        arrivals.computeIfAbsent(pid + " R " + payload, k -> new ArrayList<>()).add(correlation);
                    case GatewayAuditRecord.RESPONSE_OUT ->
                        outcomes.computeIfAbsent(correlation, k -> new ArrayList<>()).add(status);
                    case GatewayAuditRecord.PUBLISH_IN ->
                        publishes.computeIfAbsent(pid + " P " + payload, k -> new ArrayList<>()).add(status);
                    default -> throw new AssertionError("unexpected record type " + type + " at " + sequence);
                }
            }, 1024) > 0)
            {
                // Until the end of the log.
            }
            assertThat(reader.lostRecords()).isZero();
        }
        assertThat(records[0]).isEqualTo(report.records());

        long requests = 0;
        long handedOver = 0;
        for (final Map.Entry<String, String> call : expected.entrySet())
        {
            final String key = call.getKey();
            if (key.contains(" R "))
            {
                requests++;
                final List<String> correlations = arrivals.get(key);
                assertThat(correlations).as("arrival records of request %s", key).hasSize(1);
                assertThat(outcomes.get(correlations.get(0)))
                    .as("outcome records of request %s (correlation %s)", key, correlations.get(0))
                    .containsExactly(call.getValue());
            }
            else if ("OK".equals(call.getValue()))
            {
                handedOver++;
                assertThat(publishes.get(key)).as("records of publish %s", key).hasSize(1);
            }
            else
            {
                assertThat(publishes).as("a publish the client did not hand over: %s", key).doesNotContainKey(key);
            }
        }
        // Nothing else: no arrival, outcome or publish the clients did not make.
        assertThat(arrivals).hasSize((int)requests);
        assertThat(outcomes).hasSize((int)requests);
        assertThat(publishes).hasSize((int)handedOver);
        // The outage was seen: some requests failed fast and were audited with that outcome.
        assertThat(outcomes.values()).anyMatch(statuses -> !statuses.get(0).equals("OK"));
    }

    private static String payload(final DirectBuffer buffer, final int offset, final int length)
    {
        final int subjectLength = buffer.getShort(offset + GatewayAuditRecord.SUBJECT_LENGTH_OFFSET);
        final int at = GatewayAuditRecord.HEADER_LENGTH + subjectLength;
        final byte[] bytes = new byte[length - at];
        buffer.getBytes(offset + at, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
