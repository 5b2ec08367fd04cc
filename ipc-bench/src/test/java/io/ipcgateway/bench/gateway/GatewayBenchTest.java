package io.ipcgateway.bench.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ipcgateway.examples.nats.LocalNatsServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code bench gateway} in a quick mode against a real nats-server, gateway JVMs, responders and client JVMs: every
 * row is there with requests completed (speed is not asserted), and nothing is left behind.
 */
class GatewayBenchTest
{
    private static final List<String> SCENARIOS = List.of(GatewayBenchRow.GATEWAY, GatewayBenchRow.DIRECT_EACH,
        GatewayBenchRow.DIRECT_SHARED, GatewayBenchRow.LOCAL_LEG);

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void shouldReportEveryRowWithCompletedRequestsInTheTableAndTheJsonWhenRunQuick() throws Exception
    {
        requireNatsServer();
        final Set<String> shmBefore = benchFolders();
        final GatewayBenchSpec spec = GatewayBenchSpec.parse(List.of("--quick", "--clients", "4", "--duration", "1s",
            "--warmup", "300ms", "--rate", "5000", "--local-clients", "2", "--client-jvms", "2"));

        final List<List<GatewayBenchRow>> repetitions = GatewayBench.execute(spec, line -> { });

        assertThat(repetitions).hasSize(1);
        final List<GatewayBenchRow> rows = repetitions.get(0);
        assertThat(rows).extracting(GatewayBenchRow::scenario).containsExactlyElementsOf(SCENARIOS);
        assertThat(rows).allSatisfy(row ->
        {
            assertThat(row.perSecond()).as(row.scenario()).isPositive();
            assertThat(row.perClient()).as(row.scenario()).allSatisfy(count -> assertThat(count).isPositive());
            assertThat(row.p50Ns()).as(row.scenario()).isPositive().isLessThanOrEqualTo(row.p99Ns());
            assertThat(row.clientCpuCores()).as(row.scenario()).isPositive();
            assertThat(row.fairness()).as(row.scenario()).isBetween(0.0, 1.0).isPositive();
        });
        assertThat(rows.get(0).gatewayCpuCores()).as("gateway CPU").isPositive();
        assertThat(rows.get(0).clientJvms()).as("client JVMs of the gateway row").isEqualTo(2);
        assertThat(rows.get(0).perClient()).as("every client of both JVMs counted").hasSize(4);
        assertThat(rows.get(0).gatewayP99Ns()).as("the gateway's own time on the full path").isPositive();
        assertThat(rows.get(0).natsLegP50Ns()).as("the NATS leg on the full path").isPositive()
            .isLessThanOrEqualTo(rows.get(0).natsLegP99Ns());
        assertThat(rows.get(3).gatewayP99Ns()).as("the gateway's own local leg").isPositive();
        assertThat(rows.get(3).natsLegP99Ns()).as("no NATS in loopback: its leg is the stub's, near 0")
            .isLessThan(rows.get(3).p99Ns());
        assertThat(rows.get(3).sentP50Ns()).as("open loop: from the actual send").isPositive()
            .isLessThanOrEqualTo(rows.get(3).sentP99Ns());
        assertThat(rows.get(3).p999Ns()).isGreaterThanOrEqualTo(rows.get(3).p99Ns());
        assertThat(rows.get(3).offeredPerSecond()).isEqualTo(5000);

        final String table = GatewayBench.format(spec, repetitions);
        for (final String scenario : SCENARIOS)
        {
            assertThat(table).contains("| " + scenario + " |");
        }
        assertThat(table).contains("noisy").contains("local leg under 20 us p99");

        final JsonNode json = new ObjectMapper().readTree(GatewayBench.toJson(spec, repetitions));
        assertThat(json.get("median")).hasSize(4);
        assertThat(json.get("slowest")).hasSize(4);
        json.get("median").forEach(row -> assertThat(row.get("perSecond").asDouble()).isPositive());
        assertThat(json.get("spec").get("clients").asInt()).isEqualTo(4);

        assertThat(benchFolders()).as("/dev/shm folders of the bench after the run").isSubsetOf(shmBefore);
    }

    @Test
    void shouldPickTheMedianAndTheSlowestRepetitionOfEachRow()
    {
        final List<List<GatewayBenchRow>> repetitions = List.of(
            List.of(row(GatewayBenchRow.GATEWAY, 30_000, 500_000), row(GatewayBenchRow.LOCAL_LEG, 90_000, 30_000)),
            List.of(row(GatewayBenchRow.GATEWAY, 10_000, 900_000), row(GatewayBenchRow.LOCAL_LEG, 95_000, 10_000)),
            List.of(row(GatewayBenchRow.GATEWAY, 20_000, 700_000), row(GatewayBenchRow.LOCAL_LEG, 99_000, 20_000)));

        final List<GatewayBenchRow> median = GatewayBench.pick(repetitions, false);
        final List<GatewayBenchRow> slowest = GatewayBench.pick(repetitions, true);

        assertThat(median).extracting(GatewayBenchRow::perSecond).containsExactly(20_000.0, 99_000.0);
        assertThat(slowest).extracting(GatewayBenchRow::perSecond).containsExactly(10_000.0, 90_000.0);
    }

    @Test
    void shouldNameTheOptionWhenInvalid()
    {
        assertThatThrownBy(() -> GatewayBenchSpec.parse(List.of("--clients", "0")))
            .hasMessageContaining("--clients");
        assertThatThrownBy(() -> GatewayBenchSpec.parse(List.of("--repetitions", "0")))
            .hasMessageContaining("--repetitions");
        assertThatThrownBy(() -> GatewayBenchSpec.parse(List.of("--bogus", "1")))
            .hasMessageContaining("--bogus");
        final GatewayBenchSpec defaults = GatewayBenchSpec.parse(List.of());
        assertThat(defaults.clients()).isEqualTo(32);
        assertThat(defaults.localRate()).isEqualTo(100_000);
        assertThat(defaults.repetitions()).isEqualTo(3);
        assertThat(defaults.clientJvms()).as("client JVMs by default, as the direct rows").isEqualTo(1);
        assertThatThrownBy(() -> GatewayBenchSpec.parse(List.of("--client-jvms", "0")))
            .hasMessageContaining("--client-jvms");
        assertThat(GatewayBenchSpec.parse(List.of("--quick")).repetitions()).isEqualTo(1);
    }

    private static GatewayBenchRow row(final String scenario, final double perSecond, final long p99Ns)
    {
        return new GatewayBenchRow(scenario, scenario, 1, 1, 1, "closed", -1, perSecond, p99Ns / 2, p99Ns, -1, -1, -1,
            1.0, 0.5, -1, -1, -1, -1, -1, 0, List.of((long)perSecond));
    }

    private static Set<String> benchFolders() throws IOException
    {
        try (Stream<Path> files = Files.list(Path.of("/dev/shm")))
        {
            return files.map(path -> path.getFileName().toString()).filter(name -> name.startsWith("ipc-bench-gw-"))
                .collect(Collectors.toSet());
        }
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
