package io.ipcgateway.bench.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A short real {@code bench mixed-jdk}: four pairings of server and client JVMs on JDK 17 and JDK 25. Checks that
 * every pairing produced figures and the negotiated notifiers; the rates and ratios are never asserted (speed is
 * not a unit-test matter).
 */
class MixedJdkRunTest
{
    private final List<String> progress = new ArrayList<>();

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void shouldReportRatesNotifiersAndRatiosForEveryPairing() throws Exception
    {
        assumeTrue(Files.isExecutable(Path.of(MixedJdkSpec.DEFAULT_OLD_JDK, "bin", "java"))
            && Files.isExecutable(Path.of(MixedJdkSpec.DEFAULT_NEW_JDK, "bin", "java")), "needs JDK 17 and JDK 25");
        final MixedJdkSpec spec = MixedJdkSpec.parse(List.of("--warmup", "300ms", "--duration", "700ms",
            "--repeat", "1"));

        final List<MixedJdkRun.Row> rows = MixedJdkRun.execute(spec, progress::add);

        assertThat(rows).extracting(MixedJdkRun.Row::pairing).containsExactly(MixedJdkRun.Pairing.values());
        assertThat(rows).allSatisfy(row ->
        {
            assertThat(row.ratePerSec()).as("%s", row).isPositive();
            assertThat(row.p50Us()).as("%s", row).isPositive().isLessThanOrEqualTo(row.p99Us());
            assertThat(row.rounds()).isEqualTo(1);
            assertThat(row.serverInbox()).as("%s", row).isIn("FUTEX", "UNIX_SOCKET");
            assertThat(row.clientInbox()).as("%s", row).isIn("FUTEX", "UNIX_SOCKET");
        });
        assertThat(rows).filteredOn(row -> row.pairing().mixed()).hasSize(2).allSatisfy(row ->
        {
            assertThat(row.serverInbox()).as("a mixed pairing sleeps where both can signal: %s", row)
                .isEqualTo("UNIX_SOCKET");
            assertThat(row.clientInbox()).as("%s", row).isEqualTo("UNIX_SOCKET");
        });
        final String table = MixedJdkRun.format(spec, rows);
        assertThat(table).contains("new server, old client", "old server, new client", "same JDK, new",
            "same JDK, old", "x same-new", "x same-old", "target: >= 0.5");
        assertThat(MixedJdkRun.ratio(rows, MixedJdkRun.Pairing.NEW_SERVER_OLD_CLIENT, MixedJdkRun.Pairing.SAME_NEW))
            .isPositive().isFinite();
    }

    @Test
    void shouldRefuseAJdkHomeWithoutJava()
    {
        assertThatThrownBy(() -> MixedJdkSpec.parse(List.of("--old-jdk", "/nonexistent/jdk")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("--old-jdk must name a JDK home or its bin/java")
            .hasMessageContaining("/nonexistent/jdk is not an executable java");
    }

    @Test
    void shouldRefuseAnUnknownOption()
    {
        assertThatThrownBy(() -> MixedJdkSpec.parse(List.of("--jdk", "17")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("Unknown option")
            .hasMessageContaining("'--jdk'")
            .hasMessageContaining("(see 'ipc bench mixed-jdk --help')");
    }
}
