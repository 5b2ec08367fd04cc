package io.ipcgateway.shm;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

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
}
