package io.ipcgateway.bench.nats;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.examples.nats.LocalNatsServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code bench nats-direct} against a real nats-server it starts itself: it produces figures (speed is not
 * asserted).
 */
class NatsDirectRunTest
{
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldProduceFiguresForEachAndSharedConnections() throws Exception
    {
        requireNatsServer();
        for (final String connections : List.of("each", "shared"))
        {
            final NatsDirectSpec spec = NatsDirectSpec.parse(
                List.of("--clients", "4", "--connections", connections, "--seconds", "500ms", "--warmup", "300ms"));

            final NatsDirectResult result = NatsDirectRun.execute(spec, line -> { });

            assertThat(result.perClient()).hasSize(4).allSatisfy(count -> assertThat(count).isPositive());
            assertThat(result.requestsPerSecond()).isPositive();
            assertThat(result.p50Ns()).isPositive().isLessThanOrEqualTo(result.p99Ns());
            assertThat(result.fairness()).isBetween(0.0, 1.0).isPositive();
            assertThat(result.clientCpuCores()).isPositive();
            assertThat(result.responderCpuCores()).isPositive();
            assertThat(result.serverCpuCores()).isPositive();
            assertThat(result.format())
                .contains("| 4 | " + (connections.equals("shared") ? "1 (shared)" : "4 (a connection each)"));
        }
    }

    @Test
    void shouldNameTheOptionWhenInvalid()
    {
        assertThatThrownBy(() -> NatsDirectSpec.parse(List.of("--connections", "pooled")))
            .hasMessageContaining("--connections").hasMessageContaining("pooled");
        assertThatThrownBy(() -> NatsDirectSpec.parse(List.of("--clients", "0")))
            .hasMessageContaining("--clients");
        assertThatThrownBy(() -> NatsDirectSpec.parse(List.of("--url", "http://x")))
            .hasMessageContaining("--url");
        assertThatThrownBy(() -> NatsDirectSpec.parse(List.of("--bogus", "1")))
            .hasMessageContaining("--bogus");
    }

    @Test
    void shouldDefaultToThirtyTwoClientsOnConnectionsEach()
    {
        final NatsDirectSpec spec = NatsDirectSpec.parse(List.of());

        assertThat(spec.clients()).isEqualTo(32);
        assertThat(spec.shared()).isFalse();
        assertThat(spec.connections()).isEqualTo(32);
        assertThat(spec.size()).isEqualTo(32);
        assertThat(NatsDirectSpec.parse(List.of("--connections", "shared")).connections()).isEqualTo(1);
    }

    private static void requireNatsServer()
    {
        if (LocalNatsServer.findBinary() == null)
        {
            final String reason = "nats-server is not installed (Debian package nats-server; .ci/run installs it)";
            if (Boolean.parseBoolean(System.getProperty("ipc.test.requireRoot", "false")))
            {
                fail(reason + " (ipc.test.requireRoot=true: must run here, not skip)");
            }
            Assumptions.assumeTrue(false, reason + "; skipped");
        }
    }
}
