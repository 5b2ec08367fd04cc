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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.ipcgateway.core.CorruptionException;
import io.ipcgateway.core.CounterKind;
import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.OfferResult;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Another process truncates a connected client's file (keeping only its header page) while the server pushes into
 * it: the server detects it at its next liveness check, reports a corruption naming the file, drops the session,
 * removes the file, and keeps serving the others. Another process truncates the server's own file while a client
 * JVM sends into it: the server reports it, stops and closes its clients' sessions, and the client notices. Both
 * under load, so the truncated mappings are written to: a SIGBUS would end this test's JVM (the server's side) or
 * kill the client JVM (its exit code is checked).
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
        final AtomicLong pushesAfterTruncation = new AtomicLong();
        final AtomicBoolean truncated = new AtomicBoolean();
        final EchoHandler echo = new EchoHandler();
        try (ShmServer server = ShmServer.launch(new ServerContext().serviceName("trunc").baseDirectory(dir)
            .livenessTimeoutNs(TimeUnit.MILLISECONDS.toNanos(300)).errorHandler(reported::add), new ServerHandler()
            {
                private final UnsafeBuffer pushed = new UnsafeBuffer(new byte[8]);

                @Override
                public void onMessage(final ClientSession session, final int typeId, final DirectBuffer buffer,
                    final int offset, final int length)
                {
                    // Every message of the victim is answered by a push into its ring: after the truncation, a
                    // write into (or a read of the trailer of) the truncated mapping.
                    if (truncated.get())
                    {
                        pushesAfterTruncation.incrementAndGet();
                    }
                    pushed.putLong(0, buffer.getLong(offset));
                    session.push(typeId, pushed, 0, 8);
                }

                @Override
                public void onRequest(final ClientSession session, final long correlationId, final int typeId,
                    final DirectBuffer buffer, final int offset, final int length)
                {
                    echo.onRequest(session, correlationId, typeId, buffer, offset, length);
                }
            }))
        {
            final Process victim = TestProcesses.start(SendingMain.class, List.of(), dir.toString(), "trunc",
                "receive");
            try (Bystander bystander = new Bystander(dir, "trunc"))
            {
                final StringBuilder log = new StringBuilder();
                final String connected = TestProcesses.awaitLine(victim, "CONNECTED", log, 60_000);
                assertThat(connected).as(log.toString()).isNotNull();
                final Path victimFile = Paths.get(connected.substring("CONNECTED ".length()));
                assertThat(TestProcesses.awaitLine(victim, "LOADED", log, 60_000)).as(log.toString()).isNotNull();
                assertThat(server.sessionCount()).isEqualTo(2);

                truncated.set(true);
                try (FileChannel channel = FileChannel.open(victimFile, StandardOpenOption.WRITE))
                {
                    channel.truncate(ChannelDescriptor.HEADER_LENGTH);
                }

                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while ((server.sessionCount() != 1 || Files.exists(victimFile)) && System.nanoTime() < deadline)
                {
                    Thread.sleep(10);
                }
                assertThat(server.sessionCount()).as("reported: " + reported).isEqualTo(1);
                assertThat(victimFile).doesNotExist();
                synchronized (reported)
                {
                    assertThat(reported).anySatisfy(ex -> assertThat(ex).isInstanceOf(CorruptionException.class)
                        .hasMessageContaining(victimFile.toString()).hasMessageContaining("truncated"));
                }
                System.out.println("pushes into the truncated client file: " + pushesAfterTruncation.get()
                    + ", reported: " + reported);
                assertThat(pushesAfterTruncation.get()).as("pushes tried after the truncation").isPositive();
                bystander.assertServedThroughout();

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

    /**
     * An in-process client that keeps requesting from its own thread while another client's file is truncated:
     * every request must be answered.
     */
    private static final class Bystander implements AutoCloseable
    {
        private final ShmClient client;
        private final Thread thread;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong answered = new AtomicLong();
        private final List<String> failures = Collections.synchronizedList(new ArrayList<>());

        Bystander(final Path dir, final String service)
        {
            client = ShmClient.connect(new ClientContext().serviceName(service).baseDirectory(dir));
            thread = new Thread(() ->
            {
                final UnsafeBuffer request = new UnsafeBuffer(new byte[8]);
                final long[] echoed = new long[1];
                for (long i = 0; running.get(); i++)
                {
                    request.putLong(0, i);
                    final long result = client.request(1, request, 0, 8, (t, b, o, l) -> echoed[0] = b.getLong(o),
                        TimeUnit.SECONDS.toNanos(30));
                    if (result != OfferResult.OK || echoed[0] != i)
                    {
                        failures.add("request " + i + ": " + OfferResult.describe(result) + " echoed=" + echoed[0]);
                    }
                    else
                    {
                        answered.incrementAndGet();
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
            }, "bystander");
            thread.start();
        }

        void assertServedThroughout() throws InterruptedException
        {
            final long before = answered.get();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (answered.get() < before + 10 && System.nanoTime() < deadline)
            {
                Thread.sleep(1);
            }
            running.set(false);
            thread.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(failures).isEmpty();
            assertThat(answered.get()).as("answered after the session was dropped").isGreaterThanOrEqualTo(
                before + 10);
        }

        @Override
        public void close()
        {
            running.set(false);
            try
            {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            client.close();
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
            final Process client = TestProcesses.start(SendingMain.class, List.of(), dir.toString(), service,
                "poll");
            try
            {
                final StringBuilder log = new StringBuilder();
                assertThat(TestProcesses.awaitLine(client, "CONNECTED", log, 60_000)).as(log.toString()).isNotNull();
                assertThat(TestProcesses.awaitLine(client, "LOADED", log, 60_000)).as(log.toString()).isNotNull();
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
                }
                // The client, which kept sending into the truncated ring, notices (the CLOSING the server sent it
                // when the header page is intact, else its own check of the file's length) and ends normally: a
                // SIGBUS would have killed its JVM.
                final String end = TestProcesses.awaitLine(client, "END", log, 60_000);
                assertThat(end).as(log.toString()).isNotNull().contains("connected=false");
                assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(client.exitValue()).as(log.toString()).isZero();
                System.out.println("client of the truncated server file: " + end);
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
     * Client JVM: {@code dir service receive|poll}. Connects (with a receiver thread for {@code receive}, which
     * reads the server's pushes; else it polls in its loop), prints {@code CONNECTED <inbox file>}, then sends
     * numbered one-way messages until the server drops or closes it, printing {@code LOADED} after 1000 of them.
     * A fault in a truncated mapping the JVM raises as an error is counted and the loop goes on. Prints
     * {@code END connected=<bool> sent=<n> faults=<n> [<first fault>]} and exits 0.
     */
    static final class SendingMain
    {
        private SendingMain()
        {
        }

        public static void main(final String[] args) throws Exception
        {
            final boolean receive = "receive".equals(args[2]);
            final ShmClient client = ShmClient.connect(new ClientContext().baseDirectory(Paths.get(args[0]))
                .serviceName(args[1]).idleMode(IdleMode.BLOCK).receiverThread(receive).reconnect(false)
                .errorHandler(ex -> { }));
            System.out.println("CONNECTED " + client.inboxFile());
            System.out.flush();
            final UnsafeBuffer message = new UnsafeBuffer(new byte[8]);
            long sent = 0;
            long faults = 0;
            Throwable firstFault = null;
            final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (client.isConnected() && System.nanoTime() < deadline)
            {
                try
                {
                    message.putLong(0, sent);
                    if (client.offer(1, message, 0, 8) == OfferResult.OK && ++sent == 1000)
                    {
                        System.out.println("LOADED");
                        System.out.flush();
                    }
                    if (!receive)
                    {
                        client.poll();
                    }
                }
                catch (final Throwable ex)
                {
                    faults++;
                    firstFault = firstFault == null ? ex : firstFault;
                }
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(20));
            }
            System.out.println("END connected=" + client.isConnected() + " sent=" + sent + " faults=" + faults
                + (firstFault == null ? "" : " " + firstFault));
            System.out.flush();
            try
            {
                client.close();
            }
            catch (final Throwable ex)
            {
                System.out.println("CLOSE " + ex);
            }
            System.exit(0);
        }
    }
}
