package io.ipcgateway.examples.gateway;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static io.ipcgateway.examples.gateway.GatewayFaultRig.summary;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15's fault "slow NATS", with real processes: a responder JVM that sleeps beyond the downstream's
 * {@code slowCallDuration} trips the breaker's slow-call threshold, and the local client JVM's further requests are
 * refused with {@link GatewayStatus#BREAKER_OPEN} without waiting for the responder.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class GatewaySlowNatsFaultIT
{
    private static final long SLOW_MS = 1_500;

    @TempDir
    Path tempDir;

    @Test
    void shouldOpenTheBreakerOnSlowCallsAndRefuseFurtherCallsWithBreakerOpen() throws Exception
    {
        try (GatewayFaultRig rig = GatewayFaultRig.start(tempDir, "gw-fault-slow"))
        {
            final GatewayChild gateway = rig.startGateway("gateway", rig.writeConfig("", String.join("\n",
                "downstreams:",
                "  - prefix: svc",
                "    breaker:",
                "      slowCallDuration: 200ms",
                "      slowCallRateThreshold: 50",
                "      slidingWindowSize: 4",
                "      minimumNumberOfCalls: 4",
                "      waitInOpenState: 10m",
                "")));
            rig.startResponder(SLOW_MS);
            // Four slow calls at once fill the window; the next two rounds of four meet the open breaker.
            final GatewayChild client = rig.startClient("client", List.of("--subject", "svc.slow", "--count", "12",
                "--parallel", "4", "--pause-ms", "0", "--timeout-ms", "20000"), null);
            assertThat(client.awaitExit(GatewayFaultRig.WAIT_SECONDS)).as(client.output()).isTrue();
            assertThat(client.exitCode()).as(client.output()).isZero();
            assertThat(summary(client, "ok")).as(client.output()).isEqualTo(4);
            assertThat(summary(client, "badReplies")).isZero();
            assertThat(summary(client, "status.BREAKER_OPEN")).as(client.output()).isEqualTo(8);
            // Refused without going to the responder, which would have taken its whole sleep.
            assertThat(summary(client, "maxms.BREAKER_OPEN")).isLessThan(SLOW_MS);
            assertThat(gateway.stop()).as(gateway.output()).isTrue();
            assertThat(gateway.output()).contains("STOPPED");
        }
    }
}
