package io.ipcgateway.bench.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.ipcgateway.bench.load.Histograms;
import io.ipcgateway.bench.load.RunResult;
import org.junit.jupiter.api.Test;

class GateCheckTest
{
    @Test
    void shouldPassOneWayWhenOursIsAtLeastTheMarginTimesSockets()
    {
        final List<GateCheck> checks = GateCheck.evaluate(Gate.ONE_WAY, result("ipc", 5_000_000, 1, 1),
            result("uds", 500_000, 20, 1), GateMargins.DEFAULTS);

        assertThat(checks).singleElement().satisfies(check ->
        {
            assertThat(check.value()).isEqualTo(10.0);
            assertThat(check.passed()).isTrue();
        });
    }

    @Test
    void shouldFailOneWayWhenOursFallsBelowTheMargin()
    {
        final List<GateCheck> checks = GateCheck.evaluate(Gate.ONE_WAY, result("ipc", 2_000_000, 1, 1),
            result("uds", 500_000, 20, 1), GateMargins.DEFAULTS);

        assertThat(checks).singleElement().satisfies(check -> assertThat(check.passed()).isFalse());
        assertThat(GateCheck.table(checks)).contains("oneway-32B-1p").contains("4.00x").contains(">= 5.00x")
            .contains("FAIL");
    }

    @Test
    void shouldHoldRequestResponseToThroughputAndFairnessSeparately()
    {
        final GateMargins margins = new GateMargins(5, 1, 0.5, 1.5);

        final List<GateCheck> checks = GateCheck.evaluate(Gate.RR, result("ipc", 300_000, 2, 0.2),
            result("uds", 45_000, 200, 0.9), margins);

        assertThat(checks).extracting(GateCheck::figure).containsExactly("msgs/s", "fairness");
        assertThat(checks.get(0).passed()).isTrue();
        assertThat(checks.get(1).value()).isEqualTo(0.2);
        assertThat(checks.get(1).passed()).isFalse();
    }

    @Test
    void shouldFailBlockingPingPongWhenOurMedianIsMoreThanTheMarginTimesSockets()
    {
        final List<GateCheck> slower = GateCheck.evaluate(Gate.BLOCKING, result("ipc", 3333, 160, 1),
            result("uds", 3333, 100, 1), GateMargins.DEFAULTS);
        final List<GateCheck> faster = GateCheck.evaluate(Gate.BLOCKING, result("ipc", 3333, 60, 1),
            result("uds", 3333, 100, 1), GateMargins.DEFAULTS);

        assertThat(slower.get(0).value()).isEqualTo(1.6);
        assertThat(slower.get(0).passed()).isFalse();
        assertThat(faster.get(0).passed()).isTrue();
    }

    @Test
    void shouldFailAWorkloadWhoseRunFailedAndSaySo()
    {
        final List<GateCheck> checks = GateCheck.evaluate(Gate.ONE_WAY, null, result("uds", 500_000, 20, 1),
            GateMargins.DEFAULTS);

        assertThat(checks).singleElement().satisfies(check -> assertThat(check.passed()).isFalse());
        assertThat(GateCheck.table(checks)).contains("FAIL (ipc run failed)");
    }

    private static RunResult result(final String transport, final double msgsPerSec, final double p50Us,
        final double fairness)
    {
        return new RunResult(transport, "w", "rr", "block", 32, 2, 2.0, msgsPerSec, msgsPerSec, p50Us, p50Us,
            p50Us, p50Us, p50Us, p50Us, 100, Double.NaN, fairness, List.of(1L, 1L), 0, 0, List.of(0L),
            Histograms.encode(Histograms.newHistogram()));
    }
}
