package io.ipcgateway.resilience.shared;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class SharedStateRaceIT
{
    private static final int PROCESSES = 3;

    @TempDir
    Path temp;

    @Test
    void shouldLetExactlyOneProcessCreateWhenSeveralRaceToOpenTheSameFile() throws Exception
    {
        final Path dir = temp.resolve("state");
        final List<ChildJvm> children = new ArrayList<>();
        try
        {
            // Every child starts its JVM first, then all open at one instant.
            final long startAt = System.currentTimeMillis() + 4_000;
            for (int i = 0; i < PROCESSES; i++)
            {
                children.add(ChildJvm.start(SharedStateRaceMain.class, dir.toString(), "race",
                    Long.toString(startAt)));
            }
            int creators = 0;
            for (final ChildJvm child : children)
            {
                final String result = child.await("RESULT", 60_000);
                assertThat(result).as(child.output()).contains("marker=4242");
                if (result.contains("creator=true"))
                {
                    creators++;
                }
                assertThat(child.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(child.process().exitValue()).as(child.output()).isZero();
            }
            assertThat(creators).isEqualTo(1);

            final SharedStateOptions options = SharedStateOptions.builder().baseDirectory(dir).build();
            try (SharedStateFile file = SharedStateFile.openOrCreate(
                options, SharedStateKind.RATE_LIMITER, "race", 64, 77L, body -> { }))
            {
                assertThat(file.isCreator()).isFalse();
                assertThat(file.buffer().getLongVolatile(8)).isEqualTo(PROCESSES);
            }
        }
        finally
        {
            for (final ChildJvm child : children)
            {
                child.close();
            }
        }
    }
}
