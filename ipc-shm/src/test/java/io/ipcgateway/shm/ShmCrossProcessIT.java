package io.ipcgateway.shm;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.ipcgateway.shm.notify.Notifiers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Server and clients in separate JVMs, run by failsafe against the packaged jar (so the Java 22 futex layer is
 * used on JDK 22+).
 */
class ShmCrossProcessIT
{
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final StringBuilder log = new StringBuilder();

    @AfterEach
    void cleanUp()
    {
        processes.forEach(TestProcesses::destroy);
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldExchangeMessagesAndRequestsExactlyOnceInOrderWithFutexNotifier() throws Exception
    {
        final Process server = startServer("echo", 1 * MIB, "BLOCK", 16 * MIB, List.of());
        final String ready = TestProcesses.awaitLine(server, "READY", log, 60_000);
        assertThat(ready).as(log.toString()).isNotNull();
        if (Runtime.version().feature() >= 22)
        {
            // Failsafe runs from the packaged multi-release jar: the futex layer must be the one loaded.
            assertThat(ready).as(Notifiers.selectionReport()).contains("notifier=FUTEX");
        }

        final Process client = startClient("echo", 4, 4, 50_000, 5_000, 32, "BLOCK", 64 * 1024, List.of());
        final String result = TestProcesses.awaitLine(client, "CLIENT", log, 150_000);
        assertThat(result).as(log.toString()).startsWith("CLIENT OK clients=4");
        if (Runtime.version().feature() >= 22)
        {
            assertThat(result).contains("notifier=FUTEX");
        }
        assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(client.exitValue()).isZero();

        final String stats = stopServer(server);
        assertThat(stats).as(log.toString())
            .contains("messages=" + 4 * 50_000 + " requests=" + 4 * 5_000)
            .contains("outOfOrder=0")
            .contains("connects=4 disconnects=4")
            .contains("errors=0");
        assertNoFilesLeft();
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldWorkWithUnixSocketFallbackNotifier() throws Exception
    {
        final List<String> fallback = List.of("-D" + Notifiers.NOTIFIER_PROP_NAME + "=unix-socket");
        final Process server = startServer("fallback", 1 * MIB, "BLOCK", 16 * MIB, fallback);
        final String ready = TestProcesses.awaitLine(server, "READY", log, 60_000);
        assertThat(ready).as(log.toString()).contains("notifier=UNIX_SOCKET");

        final Process client = startClient("fallback", 2, 2, 20_000, 5_000, 64, "BLOCK", 64 * 1024, fallback);
        final String result = TestProcesses.awaitLine(client, "CLIENT", log, 150_000);
        assertThat(result).as(log.toString()).startsWith("CLIENT OK clients=2").contains("notifier=UNIX_SOCKET");

        final String stats = stopServer(server);
        assertThat(stats).as(log.toString())
            .contains("messages=" + 2 * 20_000 + " requests=" + 2 * 5_000)
            .contains("outOfOrder=0")
            .contains("errors=0");
        assertNoFilesLeft();
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldConnect512ClientsFromFourProcessesAndExchangeMessages() throws Exception
    {
        final Process server = startServer("many", 256 * 1024, "BLOCK", MIB, List.of());
        assertThat(TestProcesses.awaitLine(server, "READY", log, 60_000)).as(log.toString()).isNotNull();

        final List<Process> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            clients.add(startClient("many", 128, 4, 20, 20, 24, "BLOCK", 4 * 1024, List.of()));
        }
        for (final Process client : clients)
        {
            final String result = TestProcesses.awaitLine(client, "CLIENT", log, 200_000);
            assertThat(result).as(log.toString()).startsWith("CLIENT OK clients=128");
        }

        final String stats = stopServer(server);
        assertThat(stats).as(log.toString())
            .contains("messages=" + 512 * 20 + " requests=" + 512 * 20)
            .contains("outOfOrder=0")
            .contains("connects=512 disconnects=512")
            .contains("errors=0");
        assertNoFilesLeft();
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldFragmentAndReassembleFiveMebibyteMessagesAcrossProcesses() throws Exception
    {
        final Process server = startServer("large", 1 * MIB, "BLOCK", 16 * MIB, List.of());
        assertThat(TestProcesses.awaitLine(server, "READY", log, 60_000)).as(log.toString()).isNotNull();

        final int size = 5 * 1024 * 1024;
        final Process client = startClient("large", 1, 1, 3, 3, size, "BLOCK", 64 * 1024, List.of());
        final String result = TestProcesses.awaitLine(client, "CLIENT", log, 150_000);
        assertThat(result).as(log.toString()).startsWith("CLIENT OK");

        final String stats = stopServer(server);
        assertThat(stats).as(log.toString())
            .contains("messages=3 requests=3")
            .contains("bytes=" + 3L * size)
            .contains("outOfOrder=0")
            .contains("errors=0");
        assertNoFilesLeft();
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldExchangeMessagesWithSpinningEndpoints() throws Exception
    {
        final Process server = startServer("spin", 1 * MIB, "SPIN", 16 * MIB, List.of());
        assertThat(TestProcesses.awaitLine(server, "READY", log, 60_000)).as(log.toString()).contains("null");

        final Process client = startClient("spin", 1, 1, 100_000, 2_000, 32, "SPIN", 64 * 1024, List.of());
        final String result = TestProcesses.awaitLine(client, "CLIENT", log, 150_000);
        assertThat(result).as(log.toString()).startsWith("CLIENT OK");

        final String stats = stopServer(server);
        assertThat(stats).as(log.toString()).contains("messages=100000 requests=2000").contains("outOfOrder=0");
        assertNoFilesLeft();
    }

    private Process startServer(
        final String service, final long ring, final String mode, final long max, final List<String> props)
        throws IOException
    {
        final Process process = TestProcesses.start(TestProcesses.ServerMain.class, props,
            dir.toString(), service, Long.toString(ring), mode, Long.toString(max));
        processes.add(process);
        return process;
    }

    private Process startClient(
        final String service,
        final int clients,
        final int threads,
        final long messages,
        final long requests,
        final int size,
        final String mode,
        final long ring,
        final List<String> props) throws IOException
    {
        final Process process = TestProcesses.start(TestProcesses.ClientMain.class, props,
            dir.toString(), service, Integer.toString(clients), Integer.toString(threads), Long.toString(messages),
            Long.toString(requests), Integer.toString(size), mode, Long.toString(ring));
        processes.add(process);
        return process;
    }

    private String stopServer(final Process server) throws Exception
    {
        final OutputStream stdin = server.getOutputStream();
        stdin.write("stop\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        final String stats = TestProcesses.awaitLine(server, "STATS", log, 60_000);
        assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(server.exitValue()).isZero();
        return stats;
    }

    private void assertNoFilesLeft() throws IOException
    {
        try (Stream<Path> left = Files.walk(dir))
        {
            assertThat(left.filter(path -> !path.equals(dir))).as("files left behind").isEmpty();
        }
    }
}
