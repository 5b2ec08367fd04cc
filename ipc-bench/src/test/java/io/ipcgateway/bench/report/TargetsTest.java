package io.ipcgateway.bench.report;

import static io.ipcgateway.bench.report.Results.result;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

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
            result("ipc", "rr-32c", 0.5e6, 100_000, List.of(10L, 10L))));

        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("MET").contains("0.9x agrona")
            .contains("0.95x"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("MISSED").contains("20x uds")
            .contains("19.00x"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("MISSED").contains(">= 1M msgs/s")
            .contains("0.50M"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("MET").contains("fairness"));
        assertThat(lines).noneMatch(line -> line.contains("pingpong"));
    }
}
