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
 * Issue 15's fault "a local client over its rate limit", with real processes: two client JVMs with a per-process
 * limit ({@code clientKey: pid}); the one sending four times its limit is refused with
 * {@link GatewayStatus#RATE_LIMITED} beyond it while the other, within its limit, gets every request answered.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class GatewayRateLimitFaultIT
{
    private static final int LIMIT = 10;

    @TempDir
    Path tempDir;

    @Test
    void shouldRefuseTheClientOverItsLimitWithoutAffectingAClientWithinItsLimit() throws Exception
    {
        try (GatewayFaultRig rig = GatewayFaultRig.start(tempDir, "gw-fault-rate"))
        {
            rig.startGateway("gateway", rig.writeConfig("",
                "rateLimits:\n  perClient: " + LIMIT + "\n  clientKey: pid\n  period: 10m\n"));
            rig.startResponder(0);
            final GatewayChild greedy = rig.startClient("greedy", List.of("--count", Integer.toString(4 * LIMIT),
                "--parallel", "4", "--pause-ms", "0"), null);
            final GatewayChild modest = rig.startClient("modest", List.of("--count", Integer.toString(LIMIT),
                "--pause-ms", "50"), null);
            assertThat(greedy.awaitExit(GatewayFaultRig.WAIT_SECONDS)).as(greedy.output()).isTrue();
            assertThat(modest.awaitExit(GatewayFaultRig.WAIT_SECONDS)).as(modest.output()).isTrue();

            // A 10-minute period refills at most a token or two while the test runs.
            assertThat(summary(greedy, "ok")).as(greedy.output()).isBetween((long)LIMIT, LIMIT + 2L);
            assertThat(summary(greedy, "ok") + summary(greedy, "status.RATE_LIMITED")).isEqualTo(4L * LIMIT);
            assertThat(summary(modest, "ok")).as(modest.output()).isEqualTo(LIMIT);
            assertThat(summary(modest, "status.RATE_LIMITED")).isZero();
            assertThat(summary(greedy, "badReplies") + summary(modest, "badReplies")).isZero();
        }
    }
}
