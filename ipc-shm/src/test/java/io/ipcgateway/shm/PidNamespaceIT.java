package io.ipcgateway.shm;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.core.PeerDeadException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Peers in another pid namespace, as in a container: their pids mean nothing here, so liveness rests on the
 * heartbeat. Each peer runs in a JVM under {@code unshare --pid --fork --mount-proc} (needs root or
 * CAP_SYS_ADMIN; skipped with a message otherwise).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PidNamespaceIT
{
    private static final List<String> UNSHARE =
        List.of("unshare", "--pid", "--fork", "--mount-proc", "--kill-child=SIGKILL");
    private static final String SERVICE = "contained";

    @TempDir
    Path dir;

    @BeforeAll
    static void requireUnshare() throws Exception
    {
        int exit;
        try
        {
            final List<String> command = new ArrayList<>(UNSHARE);
            command.add("true");
            final Process probe = new ProcessBuilder(command).redirectErrorStream(true).start();
            exit = probe.waitFor(30, TimeUnit.SECONDS) ? probe.exitValue() : -1;
        }
        catch (final java.io.IOException ex)
        {
            exit = -1;
        }
        RequiredEnvironment.require(exit == 0,
            "'unshare --pid --fork --mount-proc' is not permitted here (needs root or CAP_SYS_ADMIN and util-linux)");
    }

    @Test
    void shouldServeClientsOfAnotherPidNamespaceAndFreeTheSessionOfOneKilledThere() throws Exception
    {
        final List<Throwable> reported = Collections.synchronizedList(new ArrayList<>());
        try (ShmServer server = ShmServer.launch(new ServerContext().serviceName(SERVICE).baseDirectory(dir)
            .idleMode(IdleMode.BLOCK).livenessTimeoutNs(TimeUnit.MILLISECONDS.toNanos(500))
            .errorHandler(reported::add), new EchoHandler()))
        {
            final StringBuilder log = new StringBuilder();
            final Process load = TestProcesses.startWrapped(UNSHARE, TestProcesses.ClientMain.class, List.of(),
                dir.toString(), SERVICE, "2", "2", "2000", "2000", "32", "BLOCK", Long.toString(64 * 1024));
            try
            {
                assertThat(TestProcesses.awaitLine(load, "CLIENT", log, 120_000)).as(log.toString())
                    .startsWith("CLIENT OK");
                assertThat(load.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(load.exitValue()).isZero();
            }
            finally
            {
                TestProcesses.destroy(load);
            }

            final Process holder = TestProcesses.startWrapped(UNSHARE, TestProcesses.HoldMain.class, List.of(),
                dir.toString(), SERVICE);
            try
            {
                final String connected = TestProcesses.awaitLine(holder, "CONNECTED", log, 60_000);
                assertThat(connected).as(log.toString()).isNotNull();
                final Path clientFile = Paths.get(connected.substring("CONNECTED ".length()));
                try (ChannelFile file = ChannelFile.open(clientFile, ChannelDescriptor.TYPE_CLIENT))
                {
                    // Really another namespace: there the client is pid 1 (or close), here a different process.
                    assertThat(file.ownerPidNamespace()).isNotZero().isNotEqualTo(ProcessInfo.pidNamespace());
                }
                assertThat(server.sessionCount()).isEqualTo(1);

                holder.destroyForcibly(); // unshare dies, --kill-child sends SIGKILL to the JVM inside
                assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while ((server.sessionCount() != 0 || clientFile.toFile().exists()) &&
                    System.nanoTime() - deadlineNs < 0)
                {
                    Thread.sleep(10);
                }
                assertThat(server.sessionCount()).isZero();
                assertThat(clientFile).doesNotExist();
                synchronized (reported)
                {
                    assertThat(reported).anySatisfy(ex -> assertThat(ex).isInstanceOf(PeerDeadException.class)
                        .hasMessageContaining("client died"));
                }
            }
            finally
            {
                TestProcesses.destroy(holder);
            }
        }
    }

    @Test
    void shouldConnectToServerOfAnotherPidNamespaceAndNoticeItsDeathByHeartbeat() throws Exception
    {
        final StringBuilder log = new StringBuilder();
        final Process server = TestProcesses.startWrapped(UNSHARE, TestProcesses.ServerMain.class, List.of(),
            dir.toString(), SERVICE, Long.toString(64 * 1024), "BLOCK", Long.toString(1 << 20));
        // The idle server sleeps up to 1 s between heartbeats (maxSleep): the timeout must exceed that.
        try (ShmClient client = ShmClient.connect(new ClientContext().serviceName(SERVICE).baseDirectory(dir)
            .idleMode(IdleMode.BLOCK).livenessTimeoutNs(TimeUnit.SECONDS.toNanos(2)).reconnect(false)))
        {
            assertThat(TestProcesses.awaitLine(server, "READY", log, 60_000)).as(log.toString()).isNotNull();
            final UnsafeBuffer request = new UnsafeBuffer(new byte[8]);
            final long[] echoed = new long[1];
            for (int i = 1; i <= 1000; i++)
            {
                request.putLong(0, i);
                assertThat(client.request(1, request, 0, 8, (t, b, o, l) -> echoed[0] = b.getLong(o),
                    TimeUnit.SECONDS.toNanos(10))).isEqualTo(OfferResult.OK);
                assertThat(echoed[0]).isEqualTo(i);
            }
            // Idle for longer than the liveness timeout: a live server of another namespace must not look dead.
            Thread.sleep(3_000);
            assertThat(client.isConnected()).isTrue();

            server.destroyForcibly();
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(OfferResult.describe(client.request(1, request, 0, 8, (t, b, o, l) -> { },
                TimeUnit.SECONDS.toNanos(60)))).isEqualTo("PEER_DEAD");
        }
        finally
        {
            TestProcesses.destroy(server);
        }
    }
}
