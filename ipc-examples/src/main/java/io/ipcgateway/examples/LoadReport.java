package io.ipcgateway.examples;

import io.ipcgateway.core.IdleMode;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
    private static final ObjectMapper JSON = new ObjectMapper();

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
     * The figures as one flat JSON object, indented, written by Jackson; latencies in microseconds, decimals
     * rounded to three places, and NaN (which JSON cannot hold) written as {@code null}.
     *
     * @return the JSON text, ending with a line break.
     */
    public String toJson()
    {
        final ObjectNode json = JSON.createObjectNode()
            .put("service", service)
            .put("mode", mode.cliName())
            .put("idle", idle.name().toLowerCase(Locale.ROOT))
            .put("clients", clients)
            .put("messageSize", size)
            .put("messagesSent", sent)
            .put("messagesConfirmed", confirmed)
            .put("messagesMissing", missing())
            .put("complete", complete());
        decimal(json, "elapsedSeconds", elapsedNanos / 1e9);
        decimal(json, "messagesPerSecond", messagesPerSecond());
        decimal(json, "megabytesPerSecond", megabytesPerSecond());
        json.put("latencyMeasures", mode.latencyMeaning())
            .put("latencySamples", latency.count());
        decimal(json, "latencyP50Micros", LatencySummary.micros(latency.p50Nanos()));
        decimal(json, "latencyP90Micros", LatencySummary.micros(latency.p90Nanos()));
        decimal(json, "latencyP99Micros", LatencySummary.micros(latency.p99Nanos()));
        decimal(json, "latencyP999Micros", LatencySummary.micros(latency.p999Nanos()));
        decimal(json, "latencyMaxMicros", LatencySummary.micros(latency.maxNanos()));
        decimal(json, "fairness", fairness.ratio());
        json.put("slowestClientCompletions", fairness.slowest())
            .put("medianClientCompletions", fairness.median())
            .put("fastestClientCompletions", fairness.fastest());
        if (failure != null)
        {
            json.put("failure", failure);
        }
        try
        {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n";
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException("a tree of plain values always serializes", ex);
        }
    }

    private static void decimal(final ObjectNode json, final String name, final double value)
    {
        if (Double.isNaN(value) || Double.isInfinite(value))
        {
            json.putNull(name);
        }
        else
        {
            json.put(name, BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP).doubleValue());
        }
    }
}
