package io.ipcgateway.bench.report;

import static io.ipcgateway.bench.report.Results.result;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.ipcgateway.bench.load.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkdownReportTest
{
    private final List<RunResult> results = List.of(
        result("ipc", "rr-32c", 1.0e6, 20_000, List.of(10L, 10L)),
        result("uds", "rr-32c", 0.5e6, 40_000, List.of(1L, 10L)));

    @Test
    void shouldRenderOneTableRowPerResultWithRatiosAndFlags()
    {
        final String section = MarkdownReport.render(results, Machine.describe(), "bin/ipc bench compare --quick", 1);

        assertThat(section).startsWith(MarkdownReport.START).endsWith(MarkdownReport.END + "\n");
        assertThat(section.lines().filter(line -> line.startsWith("| rr-32c"))).hasSize(2);
        assertThat(section).contains("| rr-32c | **ipc** |").contains("| rr-32c | uds | 500.0k | 0.50x |")
            .contains("0.18 !").contains("`bin/ipc bench compare --quick`").doesNotContain("Slowest");
    }

    @Test
    void shouldReplaceOnlyTheGeneratedSection(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("performance.md");
        Files.writeString(file, "# Title\n\nbefore\n" + MarkdownReport.START + "\nold\n" + MarkdownReport.END +
            "\nafter\n");

        MarkdownReport.write(file, MarkdownReport.render(results, Machine.describe(), "compare", 3));

        final String text = Files.readString(file);
        assertThat(text).startsWith("# Title\n\nbefore\n" + MarkdownReport.START).endsWith(MarkdownReport.END +
            "\nafter\n").doesNotContain("\nold\n").contains("3 repetitions, medians")
            .contains("Slowest of 3 repetitions / median, msgs/s:\nrr-32c               ipc 1.00 uds 1.00\n");
    }
}
