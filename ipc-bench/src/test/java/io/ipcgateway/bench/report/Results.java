package io.ipcgateway.bench.report;

import java.util.List;

import io.ipcgateway.bench.load.Histograms;
import io.ipcgateway.bench.load.RunResult;
import org.HdrHistogram.Histogram;

/**
 * Results with known figures for report tests.
 */
final class Results
{
    private Results()
    {
    }

    static RunResult result(final String transport, final String workload, final double msgsPerSec,
        final long latencyNs, final List<Long> perClient)
    {
        final Histogram histogram = Histograms.newHistogram();
        for (int i = 1; i <= 1000; i++)
        {
            histogram.recordValue(latencyNs * i / 100);
        }
        return new RunResult(transport, workload, "rr", "block", 32, perClient.size(), 1.5, msgsPerSec, msgsPerSec,
            histogram.getValueAtPercentile(50) / 1000.0, histogram.getValueAtPercentile(90) / 1000.0,
            histogram.getValueAtPercentile(99) / 1000.0, histogram.getValueAtPercentile(99.9) / 1000.0,
            histogram.getMaxValue() / 1000.0, histogram.getMean() / 1000.0, histogram.getTotalCount(),
            Double.NaN, io.ipcgateway.bench.load.Fairness.of(perClient.stream().mapToLong(Long::longValue).toArray()),
            perClient, 4096, 50_000, List.of(40_000L, 41_000L), Histograms.encode(histogram));
    }
}
