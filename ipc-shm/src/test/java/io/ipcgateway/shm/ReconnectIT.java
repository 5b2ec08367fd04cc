package io.ipcgateway.shm;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import io.ipcgateway.core.CorruptionException;
import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.OfferResult;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients reconnect by themselves when their service comes back, after a SIGKILL or a clean stop of the server JVM,
 * also when they never poll (send-only), and after dropping a server whose file was truncated under them; with
 * reconnect off they stay disconnected.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReconnectIT
{
    private static final long LIVENESS_NS = TimeUnit.MILLISECONDS.toNanos(300);
    private static final long RECONNECT_NS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final String SERVICE = "phoenix";

    @TempDir
    Path dir;

    private final UnsafeBuffer message = new UnsafeBuffer(new byte[8]);

    @Test
    @SuppressWarnings("try") // The clients are closed before the server stops, so it counts their disconnects.
    void shouldReconnectRequesterAndSendOnlyClientWhenKilledServerIsStartedAgain() throws Exception
    {
        final StringBuilder log = new StringBuilder();
        Process server = startServer(log);
        try (ShmClient requester = ShmClient.connect(context(IdleMode.BLOCK));
            ShmClient sender = ShmClient.connect(context(IdleMode.SPIN)))
        {
            assertThat(echo(requester, 1)).isEqualTo(1);
            assertThat(sender.offer(1, message, 0, 8)).isEqualTo(OfferResult.OK);
            final int firstSession = requester.sessionId();
            final Path firstInbox = requester.inboxFile();

            server.destroyForcibly();
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();

            // The requester learns it from its own request; the send-only client, which never polls, from the
            // watchdog: its sends stop being accepted instead of vanishing into the dead server's ring.
            assertThat(OfferResult.describe(requester.request(1, message, 0, 8, (t, b, o, l) -> { },
                TimeUnit.SECONDS.toNanos(60)))).isEqualTo("PEER_DEAD");
            assertThat(awaitTrue(() -> sender.offer(1, message, 0, 8) != OfferResult.OK)).isTrue();
            assertThat(OfferResult.describe(sender.offer(1, message, 0, 8))).isEqualTo("PEER_DEAD");
            assertThat(requester.isConnected()).isFalse();
            assertThat(requester.reconnects()).isZero();

            server = startServer(log);
            assertThat(awaitTrue(() -> requester.isConnected() && sender.isConnected())).as(log.toString()).isTrue();
            assertThat(requester.reconnects()).isEqualTo(1);
            assertThat(sender.reconnects()).isEqualTo(1);
            assertThat(echo(requester, 2)).isEqualTo(2);
            assertThat(requester.inboxFile()).isNotEqualTo(firstInbox);
            assertThat(firstInbox).doesNotExist();
            assertThat(requester.sessionId()).isPositive();
            assertThat(firstSession).isPositive();
            for (int i = 0; i < 100; i++)
            {
                message.putLong(0, i);
                while (sender.offer(1, message, 0, 8) == OfferResult.BACK_PRESSURED)
                {
                    Thread.onSpinWait();
                }
            }
            assertThat(clientFiles()).hasSize(2);
            requester.close();
            sender.close();
            final String stats = stop(server, log);
            // Only what was sent after the reconnect reached the new server: 100 messages and one request.
            assertThat(stats).contains("messages=100 ").contains("requests=1 ").contains("connects=2 ");
        }
        finally
        {
            TestProcesses.destroy(server);
        }
        // Clients closed, then the server stopped cleanly: nothing is left (inbox, wake-up or server files).
        assertThat(dir.resolve(SERVICE)).doesNotExist();
    }

    @Test
    void shouldReconnectWhenClosedServerIsStartedAgain() throws Exception
    {
        ShmServer server = ShmServer.launch(serverContext(), new EchoHandler());
        try (ShmClient client = ShmClient.connect(context(IdleMode.BLOCK).receiverThread(true)))
        {
            assertThat(echo(client, 5)).isEqualTo(5);
            server.close();

            assertThat(awaitTrue(() -> !client.isConnected())).isTrue();
            assertThat(OfferResult.describe(client.offer(1, message, 0, 8))).isEqualTo("NOT_CONNECTED");

            server = ShmServer.launch(serverContext(), new EchoHandler());
            final ShmServer restarted = server;
            assertThat(awaitTrue(() -> client.isConnected() && restarted.sessionCount() == 1)).isTrue();
            assertThat(echo(client, 6)).isEqualTo(6);
            assertThat(client.reconnects()).isEqualTo(1);
            assertThat(clientFiles()).containsExactly(client.inboxFile());
        }
        finally
        {
            server.close();
        }
        assertThat(dir.resolve(SERVICE)).doesNotExist();
    }

    @Test
    void shouldDropServerWhoseFileWasTruncatedWithoutSigbusThenReconnectToTheNextOne() throws Exception
    {
        final StringBuilder log = new StringBuilder();
        final List<Throwable> reported = Collections.synchronizedList(new ArrayList<>());
        Process server = startServer(log);
        try (ShmClient client = ShmClient.connect(context(IdleMode.BLOCK).errorHandler(reported::add)))
        {
            assertThat(echo(client, 7)).isEqualTo(7);
            // Stopped, the server cannot notice its own file shrinking: the client has to.
            signal(server, "STOP");
            final Path serverFile = ServiceDirectory.serverFile(dir.resolve(SERVICE));
            try (FileChannel channel = FileChannel.open(serverFile, StandardOpenOption.WRITE))
            {
                channel.truncate(ChannelDescriptor.HEADER_LENGTH);
            }

            assertThat(awaitTrue(() -> !client.isConnected())).isTrue();
            assertThat(OfferResult.describe(client.offer(1, message, 0, 8))).isEqualTo("PEER_DEAD");
            synchronized (reported)
            {
                assertThat(reported).anySatisfy(ex -> assertThat(ex).isInstanceOf(CorruptionException.class)
                    .hasMessageContaining(serverFile.toString()).hasMessageContaining("truncated"));
            }

            signal(server, "KILL");
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            server = startServer(log);
            assertThat(awaitTrue(client::isConnected)).as(log.toString()).isTrue();
            assertThat(echo(client, 8)).isEqualTo(8);
        }
        finally
        {
            signal(server, "CONT");
            TestProcesses.destroy(server);
        }
    }

    @Test
    void shouldStayDisconnectedWhenReconnectIsOff() throws Exception
    {
        final StringBuilder log = new StringBuilder();
        Process server = startServer(log);
        try (ShmClient client = ShmClient.connect(context(IdleMode.BLOCK).reconnect(false)))
        {
            assertThat(echo(client, 3)).isEqualTo(3);
            server.destroyForcibly();
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(awaitTrue(() -> client.offer(1, message, 0, 8) == OfferResult.PEER_DEAD)).isTrue();

            server = startServer(log);
            try (ShmClient fresh = ShmClient.connect(context(IdleMode.BLOCK)))
            {
                assertThat(echo(fresh, 4)).isEqualTo(4);
                // Many reconnect intervals later the old client is still disconnected: the application decides.
                Thread.sleep(TimeUnit.NANOSECONDS.toMillis(RECONNECT_NS) * 10);
                assertThat(client.isConnected()).isFalse();
                assertThat(client.reconnects()).isZero();
                assertThat(OfferResult.describe(client.offer(1, message, 0, 8))).isEqualTo("PEER_DEAD");
            }
        }
        finally
        {
            TestProcesses.destroy(server);
        }
    }

    private ServerContext serverContext()
    {
        return new ServerContext().serviceName(SERVICE).baseDirectory(dir).idleMode(IdleMode.BLOCK)
            .errorHandler(ex -> { });
    }

    private ClientContext context(final IdleMode idleMode)
    {
        return new ClientContext().serviceName(SERVICE).baseDirectory(dir).idleMode(idleMode)
            .livenessTimeoutNs(LIVENESS_NS).reconnectIntervalNs(RECONNECT_NS).errorHandler(ex -> { });
    }

    private Process startServer(final StringBuilder log) throws Exception
    {
        final Process server = TestProcesses.start(TestProcesses.ServerMain.class, List.of(),
            dir.toString(), SERVICE, Long.toString(64 * 1024), "BLOCK", Long.toString(1 << 20));
        assertThat(TestProcesses.awaitLine(server, "READY", log, 60_000)).as(log.toString()).isNotNull();
        return server;
    }

    private static String stop(final Process server, final StringBuilder log) throws Exception
    {
        final OutputStream in = server.getOutputStream();
        in.write("stop\n".getBytes(StandardCharsets.US_ASCII));
        in.flush();
        final String stats = TestProcesses.awaitLine(server, "STATS", log, 60_000);
        assertThat(stats).as(log.toString()).isNotNull();
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return stats;
    }

    private long echo(final ShmClient client, final long value)
    {
        final long[] echoed = new long[1];
        message.putLong(0, value);
        assertThat(OfferResult.describe(client.request(1, message, 0, 8, (t, b, o, l) -> echoed[0] = b.getLong(o),
            TimeUnit.SECONDS.toNanos(10)))).isEqualTo("OK");
        return echoed[0];
    }

    private List<Path> clientFiles() throws IOException
    {
        final Path service = dir.resolve(SERVICE);
        if (!Files.isDirectory(service))
        {
            return List.of();
        }
        try (Stream<Path> files = Files.list(service))
        {
            return files.filter(p -> p.getFileName().toString().matches("client-.*\\.ipc")).toList();
        }
    }

    private static void signal(final Process process, final String signal) throws Exception
    {
        if (process.isAlive())
        {
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        }
    }

    private static boolean awaitTrue(final BooleanSupplier condition) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + WAIT_NS;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }
}
