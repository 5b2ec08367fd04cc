package io.ipcgateway.bench.report;

import static io.ipcgateway.bench.report.Results.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import io.ipcgateway.bench.load.RunResult;
import org.junit.jupiter.api.Test;

class ResultJsonTest
{
    @Test
    void shouldReadBackWhatItWrote()
    {
        final List<RunResult> results = List.of(
            result("ipc", "rr-32c", 1.25e6, 20_000, List.of(10L, 12L, 11L)),
            result("uds", "rr-32c", 2.9e5, 90_000, List.of(3L)));

        final String text = ResultJson.write(results, 3);
        final List<RunResult> read = ResultJson.read(text);

        assertThat(read).hasSize(2);
        assertThat(ResultJson.repeats(text)).isEqualTo(3);
        assertThat(read.get(0)).isEqualTo(results.get(0));
        assertThat(read.get(1).fairness()).isNaN();
        assertThat(read.get(1).idleCpuPct()).isNaN();
        assertThat(read.get(1).perClient()).containsExactly(3L);
    }

    @Test
    void shouldKeepTheSlowestRepetitionAndReadOlderReportsWithoutIt()
    {
        final RunResult median = Compare.median(List.of(
            result("ipc", "rr-32c", 2e6, 20_000, List.of(10L, 12L)),
            result("ipc", "rr-32c", 8e3, 20_000, List.of(10L, 12L)),
            result("ipc", "rr-32c", 1.9e6, 20_000, List.of(10L, 12L))));

        final String text = ResultJson.write(List.of(median), 3);
        assertThat(ResultJson.read(text).get(0).minMsgsPerSec()).isEqualTo(8e3);

        final String older = text.replaceAll("\"min_msgs_per_sec\": [0-9.E]+,", "");
        assertThat(older).doesNotContain("min_msgs_per_sec");
        assertThat(ResultJson.read(older).get(0).minMsgsPerSec()).isEqualTo(1.9e6);
    }

    @Test
    void shouldKeepTheRunsMachineAndTimeSoThatAReportRendersThemAsTheyWere()
    {
        final Map<String, Object> then = new java.util.LinkedHashMap<>(Machine.describe());
        then.put("time_utc", "2026-01-02T03:04:05Z");
        final String text = ResultJson.write(List.of(result("ipc", "rr-32c", 1e6, 20_000, List.of(5L, 4L))), then, 3);

        final Map<String, Object> machine = ResultJson.machine(text);

        assertThat(machine).containsEntry("time_utc", "2026-01-02T03:04:05Z").containsKeys("cpu", "cores", "jvm");
        assertThat(MarkdownReport.render(ResultJson.read(text), machine, "bin/ipc bench report --json x", 3))
            .contains("Run 2026-01-02T03:04:05Z with `bin/ipc bench report --json x`");
        assertThat(ResultJson.machine("{\"schema\":\"ipc-bench/1\",\"results\":[]}")).isEmpty();
    }

    @Test
    void shouldHoldEveryDocumentedFieldInEachResult()
    {
        final String text = ResultJson.write(List.of(result("ipc", "rr-32c", 1e6, 20_000, List.of(5L, 4L))), 1);

        final Map<?, ?> root = (Map<?, ?>)Json.read(text);
        assertThat(root.get("schema")).isEqualTo(ResultJson.SCHEMA);
        assertThat(root.get("machine")).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        final Map<String, Object> first = (Map<String, Object>)((List<?>)root.get("results")).get(0);
        assertThat(first.keySet()).contains("transport", "workload", "msgs_per_sec", "min_msgs_per_sec", "p50_us",
            "p99_us", "p999_us", "max_us", "idle_cpu_pct", "fairness", "shm_bytes", "rss_server_kb", "per_client",
            "histogram");
        assertThat(first.get("idle_cpu_pct")).isNull();
        assertThat((Double)first.get("slowest_to_busiest")).isEqualTo(0.8);
        assertThat((Double)first.get("fairness")).isEqualTo(4 / 4.5);
    }

    @Test
    void shouldWriteNotANumberAsNullAndWholeDoublesWithoutAFraction()
    {
        final Map<String, Object> values = new java.util.LinkedHashMap<>();
        values.put("nan", Double.NaN);
        values.put("whole", 5.0);
        values.put("fraction", 0.25);
        values.put("list", List.of(1L, 2L));

        final String text = Json.write(values);

        assertThat(text).isEqualTo("{\n  \"nan\": null,\n  \"whole\": 5,\n  \"fraction\": 0.25,\n"
            + "  \"list\": [ 1, 2 ]\n}\n");
        @SuppressWarnings("unchecked")
        final Map<String, Object> read = (Map<String, Object>)Json.read(text);
        assertThat(read).containsEntry("nan", null).containsEntry("fraction", 0.25);
    }

    @Test
    void shouldEscapeStringsAndRefuseBrokenJson()
    {
        final String text = Json.write(Map.of("name", "a \"quoted\"\n\\ name"));

        assertThat(((Map<?, ?>)Json.read(text)).get("name")).isEqualTo("a \"quoted\"\n\\ name");
        assertThatThrownBy(() -> Json.read("{\"a\": [1, 2}")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("invalid JSON at line 1, column ");
        assertThatThrownBy(() -> ResultJson.read("{\"schema\": \"other\"}")).hasMessageContaining("ipc-bench/1");
    }
}
