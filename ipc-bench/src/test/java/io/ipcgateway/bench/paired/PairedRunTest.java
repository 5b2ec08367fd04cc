package io.ipcgateway.bench.paired;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.ipcgateway.bench.load.LoadRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Short real paired runs in this JVM, over real files under {@code /dev/shm}: every phase moves messages, the order
 * alternates, nothing is left behind. Speed is never asserted here.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PairedRunTest
{
    private static final long PHASE_NS = TimeUnit.MILLISECONDS.toNanos(50);

    private final List<String> progress = new ArrayList<>();

    @Test
    void shouldCountTheMessagesOfEveryProducerWhenSeveralSendOneWay() throws Exception
    {
        final List<Path> before = runDirs();

        final PairedResult result = PairedRun.execute(
            new PairedSpec(List.of("ipc", "agrona"), false, 32, 2, 1, PHASE_NS, 4), progress::add);

        assertThat(result.phases()).hasSize(4).allSatisfy(phase -> assertThat(phase.msgsPerSec()).isPositive());
        assertThat(result.format()).contains("oneway, 32 B, 4 producers, 2 rounds of 50 ms");
        assertThatThrownBy(() -> PairedSpec.parse(List.of("--mode", "pingpong", "--producers", "2")))
            .hasMessageContaining("--producers");
        assertThat(runDirs()).isEqualTo(before);
    }

    @Test
    void shouldMeasureEveryTransportInEveryRoundOneWayAlternatingTheOrder() throws Exception
    {
        final List<Path> before = runDirs();

        final PairedResult result = PairedRun.execute(
            new PairedSpec(List.of("ipc", "agrona"), false, 32, 2, 1, PHASE_NS), progress::add);

        assertThat(result.phases()).extracting(PairedResult.Phase::transport)
            .containsExactly("ipc", "agrona", "agrona", "ipc");
        assertThat(result.phases()).allSatisfy(phase ->
        {
            assertThat(phase.msgsPerSec()).isPositive();
            assertThat(phase.p50Us()).isNaN();
        });
        assertThat(result.ratios("agrona")).hasSize(2);
        assertThat(java.util.Arrays.stream(result.ratios("agrona")).min().orElseThrow()).isPositive();
        assertThat(progress).hasSize(3).first().asString().startsWith("warm-up");
        assertThat(result.format())
            .contains("oneway, 32 B, 2 rounds of 50 ms")
            .contains("agrona / ipc msgs/s per round: median");
        assertThat(runDirs()).isEqualTo(before);
    }

    @Test
    void shouldMeasureRoundTripsOfThreeTransports() throws Exception
    {
        final PairedResult result = PairedRun.execute(
            new PairedSpec(List.of("ipc", "agrona", "uds"), true, 64, 1, 0, PHASE_NS), progress::add);

        assertThat(result.phases()).extracting(PairedResult.Phase::transport)
            .containsExactly("ipc", "agrona", "uds");
        assertThat(result.phases()).allSatisfy(phase ->
        {
            assertThat(phase.msgsPerSec()).isPositive();
            assertThat(phase.p50Us()).isPositive().isLessThanOrEqualTo(phase.p99Us());
        });
        assertThat(result.format()).contains("uds / ipc p50 per round").contains("p99");
    }

    @Test
    void shouldTakeRatiosRoundByRoundAndMedians()
    {
        final PairedSpec spec = new PairedSpec(List.of("ipc", "agrona"), false, 32, 3, 0, PHASE_NS);
        final PairedResult result = new PairedResult(spec, List.of(
            new PairedResult.Phase(0, "ipc", 10, Double.NaN, Double.NaN),
            new PairedResult.Phase(0, "agrona", 20, Double.NaN, Double.NaN),
            new PairedResult.Phase(1, "agrona", 10, Double.NaN, Double.NaN),
            new PairedResult.Phase(1, "ipc", 40, Double.NaN, Double.NaN),
            new PairedResult.Phase(2, "ipc", 30, Double.NaN, Double.NaN),
            new PairedResult.Phase(2, "agrona", 30, Double.NaN, Double.NaN)));

        assertThat(result.perRound("ipc", PairedResult.Phase::msgsPerSec)).containsExactly(10, 40, 30);
        assertThat(result.ratios("agrona")).containsExactly(2.0, 0.25, 1.0);
        assertThat(PairedResult.median(result.ratios("agrona"))).isEqualTo(1.0);
        assertThat(PairedResult.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(result.format()).contains("agrona / ipc msgs/s per round: median 1.000, [0.250 - 2.000]");
    }

    @Test
    void shouldRefuseBadOptionsNamingThem()
    {
        assertThatThrownBy(() -> PairedSpec.parse(List.of("--transports", "ipc")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--transports needs two or more");
        assertThatThrownBy(() -> PairedSpec.parse(List.of("--transports", "ipc,zmq")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown transport zmq");
        assertThatThrownBy(() -> PairedSpec.parse(List.of("--mode", "rr")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--mode must be oneway or pingpong");
        assertThatThrownBy(() -> PairedSpec.parse(List.of("--warmup-rounds", "x")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--warmup-rounds");
        assertThatThrownBy(() -> PairedSpec.parse(List.of("--phase", "1ms")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--phase must be at least 10ms");
        assertThatThrownBy(() -> PairedSpec.parse(List.of("--bogus", "1")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--bogus");
        final PairedSpec defaults = PairedSpec.parse(List.of());
        assertThat(defaults.transports()).containsExactly("ipc", "agrona");
        assertThat(defaults.pingPong()).isFalse();
        assertThat(defaults.rounds()).isEqualTo(30);
        assertThat(defaults.phaseNs()).isEqualTo(PairedSpec.DEFAULT_PHASE_NS);
    }

    private static List<Path> runDirs() throws IOException
    {
        try (Stream<Path> paths = Files.list(LoadRun.SHM_ROOT))
        {
            // This JVM's run folders only: other builds on the machine run harnesses (and name folders) too.
            final String ours = LoadRun.RUN_DIR_PREFIX + ProcessHandle.current().pid() + "-";
            return paths.filter(path -> path.getFileName().toString().startsWith(ours)).sorted().toList();
        }
    }
}
