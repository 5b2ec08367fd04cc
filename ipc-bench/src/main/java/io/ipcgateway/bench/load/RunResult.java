package io.ipcgateway.bench.load;

import java.util.List;

/**
 * The figures of one run of one transport; one object of the JSON report (see {@code docs/performance.md}).
 *
 * @param transport    transport name.
 * @param workload     workload label.
 * @param mode         traffic pattern.
 * @param idle         {@code spin} or {@code block}.
 * @param sizeBytes    message size.
 * @param clients      number of clients.
 * @param durationS    measured seconds.
 * @param msgsPerSec   one-way: messages received by the server per second; otherwise round trips per second.
 * @param minMsgsPerSec the lowest {@code msgsPerSec} among the repetitions this result is the median of (its own
 *                     {@code msgsPerSec} for a single run): how far one run can fall.
 * @param p50Us        median latency in microseconds (one way for one-way runs, else round trip).
 * @param p90Us        90th percentile.
 * @param p99Us        99th percentile.
 * @param p999Us       99.9th percentile.
 * @param maxUs        largest latency.
 * @param meanUs       mean latency.
 * @param samples      latencies recorded.
 * @param idleCpuPct   CPU of the idle server JVM in percent of one core, or {@code NaN} when not measured.
 * @param fairness     slowest client's completions / median client's, or {@code NaN} for one client.
 * @param perClient    completions (sent messages for one-way) of each client in the window.
 * @param shmBytes     bytes of the shared-memory files the transport created.
 * @param rssServerKb  resident size of the server JVM at the end of the window.
 * @param rssClientsKb resident size of each client JVM.
 * @param histogram    the merged latency histogram (nanoseconds), HdrHistogram compressed and Base64.
 */
public record RunResult(
    String transport,
    String workload,
    String mode,
    String idle,
    int sizeBytes,
    int clients,
    double durationS,
    double msgsPerSec,
    double minMsgsPerSec,
    double p50Us,
    double p90Us,
    double p99Us,
    double p999Us,
    double maxUs,
    double meanUs,
    long samples,
    double idleCpuPct,
    double fairness,
    List<Long> perClient,
    long shmBytes,
    long rssServerKb,
    List<Long> rssClientsKb,
    String histogram)
{
    /**
     * Whether the fairness figure is below {@link Fairness#FLAG_BELOW} and so flagged.
     *
     * @return true when flagged.
     */
    public boolean unfair()
    {
        return !Double.isNaN(fairness) && fairness < Fairness.FLAG_BELOW;
    }

    /**
     * The slowest repetition's throughput against the median's.
     *
     * @return {@code minMsgsPerSec / msgsPerSec}, 1 for a single run, {@code NaN} when nothing got through.
     */
    public double slowestToMedian()
    {
        return msgsPerSec > 0 ? minMsgsPerSec / msgsPerSec : Double.NaN;
    }
}
