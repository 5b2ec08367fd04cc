package io.ipcgateway.examples;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DemoIT
{
    private static final Pattern CHILD_PID = Pattern.compile("JVM started: pid (\\d+)");

    private Path dir;

    @BeforeEach
    void createDir() throws Exception
    {
        dir = ItFiles.newSharedMemoryDir("ipc-demo-it-");
    }

    @AfterEach
    void deleteDir() throws Exception
    {
        ItFiles.deleteRecursively(dir);
    }

    @Test
    void shouldRunBothModesPrintATableAndLeaveNothingBehind() throws Exception
    {
        try (RunningMain demo = RunningMain.runToEnd("demo", DemoMain.class, List.of(
            "--dir", dir.toString(), "--duration", "1s", "--clients", "2"), 150, TimeUnit.SECONDS))
        {
            assertThat(demo.exitCode()).as("demo exit code; output:%n%s", demo.output()).isZero();
            assertThat(demo.output())
                .contains("[1/4]", "[2/4]", "[3/4]", "[4/4]")
                .containsPattern("\\|\\s+oneway\\s+\\d+\\s+[\\d,]+")
                .containsPattern("\\|\\s+rr\\s+\\d+\\s+[\\d,]+")
                .contains("The server removed its files")
                .contains("was removed");
            final List<Long> pids = StartedPids.in(CHILD_PID, demo.output());
            assertThat(pids).hasSize(3);
            StartedPids.assertGone(pids);
        }
        assertThat(ItFiles.contents(dir)).isEmpty();
    }

    @Test
    void shouldCleanUpWhenStoppedInTheMiddle() throws Exception
    {
        try (RunningMain demo = RunningMain.start("demo", DemoMain.class, List.of(
            "--dir", dir.toString(), "--duration", "20s", "--clients", "1"), "[2/4]"))
        {
            assertThat(demo.awaitMarker(60, TimeUnit.SECONDS)).as("demo reached step 2; output:%n%s", demo.output())
                .isTrue();
            Thread.sleep(1_000);

            assertThat(demo.stop()).as("demo exited after SIGTERM; output:%n%s", demo.output()).isTrue();

            assertThat(demo.output()).as("demo exit code %d", demo.exitCode())
                .contains("Interrupted: stopping the child JVMs");
            final List<Long> pids = StartedPids.in(CHILD_PID, demo.output());
            assertThat(pids).isNotEmpty();
            StartedPids.assertGone(pids);
        }
        assertThat(ItFiles.contents(dir)).isEmpty();
    }
}
