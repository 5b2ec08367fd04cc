package io.ipcgateway.shm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Garbage in a running service's inbox ring or trailer is reported as a corruption naming file and offset, and the
 * server keeps serving (bounds checks on: see {@link InboxCorruptionIT} for the same with them off).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InboxCorruptionTest
{
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @FieldSource("io.ipcgateway.shm.InboxCorruptionScenarios#NAMES")
    void shouldReportCorruptionNamingFileAndOffsetAndKeepServing(final String scenario)
    {
        try (InboxCorruptionScenarios scenarios = new InboxCorruptionScenarios(dir))
        {
            scenarios.run(scenario);
        }
    }

    /**
     * Twenty more seeds of random garbage over a fresh service each. One in about twenty runs of the fixed seed used
     * to leave a zero-length record at the head with garbage in its gap, which the unblock waited on for good.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21})
    void shouldKeepServingAfterRandomGarbage(final long seed) throws Exception
    {
        final Path serviceDir = Files.createTempDirectory(dir, "seed");
        try (InboxCorruptionScenarios scenarios = new InboxCorruptionScenarios(serviceDir))
        {
            scenarios.runRandomGarbage(seed);
        }
    }
}
