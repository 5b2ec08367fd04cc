package io.ipcgateway.shm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.OfferResult;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A peer killed with SIGKILL (no goodbye): the survivor notices from the stale heartbeat and the vanished process.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PeerDeathIT
{
    private static final long LIVENESS_NS = TimeUnit.MILLISECONDS.toNanos(300);

    @TempDir
    Path dir;

    @Test
    void shouldFailRequestsWithPeerDeadWhenServerIsKilled() throws Exception
    {
        final StringBuilder log = new StringBuilder();
        final Process server = TestProcesses.start(TestProcesses.ServerMain.class, List.of(),
            dir.toString(), "victim", Long.toString(64 * 1024), "BLOCK", Long.toString(1 << 20));
        try
        {
            assertThat(TestProcesses.awaitLine(server, "READY", log, 60_000)).as(log.toString()).isNotNull();
            try (ShmClient client = ShmClient.connect(new ClientContext().serviceName("victim").baseDirectory(dir)
                .idleMode(IdleMode.BLOCK).livenessTimeoutNs(LIVENESS_NS)))
            {
                final UnsafeBuffer request = new UnsafeBuffer(new byte[8]);
                final long[] echoed = new long[1];
                request.putLong(0, 77);
                assertThat(client.request(1, request, 0, 8, (t, b, o, l) -> echoed[0] = b.getLong(o),
                    TimeUnit.SECONDS.toNanos(10))).isEqualTo(OfferResult.OK);
                assertThat(echoed[0]).isEqualTo(77);

                server.destroyForcibly();
                assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();

                final long result = client.request(1, request, 0, 8, (t, b, o, l) -> echoed[0] = -1,
                    TimeUnit.SECONDS.toNanos(60));
                assertThat(OfferResult.describe(result)).isEqualTo("PEER_DEAD");
                assertThat(client.isConnected()).isFalse();
                assertThat(client.offer(1, request, 0, 8)).isEqualTo(OfferResult.PEER_DEAD);
            }
        }
        finally
        {
            TestProcesses.destroy(server);
        }
    }

    @Test
    void shouldFreeSessionOfKilledClientAndDeleteItsFile() throws Exception
    {
        final EchoHandler handler = new EchoHandler();
        try (ShmServer server = ShmServer.launch(new ServerContext().serviceName("host").baseDirectory(dir)
            .idleMode(IdleMode.BLOCK).livenessTimeoutNs(LIVENESS_NS).errorHandler(ex -> { }), handler))
        {
            final StringBuilder log = new StringBuilder();
            final Process client = TestProcesses.start(TestProcesses.HoldMain.class, List.of(),
                dir.toString(), "host");
            try
            {
                final String connected = TestProcesses.awaitLine(client, "CONNECTED", log, 60_000);
                assertThat(connected).as(log.toString()).isNotNull();
                final Path clientFile = Paths.get(connected.substring("CONNECTED ".length()));
                assertThat(server.sessionCount()).isEqualTo(1);

                client.destroyForcibly();
                assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();

                ShmClientServerTest.awaitValue(handler.disconnects, 1);
                assertThat(server.sessionCount()).isZero();
                assertThat(Files.exists(clientFile)).isFalse();
            }
            finally
            {
                TestProcesses.destroy(client);
            }
        }
    }

    @Test
    void shouldReplaceServerFileLeftByKilledServer() throws Exception
    {
        final StringBuilder log = new StringBuilder();
        final Process killed = TestProcesses.start(TestProcesses.ServerMain.class, List.of(),
            dir.toString(), "phoenix", Long.toString(64 * 1024), "BLOCK", Long.toString(1 << 20));
        try
        {
            assertThat(TestProcesses.awaitLine(killed, "READY", log, 60_000)).as(log.toString()).isNotNull();
            killed.destroyForcibly();
            assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(dir.resolve("phoenix").resolve(ServiceDirectory.SERVER_FILE_NAME)).exists();
        }
        finally
        {
            TestProcesses.destroy(killed);
        }

        try (ShmServer server = ShmServer.launch(new ServerContext().serviceName("phoenix").baseDirectory(dir)
            .idleMode(IdleMode.BLOCK), new EchoHandler());
            ShmClient client = ShmClient.connect(new ClientContext().serviceName("phoenix").baseDirectory(dir)))
        {
            assertThat(server.sessionCount()).isEqualTo(1);
            assertThat(client.isConnected()).isTrue();
        }
    }
}
