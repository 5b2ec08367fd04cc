package io.ipcgateway.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChildJvmTest
{
    private static final long READY_TIMEOUT = TimeUnit.SECONDS.toNanos(20);

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

    @Test
    void shouldRunTheChildWithThisJvmsJavaFlagsAndClassPath()
    {
        final List<String> command = ChildJvm.command("a.Main", List.of("--x", "1"));

        assertThat(command.get(0)).endsWith("java");
        assertThat(command).containsSubsequence("--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "a.Main", "--x", "1");
    }

    @Test
    void shouldStopAReadyChildWithSigtermSoItsShutdownHookRuns(@TempDir final Path dir) throws Exception
    {
        final Path marker = dir.resolve("hook-ran");
        try (ChildJvm child = ChildJvm.start("kid", TestChildMain.class, List.of("ready", marker.toString()),
            "READY", out))
        {
            assertThat(child.awaitReady(READY_TIMEOUT)).isTrue();

            assertThat(child.stop(TimeUnit.SECONDS.toNanos(20))).isTrue();

            assertThat(child.isAlive()).isFalse();
            assertThat(marker).hasContent("hook ran");
            assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("  kid | child READY to be stopped")
                .contains("  kid | shutdown hook ran");
        }
    }

    @Test
    void shouldKillAChildThatDoesNotExitAfterSigterm()
    {
        try (ChildJvm child = ChildJvm.start("kid", TestChildMain.class, List.of("stubborn"), "READY", out))
        {
            assertThat(child.awaitReady(READY_TIMEOUT)).isTrue();

            assertThat(child.stop(TimeUnit.MILLISECONDS.toNanos(500))).isFalse();

            assertThat(child.isAlive()).isFalse();
        }
        catch (final InterruptedException ex)
        {
            throw new AssertionError(ex);
        }
    }

    @Test
    void shouldStopWaitingForReadyWhenTheChildExits() throws Exception
    {
        try (ChildJvm child = ChildJvm.start("kid", TestChildMain.class, List.of("exit", "3"), "READY", out))
        {
            final long start = System.nanoTime();

            assertThat(child.awaitReady(TimeUnit.SECONDS.toNanos(50))).isFalse();
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(40));
            assertThat(child.awaitExit(READY_TIMEOUT)).isTrue();
            assertThat(child.exitCode()).isEqualTo(3);
            assertThat(output.toString(StandardCharsets.UTF_8)).contains("  kid | exiting with 3");
        }
    }
}
