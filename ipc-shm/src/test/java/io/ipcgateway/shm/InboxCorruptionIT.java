package io.ipcgateway.shm;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@link InboxCorruptionScenarios} scenario in a JVM started with {@code -Dagrona.disable.bounds.checks=true}:
 * there a read or write outside the ring would not throw but crash the JVM (or corrupt its heap), so the child
 * finishing every scenario and exiting 0 proves the reader never leaves the ring on garbage.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InboxCorruptionIT
{
    @TempDir
    Path dir;

    @Test
    void shouldSurviveInboxGarbageWithAgronaBoundsChecksDisabled() throws Exception
    {
        final Process child = TestProcesses.start(ScenariosMain.class,
            List.of("-Dagrona.disable.bounds.checks=true"), dir.toString());
        try
        {
            final StringBuilder log = new StringBuilder();
            final String done = TestProcesses.awaitLine(child, "ALL SCENARIOS", log, 240_000);
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as(log.toString()).isTrue();
            assertThat(done).as(log.toString()).isEqualTo("ALL SCENARIOS OK " + InboxCorruptionScenarios.NAMES.size());
            assertThat(child.exitValue()).as(log.toString()).isZero();
        }
        finally
        {
            TestProcesses.destroy(child);
        }
    }

    /**
     * Runs every scenario in a fresh service ({@code dir}); prints one line per scenario, then
     * {@code ALL SCENARIOS OK <n>} or {@code ALL SCENARIOS FAILED <n>}.
     */
    static final class ScenariosMain
    {
        private ScenariosMain()
        {
        }

        public static void main(final String[] args)
        {
            if (!Boolean.getBoolean("agrona.disable.bounds.checks"))
            {
                throw new IllegalStateException("run with -Dagrona.disable.bounds.checks=true");
            }
            int passed = 0;
            int failed = 0;
            for (final String name : InboxCorruptionScenarios.NAMES)
            {
                final Path dir = Paths.get(args[0], name);
                try (InboxCorruptionScenarios scenarios = new InboxCorruptionScenarios(dir))
                {
                    try
                    {
                        scenarios.run(name);
                        passed++;
                        System.out.println("SCENARIO OK " + name);
                    }
                    catch (final AssertionError | RuntimeException ex)
                    {
                        failed++;
                        System.out.println("SCENARIO FAILED " + name + ": " + ex);
                        scenarios.describeReports(line -> System.out.println("  reported: " + line));
                    }
                }
                System.out.flush();
            }
            System.out.println(failed == 0 ? "ALL SCENARIOS OK " + passed : "ALL SCENARIOS FAILED " + failed);
            System.out.flush();
            System.exit(failed == 0 ? 0 : 1);
        }
    }
}
