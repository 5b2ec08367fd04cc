package io.ipcgateway.shm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.OfferResult;
import org.agrona.DirectBuffer;
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
    /** A request type the server receives and never answers, so the request is in flight when it is killed. */
    private static final int HELD = 2;
    /** Slack for a loaded machine on top of a promised bound (a guarantee, not a speed assertion). */
    private static final long SLACK_NS = TimeUnit.SECONDS.toNanos(5);

    @TempDir
    Path dir;

    @Test
    void shouldFailRequestsWithPeerDeadWhenServerIsKilled() throws Exception
    {
        final StringBuilder log = new StringBuilder();
        final Process server = TestProcesses.start(HoldingServerMain.class, List.of(), dir.toString(), "victim");
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

                // In flight: the server has received this request and holds it, unanswered, when it is killed.
                final AtomicLong outcome = new AtomicLong(Long.MIN_VALUE);
                final AtomicLong doneAtNs = new AtomicLong();
                final Thread requester = new Thread(() ->
                {
                    final UnsafeBuffer held = new UnsafeBuffer(new byte[8]);
                    held.putLong(0, 78);
                    final long result = client.request(HELD, held, 0, 8, (t, b, o, l) -> echoed[0] = -1,
                        TimeUnit.SECONDS.toNanos(60));
                    doneAtNs.set(System.nanoTime());
                    outcome.set(result);
                }, "in-flight-request");
                requester.start();
                assertThat(TestProcesses.awaitLine(server, "HELD", log, 60_000)).as(log.toString()).isNotNull();
                final long killedAtNs = System.nanoTime();
                server.destroyForcibly();
                requester.join(TimeUnit.SECONDS.toMillis(90));
                assertThat(requester.isAlive()).as("the in-flight request returned").isFalse();
                assertThat(OfferResult.describe(outcome.get())).isEqualTo("PEER_DEAD");
                final long promisedNs = LIVENESS_NS + ShmConfiguration.HEARTBEAT_INTERVAL_DEFAULT_NS;
                System.out.println("kill to PEER_DEAD: " + TimeUnit.NANOSECONDS.toMillis(doneAtNs.get() - killedAtNs)
                    + " ms");
                assertThat(doneAtNs.get() - killedAtNs)
                    .as("ns from the kill to PEER_DEAD (liveness timeout + one heartbeat interval %d ms, slack %d ms)",
                        TimeUnit.NANOSECONDS.toMillis(promisedNs), TimeUnit.NANOSECONDS.toMillis(SLACK_NS))
                    .isLessThanOrEqualTo(promisedNs + SLACK_NS);
                assertThat(echoed[0]).as("no response arrived").isEqualTo(77);
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

    /**
     * An echo server ({@code dir service}) that holds requests of type {@link #HELD} unanswered and prints
     * {@code HELD <correlationId>} for each; prints {@code READY} once it serves, and runs until it is killed.
     */
    static final class HoldingServerMain
    {
        private HoldingServerMain()
        {
        }

        public static void main(final String[] args) throws Exception
        {
            final EchoHandler echo = new EchoHandler();
            try (ShmServer server = ShmServer.launch(new ServerContext().baseDirectory(Paths.get(args[0]))
                .serviceName(args[1]).idleMode(IdleMode.BLOCK), new ServerHandler()
                {
                    @Override
                    public void onRequest(final ClientSession session, final long correlationId, final int typeId,
                        final DirectBuffer buffer, final int offset, final int length)
                    {
                        if (typeId == HELD)
                        {
                            System.out.println("HELD " + correlationId);
                            System.out.flush();
                        }
                        else
                        {
                            echo.onRequest(session, correlationId, typeId, buffer, offset, length);
                        }
                    }
                }))
            {
                System.out.println("READY " + server.notifierKind());
                System.out.flush();
                Thread.sleep(TimeUnit.MINUTES.toMillis(5));
            }
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
