package io.ipcgateway.examples.gateway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static io.ipcgateway.examples.gateway.GatewayFaultRig.await;
import static io.ipcgateway.examples.gateway.GatewayFaultRig.last;
import static io.ipcgateway.examples.gateway.GatewayFaultRig.summary;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15's fault "nats-server killed with kill -9 and restarted during load", with real processes: a gateway JVM,
 * a responder JVM and local client JVMs sending requests without pause while nats-server is killed and started again
 * on the same port.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class GatewayNatsKilledFaultIT
{
    private static final long TIMEOUT_MS = 5_000;
    private static final int PARALLEL = 2;

    @TempDir
    Path tempDir;

    @Test
    void shouldOpenTheBreakerAndFailFastWhileNatsIsKilledThenServeAgainAfterItRestarts() throws Exception
    {
        try (GatewayFaultRig rig = GatewayFaultRig.start(tempDir, "gw-fault-nats"))
        {
            final GatewayChild gateway = rig.startGateway("gateway", rig.writeConfig("  reconnectWait: 100ms\n",
                GatewayFaultRig.TIGHT_SVC_BREAKER));
            rig.startResponder(0);
            final Path stop = rig.stopFile("client");
            final GatewayChild client = rig.startClient("client", List.of("--timeout-ms", Long.toString(TIMEOUT_MS),
                "--parallel", Integer.toString(PARALLEL), "--pause-ms", "20", "--stop-file", stop.toString()), null);
            await("requests answered before the kill", () -> last(client, "ok"), 20);

            rig.nats().kill();
            await("requests refused by the open breaker", () -> last(client, "status.BREAKER_OPEN"), 10);
            final long okWhileDown = last(client, "ok");
            rig.nats().restart();
            await("requests answered after the restart", () -> last(client, "ok"), okWhileDown + 20);

            Files.createFile(stop);
            assertThat(client.awaitExit(GatewayFaultRig.WAIT_SECONDS)).as(client.output()).isTrue();
            assertThat(client.exitCode()).as(client.output()).isZero();
            assertThat(summary(client, "badReplies")).isZero();
            assertThat(summary(client, "status.INTERNAL")).isZero();
            assertThat(summary(client, "status.BREAKER_OPEN")).isGreaterThanOrEqualTo(10);
            // Refused fast: never after waiting the request's whole timeout.
            assertThat(summary(client, "maxms.BREAKER_OPEN")).isLessThan(TIMEOUT_MS);
            assertThat(summary(client, "maxms.NATS_UNAVAILABLE")).isLessThan(TIMEOUT_MS);
            // The gateway answers every call itself: the client never has to give up waiting.
            assertThat(summary(client, "status.LOCAL_TIMEOUT")).as(client.output()).isZero();
            // Calls in flight at the kill fail as soon as the connection reports it lost, well before their timeout;
            // only a call caught between the kill and that report may wait out its timeout (at most two rounds),
            // and its NATS_TIMEOUT comes from the gateway before the client's own deadline.
            assertThat(summary(client, "maxms.NATS_UNAVAILABLE")).isLessThan(TIMEOUT_MS / 2);
            assertThat(summary(client, "status.NATS_TIMEOUT")).isLessThanOrEqualTo(2L * PARALLEL);
            assertThat(summary(client, "maxms.NATS_TIMEOUT"))
                .isLessThan(TIMEOUT_MS + GatewayClient.LOCAL_TIMEOUT_SLACK.toMillis());
            assertThat(summary(client, "status.GATEWAY_UNAVAILABLE")).isZero();

            assertThat(gateway.stop()).as(gateway.output()).isTrue();
            assertThat(gateway.output()).contains("STOPPED");
        }
    }

    @Test
    void shouldSendIdempotentCallsInFlightAgainAfterNatsRestartsAndFailTheOthersAtOnce() throws Exception
    {
        final long slowMs = 300;
        final long timeoutMs = 60_000;
        try (GatewayFaultRig rig = GatewayFaultRig.start(tempDir, "gw-fault-nats-retry"))
        {
            final GatewayChild gateway = rig.startGateway("gateway", rig.writeConfig("  reconnectWait: 100ms\n",
                String.join("\n",
                "downstreams:",
                "  - prefix: svc.slow.retry",
                "    idempotent: true",
                "    retry:",
                "      maxAttempts: 10",
                "      initialBackoff: 100ms",
                "      multiplier: 1.5",
                "      maxBackoff: 1s",
                // The responder resubscribes a little after the gateway reconnects: the NO_RESPONDERS meanwhile are
                // retried, and a call that then succeeds counts once, as a success, so even this tight breaker stays
                // closed (slow calls aside: calls queue in the responder, which answers one at a time).
                "    breaker:",
                "      slidingWindowSize: 4",
                "      minimumNumberOfCalls: 4",
                "      waitInOpenState: 60s",
                "      slowCallDuration: 60s",
                "")));
            rig.startResponder(slowMs);
            final Path stop = rig.stopFile("clients");
            // No pause between rounds and a responder that sleeps on each request: calls are in flight at the kill.
            final GatewayChild idempotent = rig.startClient("idempotent", List.of("--subject", "svc.slow.retry.a",
                "--timeout-ms", Long.toString(timeoutMs), "--parallel", "2", "--pause-ms", "0", "--stop-file",
                stop.toString()), null);
            final GatewayChild other = rig.startClient("other", List.of("--subject", "svc.slow.once.a",
                "--timeout-ms", Long.toString(timeoutMs), "--parallel", "2", "--pause-ms", "0", "--stop-file",
                stop.toString()), null);
            await("idempotent requests answered before the kill", () -> last(idempotent, "ok"), 4);
            await("other requests answered before the kill", () -> last(other, "ok"), 4);

            rig.nats().kill();
            await("other calls in flight failed at the kill", () -> last(other, "status.NATS_UNAVAILABLE"), 1);
            final long idempotentOkAtKill = last(idempotent, "ok");
            rig.nats().restart();
            await("idempotent requests answered after the restart", () -> last(idempotent, "ok"),
                idempotentOkAtKill + 6);
            final long otherOk = last(other, "ok");
            await("other requests answered after the restart", () -> last(other, "ok"), otherOk + 4);

            Files.createFile(stop);
            for (final GatewayChild client : List.of(idempotent, other))
            {
                assertThat(client.awaitExit(GatewayFaultRig.WAIT_SECONDS)).as(client.output()).isTrue();
                assertThat(client.exitCode()).as(client.output()).isZero();
                assertThat(summary(client, "badReplies")).isZero();
                assertThat(summary(client, "status.LOCAL_TIMEOUT")).as(client.output()).isZero();
            }
            // Every request to the idempotent downstream was answered, those in flight at the kill included.
            for (final GatewayStatus status : GatewayStatus.values())
            {
                if (status != GatewayStatus.OK)
                {
                    assertThat(summary(idempotent, "status." + status.name())).as("%s in %s", status,
                        idempotent.output()).isZero();
                }
            }
            // The others in flight at the kill failed at once, not at their timeout.
            assertThat(summary(other, "maxms.NATS_UNAVAILABLE")).isLessThan(timeoutMs / 4);
            assertThat(gateway.stop()).as(gateway.output()).isTrue();
            assertThat(gateway.output()).contains("STOPPED");
        }
    }
}
