package io.ipcgateway.examples.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static io.ipcgateway.examples.gateway.GatewayFaultRig.await;
import static io.ipcgateway.examples.gateway.GatewayFaultRig.summary;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15's fault "a local client killed mid-request", with real processes: a client JVM holding subscriptions and a
 * request in flight is killed with SIGKILL; the gateway frees its session and its NATS subscriptions, as nats-server's
 * own monitoring endpoint ({@code /subsz}) counts them, and goes on serving other clients.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class GatewayClientKilledFaultIT
{
    private static final int HELD_SUBSCRIPTIONS = 5;

    @TempDir
    Path tempDir;

    @Test
    void shouldFreeTheSessionAndTheNatsSubscriptionsOfAClientKilledMidRequest() throws Exception
    {
        try (GatewayFaultRig rig = GatewayFaultRig.startWithMonitoring(tempDir, "gw-fault-client"))
        {
            final GatewayChild gateway = rig.startGateway("gateway", rig.writeConfig("", ""));
            // svc.slow answers after the client is dead: the gateway must drop that late reply.
            rig.startResponder(8_000);
            // A first request makes the gateway's shared reply subscription, so the baseline counts it.
            final GatewayChild warmUp = rig.startClient("warm-up", List.of("--count", "3"), null);
            assertThat(warmUp.awaitExit(GatewayFaultRig.WAIT_SECONDS)).as(warmUp.output()).isTrue();
            assertThat(summary(warmUp, "ok")).as(warmUp.output()).isEqualTo(3);
            final long baseline = rig.nats().subscriptionCount();

            final GatewayChild doomed = rig.startClient("doomed", List.of("--hold-subscriptions",
                Integer.toString(HELD_SUBSCRIPTIONS), "--hold-request", "svc.slow"), "INFLIGHT");
            await("the doomed client's subscriptions on nats-server", () -> subscriptions(rig),
                baseline + HELD_SUBSCRIPTIONS);

            GatewayFaultRig.killNine(doomed);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GatewayFaultRig.WAIT_SECONDS);
            while (subscriptions(rig) != baseline)
            {
                assertThat(System.nanoTime() - deadline).as("subscriptions back to %d within %d s (at %d)", baseline,
                    GatewayFaultRig.WAIT_SECONDS, subscriptions(rig)).isNegative();
                Thread.sleep(50);
            }

            final GatewayChild survivor = rig.startClient("survivor", List.of("--count", "10"), null);
            assertThat(survivor.awaitExit(GatewayFaultRig.WAIT_SECONDS)).as(survivor.output()).isTrue();
            assertThat(summary(survivor, "ok")).as(survivor.output()).isEqualTo(10);
            assertThat(rig.nats().subscriptionCount()).isEqualTo(baseline);
            assertThat(gateway.isAlive()).isTrue();
            assertThat(gateway.stop()).as(gateway.output()).isTrue();
            assertThat(gateway.output()).contains("SUBSCRIBE ok=" + HELD_SUBSCRIPTIONS);
        }
    }

    private static long subscriptions(final GatewayFaultRig rig)
    {
        try
        {
            return rig.nats().subscriptionCount();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
