package io.ipcgateway.examples;

import io.ipcgateway.core.IdleMode;

import java.util.Locale;

/**
 * The figures of one load run: what was sent and confirmed, throughput, latency percentiles and fairness.
 * <p>
 * The same figures are printed for people ({@link #toText()}) and written for programs ({@link #toJson()}).
 *
 * @param service      the service the run loaded.
 * @param mode         one-way or request/response.
 * @param idle         how the client threads waited.
 * @param clients      how many client threads ran.
 * @param size         payload bytes per message.
 * @param sent         messages offered successfully.
 * @param confirmed    messages confirmed: responses received (rr) or the server's count (oneway).
 * @param elapsedNanos the time from the first send to the last completion.
 * @param latency      the latency percentiles.
 * @param fairness     how evenly the clients were served.
 * @param failure      why the run stopped early or could not confirm its messages, or {@code null}.
 */
public record LoadReport(
    String service,
    LoadMode mode,
    IdleMode idle,
    int clients,
    int size,
    long sent,
    long confirmed,
    long elapsedNanos,
    LatencySummary latency,
    Fairness fairness,
    String failure)
{
    /**
     * How many messages were sent but not confirmed.
     *
     * @return zero on a clean run; negative if the server counted more than this client sent.
     */
    public long missing()
    {
        return sent - confirmed;
    }

    /**
     * Whether every message sent was confirmed, nothing more, and nothing failed.
     *
     * @return {@code true} on a clean run.
     */
    public boolean complete()
    {
        return missing() == 0 && failure == null;
    }

    /**
     * Messages confirmed per second.
     *
     * @return the rate, or 0 when no time elapsed.
     */
    public double messagesPerSecond()
    {
        return elapsedNanos <= 0 ? 0 : confirmed * 1e9 / elapsedNanos;
    }

    /**
     * Payload megabytes (10^6 bytes) confirmed per second, one direction.
     *
     * @return the rate, or 0 when no time elapsed.
     */
    public double megabytesPerSecond()
    {
        return messagesPerSecond() * size / 1e6;
    }

    /**
     * The figures for a person, several lines, each ending with a line break.
     *
     * @return the text.
     */
    public String toText()
    {
        final StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "%s %s: %d client%s, %d-byte messages, idle %s%n", service,
            mode.cliName(), clients, clients == 1 ? "" : "s", size, idle.name().toLowerCase(Locale.ROOT)));
        text.append(String.format(Locale.ROOT, "  messages    %d sent, %d confirmed %s, %d missing%n", sent,
            confirmed, mode == LoadMode.RR ? "by responses" : "by the server's count", missing()));
        text.append(String.format(Locale.ROOT, "  elapsed     %.3f s%n", elapsedNanos / 1e9));
        text.append(String.format(Locale.ROOT, "  throughput  %,.0f msg/s, %.1f MB/s of payload%n",
            messagesPerSecond(), megabytesPerSecond()));
        text.append(String.format(Locale.ROOT,
            "  latency     %s in us: p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  (%d samples)%n",
            mode.latencyMeaning(), LatencySummary.micros(latency.p50Nanos()),
            LatencySummary.micros(latency.p90Nanos()), LatencySummary.micros(latency.p99Nanos()),
            LatencySummary.micros(latency.p999Nanos()), LatencySummary.micros(latency.maxNanos()),
            latency.count()));
        if (clients > 1)
        {
            text.append(String.format(Locale.ROOT,
                "  fairness    %.2f (completions per client: slowest %d, median %d, fastest %d)%n",
                fairness.ratio(), fairness.slowest(), fairness.median(), fairness.fastest()));
        }
        if (failure != null)
        {
            text.append("  failure     ").append(failure).append(System.lineSeparator());
        }
        return text.toString();
    }

    /**
     * The figures as one flat JSON object; latencies in microseconds.
     *
     * @return the JSON text, ending with a line break.
     */
    public String toJson()
    {
        final JsonObjectWriter json = new JsonObjectWriter()
            .field("service", service)
            .field("mode", mode.cliName())
            .field("idle", idle.name().toLowerCase(Locale.ROOT))
            .field("clients", clients)
            .field("messageSize", size)
            .field("messagesSent", sent)
            .field("messagesConfirmed", confirmed)
            .field("messagesMissing", missing())
            .field("complete", complete())
            .field("elapsedSeconds", elapsedNanos / 1e9)
            .field("messagesPerSecond", messagesPerSecond())
            .field("megabytesPerSecond", megabytesPerSecond())
            .field("latencyMeasures", mode.latencyMeaning())
            .field("latencySamples", latency.count())
            .field("latencyP50Micros", LatencySummary.micros(latency.p50Nanos()))
            .field("latencyP90Micros", LatencySummary.micros(latency.p90Nanos()))
            .field("latencyP99Micros", LatencySummary.micros(latency.p99Nanos()))
            .field("latencyP999Micros", LatencySummary.micros(latency.p999Nanos()))
            .field("latencyMaxMicros", LatencySummary.micros(latency.maxNanos()))
            .field("fairness", fairness.ratio())
            .field("slowestClientCompletions", fairness.slowest())
            .field("medianClientCompletions", fairness.median())
            .field("fastestClientCompletions", fairness.fastest());
        if (failure != null)
        {
            json.field("failure", failure);
        }
        return json + "\n";
    }
}
