package io.ipcgateway.bench.nats;

import java.util.List;
import java.util.Locale;

/**
 * The figures of one {@code bench nats-direct} run.
 *
 * @param spec              what ran.
 * @param perClient         requests each client completed inside the measured window.
 * @param errors            requests that timed out or failed inside the window (not in {@code perClient}).
 * @param windowNs          the measured window as it really lasted.
 * @param p50Ns             median round trip.
 * @param p99Ns             99th percentile round trip.
 * @param clientCpuCores    CPU time of the client JVM over the window, in cores (1.0 = one core busy).
 * @param responderCpuCores CPU of the responder JVM over the window, in cores, or -1 when unknown.
 * @param serverCpuCores    CPU of the nats-server over the window, in cores, or -1 when it was not started here.
 */
public record NatsDirectResult(NatsDirectSpec spec, List<Long> perClient, long errors, long windowNs, long p50Ns,
    long p99Ns, double clientCpuCores, double responderCpuCores, double serverCpuCores)
{
    /**
     * Copies the per-client list.
     */
    public NatsDirectResult
    {
        perClient = List.copyOf(perClient);
    }

    /**
     * Requests completed in the window by all clients.
     *
     * @return the sum of {@link #perClient()}.
     */
    public long requests()
    {
        return perClient.stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Completed requests per second over the window.
     *
     * @return requests/s.
     */
    public double requestsPerSecond()
    {
        return requests() * 1e9 / windowNs;
    }

    /**
     * How evenly the clients were served: the fewest completions of a client over the mean.
     *
     * @return min/mean in [0, 1], 0 when nothing completed.
     */
    public double fairness()
    {
        final long min = perClient.stream().mapToLong(Long::longValue).min().orElse(0);
        final double mean = requests() / (double)perClient.size();
        return mean == 0 ? 0 : min / mean;
    }

    /**
     * A Markdown table of one row, with the columns of docs' gateway notes.
     *
     * @return the table.
     */
    public String format()
    {
        final String header = "| clients | connections | requests/s | p50 | p99 | fairness (min/mean) | client CPU |" +
            " responder CPU | nats-server CPU | errors |\n" +
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
        return header + String.format(Locale.ROOT, "| %d | %d (%s) | %.1fk | %s | %s | %.2f | %s | %s | %s | %d |%n",
            spec.clients(), spec.connections(), spec.shared() ? "shared" : "a connection each",
            requestsPerSecond() / 1000, micros(p50Ns), micros(p99Ns), fairness(), cores(clientCpuCores),
            cores(responderCpuCores), cores(serverCpuCores), errors);
    }

    private static String micros(final long ns)
    {
        return ns >= 1_000_000 ? String.format(Locale.ROOT, "%.2f ms", ns / 1e6)
            : String.format(Locale.ROOT, "%d us", Math.round(ns / 1e3));
    }

    private static String cores(final double cores)
    {
        return cores < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f cores", cores);
    }
}
