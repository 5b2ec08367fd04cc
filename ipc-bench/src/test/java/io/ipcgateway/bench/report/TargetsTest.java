package io.ipcgateway.bench.report;

import static io.ipcgateway.bench.report.Results.result;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.ipcgateway.bench.load.RunResult;
import org.junit.jupiter.api.Test;

class TargetsTest
{
    @Test
    void shouldSayWhichTargetsAreMetAndByHowMuch()
    {
        final List<String> lines = Targets.check(List.of(
            result("ipc", "oneway-32B-1p", 19e6, 1_000, List.of(1L)),
            result("agrona", "oneway-32B-1p", 20e6, 1_000, List.of(1L)),
            result("uds", "oneway-32B-1p", 1e6, 1_000, List.of(1L)),
            result("ipc", "rr-32c", 0.5e6, 100_000, List.of(10L, 10L))), 1);

        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("MET").contains("0.9x agrona")
            .contains("0.95x"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("MISSED").contains("20x uds")
            .contains("19.00x"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("MISSED").contains(">= 1M msgs/s")
            .contains("0.50M"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("MET").contains("fairness"));
        assertThat(lines).noneMatch(line -> line.contains("pingpong"));
        assertThat(lines).as("one run says nothing about stability").noneMatch(line -> line.contains("slowest"));
    }

    @Test
    void shouldCheckTheSlowestRepetitionAgainstTheMedian()
    {
        final RunResult steady = Compare.median(List.of(rr(1.4e6), rr(1.2e6), rr(1.1e6), rr(1.3e6), rr(0.7e6)));
        final RunResult collapsed = Compare.median(List.of(rr(1.4e6), rr(1.2e6), rr(8e3)));

        assertThat(Targets.check(List.of(steady), 5)).anySatisfy(line -> assertThat(line).startsWith("MET")
            .contains("slowest of 5 >= 0.5x median").contains("0.58x"));
        assertThat(Targets.check(List.of(collapsed), 3)).anySatisfy(line -> assertThat(line).startsWith("MISSED")
            .contains("slowest of 3 >= 0.5x median").contains("0.01x"));
    }

    private static RunResult rr(final double msgsPerSec)
    {
        return result("ipc", "rr-32c", msgsPerSec, 10_000, List.of(10L, 10L));
    }
}
