package io.ipcgateway.shm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server in a real child JVM that is sent SIGTERM, with no shutdown hook of the application's: its folder is gone
 * when the process has exited, unless the application opted out of {@link ServerContext#closeOnShutdown}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServerShutdownIT
{
    @TempDir
    Path dir;

    @Test
    void shouldDeleteServiceFolderWhenServerIsStoppedBySigterm() throws Exception
    {
        final StringBuilder log = new StringBuilder();
        final Process server = TestProcesses.start(ShutdownServerMain.class, List.of(), dir.toString(), "term");
        try
        {
            assertThat(TestProcesses.awaitLine(server, "READY", log, 60_000)).as(log.toString()).isNotNull();
            assertThat(dir.resolve("term").resolve("server.ipc")).exists();

            server.destroy();   // SIGTERM on Linux

            assertThat(server.waitFor(30, TimeUnit.SECONDS)).as(log.toString()).isTrue();
            assertThat(server.exitValue()).as("killed by SIGTERM after the hooks ran").isEqualTo(143);
            assertThat(Files.exists(dir.resolve("term"))).as("service folder after SIGTERM").isFalse();
        }
        finally
        {
            TestProcesses.destroy(server);
        }
    }

    @Test
    void shouldLeaveServiceFolderOnSigtermWhenCloseOnShutdownIsOff() throws Exception
    {
        final StringBuilder log = new StringBuilder();
        final Process server = TestProcesses.start(ShutdownServerMain.class,
            List.of("-D" + ShmConfiguration.CLOSE_ON_SHUTDOWN_PROP_NAME + "=false"), dir.toString(), "kept");
        try
        {
            assertThat(TestProcesses.awaitLine(server, "READY", log, 60_000)).as(log.toString()).isNotNull();

            server.destroy();

            assertThat(server.waitFor(30, TimeUnit.SECONDS)).as(log.toString()).isTrue();
            assertThat(dir.resolve("kept").resolve("server.ipc")).as("left for the next server to remove").exists();
        }
        finally
        {
            TestProcesses.destroy(server);
        }
    }
}
