package io.ipcgateway.shm;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.CorruptionException;
import io.ipcgateway.core.CounterKind;
import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.OfferResult;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Another process truncates a connected client's file (keeping only its header page): the server detects it at
 * its next liveness check, before writing into the mapping again, reports a corruption naming the file, drops the
 * session, removes the file, and keeps serving the others. Another process truncates the server's own file: the
 * server reports it, stops and closes its clients' sessions. A SIGBUS in the server would end this test's JVM.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TruncatedFileIT
{
    @TempDir
    Path dir;

    @Test
    void shouldDropSessionOfTruncatedClientFileAndKeepServing() throws Exception
    {
        final List<Throwable> reported = Collections.synchronizedList(new ArrayList<>());
        try (ShmServer server = ShmServer.launch(new ServerContext().serviceName("trunc").baseDirectory(dir)
            .livenessTimeoutNs(TimeUnit.MILLISECONDS.toNanos(300)).errorHandler(reported::add), new EchoHandler()))
        {
            final Process victim = TestProcesses.start(TestProcesses.HoldMain.class, List.of(), dir.toString(),
                "trunc");
            try
            {
                final StringBuilder log = new StringBuilder();
                final String connected = TestProcesses.awaitLine(victim, "CONNECTED", log, 60_000);
                assertThat(connected).as(log.toString()).isNotNull();
                final Path victimFile = Paths.get(connected.substring("CONNECTED ".length()));
                assertThat(server.sessionCount()).isEqualTo(1);

                try (FileChannel channel = FileChannel.open(victimFile, StandardOpenOption.WRITE))
                {
                    channel.truncate(ChannelDescriptor.HEADER_LENGTH);
                }

                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while ((server.sessionCount() != 0 || Files.exists(victimFile)) && System.nanoTime() < deadline)
                {
                    Thread.sleep(10);
                }
                assertThat(server.sessionCount()).as("reported: " + reported).isZero();
                assertThat(victimFile).doesNotExist();
                synchronized (reported)
                {
                    assertThat(reported).anySatisfy(ex -> assertThat(ex).isInstanceOf(CorruptionException.class)
                        .hasMessageContaining(victimFile.toString()).hasMessageContaining("truncated"));
                }

                try (ShmClient client = ShmClient.connect(new ClientContext().serviceName("trunc")
                    .baseDirectory(dir)))
                {
                    final UnsafeBuffer request = new UnsafeBuffer(new byte[8]);
                    request.putLong(0, 99);
                    final long[] echoed = new long[1];
                    assertThat(client.request(1, request, 0, 8, (t, b, o, l) -> echoed[0] = b.getLong(o),
                        TimeUnit.SECONDS.toNanos(30))).isEqualTo(OfferResult.OK);
                    assertThat(echoed[0]).isEqualTo(99);
                }
            }
            finally
            {
                TestProcesses.destroy(victim);
            }
        }
    }

    @ParameterizedTest(name = "server file truncated to {0} bytes, server idle mode {1}")
    @CsvSource({"12288, BLOCK", "0, SPIN"})
    void shouldStopServiceAndCloseSessionsWhenItsOwnFileIsTruncated(final long keptLength, final IdleMode idleMode)
        throws Exception
    {
        final List<Throwable> reported = Collections.synchronizedList(new ArrayList<>());
        final List<ClientSession> disconnected = Collections.synchronizedList(new ArrayList<>());
        final String service = "trunc-server-" + keptLength;
        try (ShmServer server = ShmServer.launch(new ServerContext().serviceName(service).baseDirectory(dir)
            .idleMode(idleMode).errorHandler(reported::add), new ServerHandler()
            {
                @Override
                public void onDisconnect(final ClientSession session)
                {
                    disconnected.add(session);
                }
            }))
        {
            final Path serverFile = ServiceDirectory.serverFile(server.serviceDirectory());
            final Process client = TestProcesses.start(AwaitServerCloseMain.class, List.of(), dir.toString(), service);
            try
            {
                final StringBuilder log = new StringBuilder();
                assertThat(TestProcesses.awaitLine(client, "CONNECTED", log, 60_000)).as(log.toString()).isNotNull();
                assertThat(server.sessionCount()).isEqualTo(1);

                final Process truncate = new ProcessBuilder("truncate", "-s", Long.toString(keptLength),
                    serverFile.toString()).inheritIO().start();
                assertThat(truncate.waitFor()).isZero();

                final ServerAgent agent = (ServerAgent)server.agent();
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while ((disconnected.isEmpty() || isRunning(server.context().threadName())) &&
                    System.nanoTime() < deadline)
                {
                    Thread.sleep(10);
                }
                assertThat(agent.isFileLost()).as("reported: " + reported).isTrue();
                assertThat(isRunning(server.context().threadName())).as("duty cycle thread still running").isFalse();
                assertThat(disconnected).hasSize(1);
                assertThat(server.sessionCount()).isZero();
                assertThat(serverFile).doesNotExist();
                synchronized (reported)
                {
                    assertThat(reported).anySatisfy(ex -> assertThat(ex).isInstanceOf(CorruptionException.class)
                        .hasMessageContaining(serverFile.toString()).hasMessageContaining("truncated"));
                }
                if (keptLength >= ChannelDescriptor.HEADER_LENGTH)
                {
                    // The counters' page is still in the file: the error was counted there.
                    assertThat(server.counters().get(CounterKind.ERRORS)).isPositive();
                    // The header page is intact, so the client can read the CLOSING the server sent it.
                    assertThat(TestProcesses.awaitLine(client, "SERVER CLOSED", log, 30_000)).as(log.toString())
                        .isNotNull();
                }
            }
            finally
            {
                TestProcesses.destroy(client);
            }
        }
    }

    private static boolean isRunning(final String threadName)
    {
        return Thread.getAllStackTraces().keySet().stream()
            .anyMatch(thread -> thread.getName().equals(threadName) && thread.isAlive());
    }

    /**
     * Client JVM: {@code dir service}. Connects, prints {@code CONNECTED <inbox file>}, waits until the server
     * closes the session, prints {@code SERVER CLOSED} and exits.
     */
    static final class AwaitServerCloseMain
    {
        private AwaitServerCloseMain()
        {
        }

        public static void main(final String[] args) throws Exception
        {
            final ShmClient client = ShmClient.connect(new ClientContext().baseDirectory(Paths.get(args[0]))
                .serviceName(args[1]).idleMode(IdleMode.BLOCK));
            System.out.println("CONNECTED " + client.inboxFile());
            System.out.flush();
            final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (client.isConnected() && System.nanoTime() < deadline)
            {
                // No receiver thread: the CLOSING frame is read by polling.
                client.poll();
                Thread.sleep(10);
            }
            System.out.println(client.isConnected() ? "STILL CONNECTED" : "SERVER CLOSED");
            System.out.flush();
            client.close();
        }
    }
}
