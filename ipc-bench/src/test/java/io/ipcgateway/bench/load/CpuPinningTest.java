package io.ipcgateway.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class CpuPinningTest
{
    @Test
    void shouldParseServerAndClientCpuLists()
    {
        final CpuPinning pinning = CpuPinning.parse("0/1-3,5");

        assertThat(pinning.isPinned()).isTrue();
        assertThat(pinning.launcherPrefix(true)).containsExactly("taskset", "-c", "0");
        assertThat(pinning.launcherPrefix(false)).containsExactly("taskset", "-c", "1-3,5");
        assertThat(pinning.describe()).isEqualTo("server on CPUs 0, clients on CPUs 1-3,5");
    }

    @Test
    void shouldLeaveChildrenUnpinnedByDefault()
    {
        final CpuPinning pinning = CpuPinning.parse(null);

        assertThat(pinning).isSameAs(CpuPinning.NONE);
        assertThat(pinning.isPinned()).isFalse();
        assertThat(pinning.launcherPrefix(true)).isEmpty();
        assertThat(pinning.describe()).isEqualTo("unpinned");
    }

    @Test
    void shouldRefuseAnythingButTwoCpuListsNamingTheOption()
    {
        for (final String bad : List.of("0", "0/1/2", "a/1", "0/", "/1", "0;1/2", "-1/2"))
        {
            assertThatThrownBy(() -> CpuPinning.parse(bad)).as(bad)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--pin")
                .hasMessageContaining("SERVER_CPUS/CLIENT_CPUS")
                .hasMessageContaining(bad);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldStartAChildJvmAllowedOnlyTheGivenCpus(@TempDir final Path dir) throws Exception
    {
        try (ChildProcess child = ChildProcess.start("server", "child-server",
            List.of("--transport", "uds", "--dir", dir.toString()), CpuPinning.parse("0/0").launcherPrefix(true)))
        {
            child.await("READY", TimeUnit.SECONDS.toNanos(20));

            assertThat(Files.readAllLines(Path.of("/proc", Long.toString(child.pid()), "status")))
                .contains("Cpus_allowed_list:\t0");
        }
    }
}
