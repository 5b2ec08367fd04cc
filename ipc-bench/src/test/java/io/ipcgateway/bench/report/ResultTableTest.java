package io.ipcgateway.bench.report;

import static io.ipcgateway.bench.report.Results.result;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class ResultTableTest
{
    @Test
    void shouldShowEachPeersRatioToOursInTheSameWorkload()
    {
        final String table = ResultTable.format(List.of(
            result("ipc", "rr-32c", 1.0e6, 20_000, List.of(10L, 10L)),
            result("agrona", "rr-32c", 2.0e6, 40_000, List.of(10L, 10L))));

        final String agronaRow = table.lines().filter(line -> line.contains("agrona")).findFirst().orElseThrow();
        assertThat(agronaRow).contains("2.00M").contains("2.00x");
        final String oursRow = table.lines().filter(line -> line.contains(" ipc ")).findFirst().orElseThrow();
        assertThat(oursRow).contains("1.00M").doesNotContain("x ");
    }

    @Test
    void shouldFlagFairnessBelowOneHalf()
    {
        final String table = ResultTable.format(List.of(
            result("agrona", "rr-32c", 5.0e6, 10_000, List.of(6L, 1000L, 1000L))));

        assertThat(table).contains("0.01!").contains("fairness below 0.5");
    }

    @Test
    void shouldFormatRatesWithSuffixes()
    {
        assertThat(ResultTable.rate(25_300_000)).isEqualTo("25.30M");
        assertThat(ResultTable.rate(8_100)).isEqualTo("8.1k");
        assertThat(ResultTable.rate(12)).isEqualTo("12");
    }
}
