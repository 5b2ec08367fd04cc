package io.ipcgateway.shm;

import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.IdleMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One service over its life, with real processes: a second server for a live service is refused naming the
 * owner; the folder of a server killed with SIGKILL is detected as stale on the next start, logged, and reused;
 * after a clean shutdown of every process nothing is left in the base directory.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ServiceLifecycleIT
{
    private static final String SERVER_RING = Long.toString(64 * 1024);

    @TempDir
    Path dir;

    @Test
    void shouldRefuseSecondServerForLiveServiceNamingItsOwner() throws Exception
    {
        final StringBuilder log = new StringBuilder();
        final Process live = TestProcesses.start(TestProcesses.ServerMain.class, List.of(),
            dir.toString(), "taken", SERVER_RING, "BLOCK", Long.toString(1 << 20));
        try
        {
            assertThat(TestProcesses.awaitLine(live, "READY", log, 60_000)).as(log.toString()).isNotNull();
            assertThatThrownBy(() -> ShmServer.launch(new ServerContext().serviceName("taken").baseDirectory(dir),
                new EchoHandler()))
                .isInstanceOf(ChannelFileException.class)
                .hasMessageContaining("service already running: ownerPid=" + live.pid());

            final SecurityProcesses.Result client = SecurityProcesses.run(SecurityProcesses.javaCommand(
                System.getProperty("java.class.path"), SecurityProcesses.ClientMain.class, List.of(),
                dir.toString(), "taken", "100"), 90);
            assertThat(client.exitCode()).as("the live server still serves: " + client.output()).isZero();
            stop(live, log);
        }
        finally
        {
            TestProcesses.destroy(live);
        }
        assertThat(entries(dir)).as("nothing left after a clean shutdown").isEmpty();
    }

    @Test
    void shouldLogStaleServiceOfKilledOwnerAndRecreateIt() throws Exception
    {
        final StringBuilder log = new StringBuilder();
        final Process killed = TestProcesses.start(TestProcesses.ServerMain.class, List.of(),
            dir.toString(), "phoenix", SERVER_RING, "BLOCK", Long.toString(1 << 20));
        final long killedPid = killed.pid();
        try
        {
            assertThat(TestProcesses.awaitLine(killed, "READY", log, 60_000)).as(log.toString()).isNotNull();
            killed.destroyForcibly();
            assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        finally
        {
            TestProcesses.destroy(killed);
        }

        final List<String> warnings = new CopyOnWriteArrayList<>();
        final Logger logger = Logger.getLogger(ServiceDirectory.class.getName());
        final Handler capture = new Handler()
        {
            public void publish(final LogRecord record)
            {
                warnings.add(record.getLevel() + " " + record.getMessage());
            }

            public void flush()
            {
            }

            public void close()
            {
            }
        };
        logger.addHandler(capture);
        try (ShmServer server = ShmServer.launch(new ServerContext().serviceName("phoenix").baseDirectory(dir)
            .idleMode(IdleMode.BLOCK), new EchoHandler()))
        {
            assertThat(warnings).anySatisfy(line -> assertThat(line)
                .startsWith("WARNING replacing stale service of a dead owner")
                .contains("dir=" + dir.resolve("phoenix"))
                .contains("ownerPid=" + killedPid)
                .contains("errors=0"));
            final SecurityProcesses.Result client = SecurityProcesses.run(SecurityProcesses.javaCommand(
                System.getProperty("java.class.path"), SecurityProcesses.ClientMain.class, List.of(),
                dir.toString(), "phoenix", "100"), 90);
            assertThat(client.exitCode()).as(client.output()).isZero();
            ShmClientServerTest.awaitTrue(() -> server.sessionCount() == 0);
        }
        finally
        {
            logger.removeHandler(capture);
        }
        assertThat(entries(dir)).as("nothing left after a clean shutdown").isEmpty();
    }

    @Test
    void shouldLeaveNothingInBaseDirectoryAfterCleanShutdownOfEveryProcess() throws Exception
    {
        final StringBuilder log = new StringBuilder();
        final Process server = TestProcesses.start(TestProcesses.ServerMain.class, List.of(),
            dir.toString(), "tidy", SERVER_RING, "BLOCK", Long.toString(1 << 20));
        try
        {
            assertThat(TestProcesses.awaitLine(server, "READY", log, 60_000)).as(log.toString()).isNotNull();
            try (ShmClient inProcess = ShmClient.connect(new ClientContext().serviceName("tidy").baseDirectory(dir)))
            {
                assertThat(inProcess.isConnected()).isTrue();
                for (int i = 0; i < 2; i++)
                {
                    final SecurityProcesses.Result client = SecurityProcesses.run(SecurityProcesses.javaCommand(
                        System.getProperty("java.class.path"), SecurityProcesses.ClientMain.class, List.of(),
                        dir.toString(), "tidy", "200"), 90);
                    assertThat(client.exitCode()).as(client.output()).isZero();
                }
            }
            stop(server, log);
        }
        finally
        {
            TestProcesses.destroy(server);
        }
        assertThat(entries(dir)).as("nothing left after a clean shutdown").isEmpty();
    }

    private static void stop(final Process server, final StringBuilder log) throws Exception
    {
        final OutputStreamWriter stdin = new OutputStreamWriter(server.getOutputStream(), StandardCharsets.UTF_8);
        stdin.write("stop\n");
        stdin.flush();
        assertThat(TestProcesses.awaitLine(server, "STATS", log, 60_000)).as(log.toString()).isNotNull();
        assertThat(server.waitFor(60, TimeUnit.SECONDS)).as(log.toString()).isTrue();
        assertThat(server.exitValue()).as(log.toString()).isZero();
    }

    private static List<Path> entries(final Path root) throws Exception
    {
        try (Stream<Path> tree = Files.walk(root))
        {
            return tree.filter(path -> !path.equals(root)).toList();
        }
    }
}
