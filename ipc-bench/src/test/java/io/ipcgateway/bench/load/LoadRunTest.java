package io.ipcgateway.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.ipcgateway.bench.transport.AgronaTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Short real runs: a server JVM and client JVMs per run. Figures are checked for presence and sanity only; speed
 * is never asserted here.
 */
class LoadRunTest
{
    private final List<String> progress = new ArrayList<>();

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldCountOneWayMessagesOfEveryProducerOverUnixSockets() throws Exception
    {
        final Set<Path> before = runDirs();

        final RunResult result = LoadRun.execute(spec("uds", "oneway", 2, "spin"), progress::add);

        assertThat(result.transport()).isEqualTo("uds");
        assertThat(result.msgsPerSec()).isPositive();
        assertThat(result.perClient()).hasSize(2).allSatisfy(count -> assertThat(count).isPositive());
        assertThat(result.samples()).isPositive();
        assertThat(result.p50Us()).isPositive().isLessThanOrEqualTo(result.p99Us());
        assertThat(result.p99Us()).isLessThanOrEqualTo(result.p999Us());
        assertThat(result.p999Us()).isLessThanOrEqualTo(result.maxUs());
        assertThat(result.fairness()).isBetween(0.0, 1.0);
        assertThat(result.rssServerKb()).isPositive();
        assertThat(result.rssClientsKb()).hasSize(2).allSatisfy(kb -> assertThat(kb).isPositive());
        assertThat(runDirs()).isEqualTo(before);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldMeasureRequestResponseAndIdleCpuOverRawAgronaRings() throws Exception
    {
        final Set<Path> before = runDirs();

        final RunResult result = LoadRun.execute(spec("agrona", "rr", 2, "block"), progress::add);

        assertThat(result.msgsPerSec()).isPositive();
        assertThat(result.perClient()).hasSize(2).allSatisfy(count -> assertThat(count).isPositive());
        assertThat(result.samples()).isEqualTo(result.perClient().stream().mapToLong(Long::longValue).sum());
        assertThat(result.idleCpuPct()).isBetween(0.0, 200.0);
        assertThat(result.shmBytes()).isGreaterThan(2L * AgronaTransport.REPLY_CAPACITY);
        assertThat(runDirs()).isEqualTo(before);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldPingPongOverAeronIpcWithEmbeddedDriver() throws Exception
    {
        final Set<Path> before = runDirs();

        final RunResult result = LoadRun.execute(spec("aeron", "pingpong", 1, "spin"), progress::add);

        assertThat(result.msgsPerSec()).isPositive();
        assertThat(result.samples()).isPositive();
        assertThat(result.fairness()).isNaN();
        assertThat(result.idleCpuPct()).isNaN();
        assertThat(result.shmBytes()).isPositive();
        assertThat(runDirs()).isEqualTo(before);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRunRequestResponseOverOurTransportAndMeasureItsIdleCpu() throws Exception
    {
        final Set<Path> before = runDirs();

        final RunResult result = LoadRun.execute(spec("ipc", "rr", 2, "block"), progress::add);

        assertThat(result.transport()).isEqualTo("ipc");
        assertThat(result.perClient()).hasSize(2).allSatisfy(count -> assertThat(count).isPositive());
        assertThat(result.samples()).isEqualTo(result.perClient().stream().mapToLong(Long::longValue).sum());
        assertThat(result.idleCpuPct()).isBetween(0.0, 200.0);
        assertThat(result.shmBytes()).isPositive();
        assertThat(runDirs()).isEqualTo(before);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldRunRequestResponseOverChronicleQueueInJvmsOfItsOwn() throws Exception
    {
        final Set<Path> before = runDirs();

        final RunResult result = LoadRun.execute(spec("chronicle", "rr", 2, "block"), progress::add);

        assertThat(result.transport()).isEqualTo("chronicle");
        assertThat(result.perClient()).hasSize(2).allSatisfy(count -> assertThat(count).isPositive());
        assertThat(result.samples()).isEqualTo(result.perClient().stream().mapToLong(Long::longValue).sum());
        assertThat(result.shmBytes()).isPositive();
        assertThat(runDirs()).isEqualTo(before);
    }

    @Test
    void shouldTellRunFoldersOfDeadHarnessesFromLiveOnes()
    {
        final long self = ProcessHandle.current().pid();

        assertThat(LoadRun.isStale(LoadRun.RUN_DIR_PREFIX + self + "-123")).isFalse();
        assertThat(LoadRun.isStale(LoadRun.RUN_DIR_PREFIX + Long.MAX_VALUE + "-123")).isTrue();
        assertThat(LoadRun.isStale(LoadRun.RUN_DIR_PREFIX + "12345678901234567890")).isFalse();
        assertThat(LoadRun.isStale("notifier-bench-1-2")).isFalse();
    }

    private static RunSpec spec(final String transport, final String mode, final int clients, final String idle)
    {
        return RunSpec.parse(List.of("--transport", transport, "--mode", mode, "--clients", Integer.toString(clients),
            "--idle", idle, "--warmup", "300ms", "--duration", "1s", "--idle-window", "500ms"), new ArrayList<>());
    }

    private static Set<Path> runDirs() throws IOException
    {
        try (Stream<Path> paths = Files.list(LoadRun.SHM_ROOT))
        {
            // This JVM's run folders only: other builds on the machine run harnesses (and name folders) too.
            final String ours = LoadRun.RUN_DIR_PREFIX + ProcessHandle.current().pid() + "-";
            return paths.filter(path -> path.getFileName().toString().startsWith(ours))
                .collect(Collectors.toSet());
        }
    }
}
