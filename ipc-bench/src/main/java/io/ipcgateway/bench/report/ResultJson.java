package io.ipcgateway.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.ipcgateway.bench.load.RunResult;

/**
 * The JSON report: {@code {"schema": "ipc-bench/1", "machine": {...}, "repeats": K, "results": [...]}}, one
 * result object per transport and workload, with the fields documented in {@code docs/performance.md}.
 */
public final class ResultJson
{
    /** Identifies the layout of the report; bump when a field changes meaning. */
    public static final String SCHEMA = "ipc-bench/1";

    private ResultJson()
    {
    }

    /**
     * Build the report.
     *
     * @param results one per transport and workload.
     * @param repeats how many repetitions each result is the median of.
     * @return the JSON text.
     */
    public static String write(final List<RunResult> results, final int repeats)
    {
        return write(results, Machine.describe(), repeats);
    }

    /**
     * Build the report with a machine description taken earlier (at the start of the run).
     *
     * @param results one per transport and workload.
     * @param machine from {@link Machine#describe()}.
     * @param repeats how many repetitions each result is the median of.
     * @return the JSON text.
     */
    public static String write(final List<RunResult> results, final Map<String, Object> machine, final int repeats)
    {
        final Map<String, Object> root = new LinkedHashMap<>();
        root.put("schema", SCHEMA);
        root.put("machine", machine);
        root.put("repeats", repeats);
        root.put("results", results.stream().map(ResultJson::toMap).toList());
        return Json.write(root);
    }

    /**
     * Read the results back from a report.
     *
     * @param text the JSON text made by {@link #write(List, int)}.
     * @return the results.
     * @throws IllegalArgumentException when the text is not such a report.
     */
    public static List<RunResult> read(final String text)
    {
        if (!(Json.read(text) instanceof Map<?, ?> root) || !SCHEMA.equals(root.get("schema")))
        {
            throw new IllegalArgumentException("not an " + SCHEMA + " report");
        }
        final List<RunResult> results = new ArrayList<>();
        for (final Object item : (List<?>)root.get("results"))
        {
            results.add(fromMap((Map<?, ?>)item));
        }
        return results;
    }

    /**
     * The number of repetitions a report's results are medians of.
     *
     * @param text the JSON text made by {@link #write(List, int)}.
     * @return the repetitions, 1 when absent.
     */
    public static int repeats(final String text)
    {
        final Object repeats = ((Map<?, ?>)Json.read(text)).get("repeats");
        return repeats instanceof Number number ? number.intValue() : 1;
    }

    /**
     * The machine and time a report's run came from, as {@link Machine#describe()} gave them then.
     *
     * @param text the JSON text made by {@link #write(List, int)}.
     * @return the description; empty when the report has none.
     */
    public static Map<String, Object> machine(final String text)
    {
        final Map<String, Object> machine = new LinkedHashMap<>();
        if (((Map<?, ?>)Json.read(text)).get("machine") instanceof Map<?, ?> saved)
        {
            saved.forEach((key, value) -> machine.put(String.valueOf(key), value));
        }
        return machine;
    }

    static Map<String, Object> toMap(final RunResult r)
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("transport", r.transport());
        map.put("workload", r.workload());
        map.put("mode", r.mode());
        map.put("idle", r.idle());
        map.put("size_bytes", r.sizeBytes());
        map.put("clients", r.clients());
        map.put("duration_s", r.durationS());
        map.put("msgs_per_sec", r.msgsPerSec());
        map.put("min_msgs_per_sec", r.minMsgsPerSec());
        map.put("p50_us", r.p50Us());
        map.put("p90_us", r.p90Us());
        map.put("p99_us", r.p99Us());
        map.put("p999_us", r.p999Us());
        map.put("max_us", r.maxUs());
        map.put("mean_us", r.meanUs());
        map.put("samples", r.samples());
        map.put("idle_cpu_pct", r.idleCpuPct());
        map.put("fairness", r.fairness());
        map.put("fairness_flagged", r.unfair());
        map.put("slowest_to_busiest", slowestToBusiest(r.perClient()));
        map.put("per_client", r.perClient());
        map.put("shm_bytes", r.shmBytes());
        map.put("rss_server_kb", r.rssServerKb());
        map.put("rss_clients_kb", r.rssClientsKb());
        map.put("histogram", r.histogram());
        return map;
    }

    static RunResult fromMap(final Map<?, ?> m)
    {
        return new RunResult(
            (String)m.get("transport"),
            (String)m.get("workload"),
            (String)m.get("mode"),
            (String)m.get("idle"),
            (int)number(m, "size_bytes"),
            (int)number(m, "clients"),
            number(m, "duration_s"),
            number(m, "msgs_per_sec"),
            // Reports written before the field existed: their median is all that is known.
            m.containsKey("min_msgs_per_sec") ? number(m, "min_msgs_per_sec") : number(m, "msgs_per_sec"),
            number(m, "p50_us"),
            number(m, "p90_us"),
            number(m, "p99_us"),
            number(m, "p999_us"),
            number(m, "max_us"),
            number(m, "mean_us"),
            (long)number(m, "samples"),
            number(m, "idle_cpu_pct"),
            number(m, "fairness"),
            longs(m.get("per_client")),
            (long)number(m, "shm_bytes"),
            (long)number(m, "rss_server_kb"),
            longs(m.get("rss_clients_kb")),
            (String)m.get("histogram"));
    }

    /**
     * The slowest client's completions divided by the busiest client's: catches one client monopolising the
     * machine, which min/median fairness misses when most clients are starved alike.
     *
     * @param perClient completions of each client.
     * @return the ratio, or {@code NaN} for fewer than two clients or when nobody completed anything.
     */
    static double slowestToBusiest(final List<Long> perClient)
    {
        if (perClient.size() < 2)
        {
            return Double.NaN;
        }
        final long min = perClient.stream().mapToLong(Long::longValue).min().orElse(0);
        final long max = perClient.stream().mapToLong(Long::longValue).max().orElse(0);
        return max == 0 ? Double.NaN : (double)min / max;
    }

    private static double number(final Map<?, ?> map, final String key)
    {
        final Object value = map.get(key);
        return value == null ? Double.NaN : ((Number)value).doubleValue();
    }

    private static List<Long> longs(final Object list)
    {
        return ((List<?>)list).stream().map(item -> ((Number)item).longValue()).toList();
    }
}
