package io.ipcgateway.bench.report;

import static io.ipcgateway.bench.report.Results.result;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.ipcgateway.bench.load.Histograms;
import io.ipcgateway.bench.load.RunResult;
import org.junit.jupiter.api.Test;

class CompareTest
{
    @Test
    void shouldTakeTheMedianOfEachFigureAndMergeHistograms()
    {
        final RunResult slow = result("uds", "rr-32c", 1e5, 90_000, List.of(1L, 1L));
        final RunResult middle = result("uds", "rr-32c", 2e5, 60_000, List.of(2L, 2L));
        final RunResult fast = result("uds", "rr-32c", 3e5, 30_000, List.of(3L, 3L));

        final RunResult median = Compare.median(List.of(fast, slow, middle));

        assertThat(median.msgsPerSec()).isEqualTo(2e5);
        assertThat(median.minMsgsPerSec()).isEqualTo(1e5);
        assertThat(median.slowestToMedian()).isEqualTo(0.5);
        assertThat(Compare.median(List.of(median, fast)).minMsgsPerSec())
            .as("a median of medians keeps the slowest run of all").isEqualTo(1e5);
        assertThat(median.p50Us()).isEqualTo(middle.p50Us());
        assertThat(median.perClient()).containsExactly(2L, 2L);
        assertThat(Histograms.decode(median.histogram()).getTotalCount()).isEqualTo(3 * middle.samples());
    }

    @Test
    void shouldCoverTheWorkloadsTheIssueAsksFor()
    {
        assertThat(Workload.STANDARD).extracting(Workload::name)
            .containsExactly("oneway-32B-1p", "oneway-32B-32p", "pingpong-spin", "pingpong-block", "rr-32c");
        assertThat(Workload.STANDARD.get(3).idleCpu()).isTrue();
        assertThat(Workload.STANDARD.get(3).intervalNs()).isPositive();
    }
}
