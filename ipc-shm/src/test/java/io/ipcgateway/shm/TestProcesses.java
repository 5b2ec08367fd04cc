package io.ipcgateway.shm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.OfferResult;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Programs the cross-process tests start in their own JVMs, and the helper that starts them.
 */
final class TestProcesses
{
    private TestProcesses()
    {
    }

    /**
     * Starts a JVM running {@code mainClass} with the test classpath and the flags the transport needs.
     */
    static Process start(final Class<?> mainClass, final List<String> jvmProperties, final String... args)
        throws IOException
    {
        return startWrapped(List.of(), mainClass, jvmProperties, args);
    }

    /**
     * Starts a JVM like {@link #start} under a wrapper command (e.g. {@code unshare --pid --fork}).
     */
    static Process startWrapped(
        final List<String> wrapper, final Class<?> mainClass, final List<String> jvmProperties, final String... args)
        throws IOException
    {
        final List<String> command = new ArrayList<>(wrapper);
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-opens");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Xmx256m");
        command.addAll(jvmProperties);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /**
     * Reads a process's output lines until one starts with {@code prefix}, keeping everything read.
     */
    static String awaitLine(final Process process, final String prefix, final StringBuilder log, final long timeoutMs)
        throws Exception
    {
        final BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        final AtomicReference<String> found = new AtomicReference<>();
        final Thread pump = new Thread(() ->
        {
            try
            {
                String line;
                while ((line = reader.readLine()) != null)
                {
                    synchronized (log)
                    {
                        log.append(line).append('\n');
                    }
                    if (line.startsWith(prefix))
                    {
                        found.set(line);
                        return;
                    }
                }
            }
            catch (final IOException ignore)
            {
                // The process ended: found stays null.
            }
        });
        pump.setDaemon(true);
        pump.start();
        pump.join(timeoutMs);
        return found.get();
    }

    static void destroy(final Process process)
    {
        if (process != null && process.isAlive())
        {
            process.destroyForcibly();
            try
            {
                process.waitFor(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Echo server: {@code dir service ringCapacity idleMode maxMessageLength}. Prints {@code READY}, runs until its
     * stdin says {@code stop} (or closes), then prints {@code STATS ...} and deletes its files.
     */
    static final class ServerMain
    {
        private ServerMain()
        {
        }

        public static void main(final String[] args) throws Exception
        {
            final EchoHandler handler = new EchoHandler();
            final ServerContext context = new ServerContext()
                .baseDirectory(Paths.get(args[0]))
                .serviceName(args[1])
                .ringCapacity(Long.parseLong(args[2]))
                .idleMode(IdleMode.valueOf(args[3]))
                .maxMessageLength(Long.parseLong(args[4]));
            final AtomicLong maxSessions = new AtomicLong();
            try (ShmServer server = ShmServer.launch(context, new ServerHandler()
            {
                public void onConnect(final ClientSession session)
                {
                    handler.onConnect(session);
                    maxSessions.accumulateAndGet(handler.connects.get() - handler.disconnects.get(), Math::max);
                }

                public void onDisconnect(final ClientSession session)
                {
                    handler.onDisconnect(session);
                }

                public void onMessage(
                    final ClientSession s, final int typeId, final org.agrona.DirectBuffer b, final int o, final int l)
                {
                    handler.onMessage(s, typeId, b, o, l);
                }

                public void onRequest(final ClientSession s, final long id, final int typeId,
                    final org.agrona.DirectBuffer b, final int o, final int l)
                {
                    handler.onRequest(s, id, typeId, b, o, l);
                }
            }))
            {
                System.out.println("READY notifier=" + server.notifierKind());
                System.out.flush();
                final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null && !"stop".equals(line.trim()))
                {
                    // Wait for the test to say stop.
                }
                // Clients that exited sent their disconnects already: let the duty cycle read them first.
                final long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (server.sessionCount() > 0 && System.nanoTime() < drainDeadline)
                {
                    Thread.sleep(1);
                }
                System.out.println("STATS messages=" + handler.messages.get() + " requests=" + handler.requests.get()
                    + " bytes=" + handler.bytes.get()
                    + " outOfOrder=" + handler.outOfOrder.get() + " connects=" + handler.connects.get()
                    + " disconnects=" + handler.disconnects.get() + " maxSessions=" + maxSessions.get()
                    + " errors=" + server.counters().get(io.ipcgateway.core.CounterKind.ERRORS));
                System.out.flush();
            }
        }
    }

    /**
     * A client that connects ({@code dir service}), prints {@code CONNECTED <inbox file>} and waits to be killed.
     */
    static final class HoldMain
    {
        private HoldMain()
        {
        }

        public static void main(final String[] args) throws Exception
        {
            final ShmClient client = ShmClient.connect(new ClientContext().baseDirectory(Paths.get(args[0]))
                .serviceName(args[1]).idleMode(IdleMode.BLOCK));
            System.out.println("CONNECTED " + client.inboxFile());
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
            client.close();
        }
    }

    /**
     * Client load: {@code dir service clients threads messagesPerClient requestsPerClient size idleMode ringCapacity}.
     * Connects all clients, then each thread drives its share of clients: one-way messages numbered from 1 (the
     * server checks the order), then requests whose echo is checked. Prints {@code CLIENT OK ...} and exits 0, or
     * {@code CLIENT FAIL ...} and exits 1.
     */
    static final class ClientMain
    {
        private ClientMain()
        {
        }

        public static void main(final String[] args) throws Exception
        {
            final Path dir = Paths.get(args[0]);
            final String service = args[1];
            final int clientCount = Integer.parseInt(args[2]);
            final int threadCount = Integer.parseInt(args[3]);
            final long messages = Long.parseLong(args[4]);
            final long requests = Long.parseLong(args[5]);
            final int size = Integer.parseInt(args[6]);
            final IdleMode mode = IdleMode.valueOf(args[7]);
            final long ringCapacity = Long.parseLong(args[8]);

            final List<ShmClient> clients = new ArrayList<>();
            final AtomicReference<String> failure = new AtomicReference<>();
            try
            {
                for (int i = 0; i < clientCount; i++)
                {
                    clients.add(ShmClient.connect(new ClientContext().baseDirectory(dir).serviceName(service)
                        .idleMode(mode).ringCapacity(ringCapacity).connectTimeoutNs(TimeUnit.SECONDS.toNanos(60))));
                }
                System.out.println("CONNECTED " + clientCount);
                System.out.flush();
                final List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < threadCount; t++)
                {
                    final int first = t;
                    final Thread thread = new Thread(() -> drive(clients, first, threadCount, messages, requests,
                        size, failure));
                    threads.add(thread);
                    thread.start();
                }
                for (final Thread thread : threads)
                {
                    thread.join();
                }
            }
            catch (final RuntimeException ex)
            {
                failure.compareAndSet(null, ex.toString());
            }
            final String notifier = clients.isEmpty() ? "none" : String.valueOf(clients.get(0).notifierKind());
            for (final ShmClient client : clients)
            {
                client.close();
            }
            if (failure.get() != null)
            {
                System.out.println("CLIENT FAIL " + failure.get());
                System.exit(1);
            }
            System.out.println("CLIENT OK clients=" + clientCount + " notifier=" + notifier);
            System.exit(0);
        }

        private static void drive(
            final List<ShmClient> clients,
            final int first,
            final int stride,
            final long messages,
            final long requests,
            final int size,
            final AtomicReference<String> failure)
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[Math.max(size, 16)]);
            final long[] echoed = new long[2];
            for (long i = 1; i <= messages && failure.get() == null; i++)
            {
                for (int c = first; c < clients.size(); c += stride)
                {
                    buffer.putLong(0, i);
                    long result;
                    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while ((result = clients.get(c).offer(1, buffer, 0, size)) == OfferResult.BACK_PRESSURED &&
                        System.nanoTime() < deadline)
                    {
                        Thread.yield();
                    }
                    if (result != OfferResult.OK)
                    {
                        failure.compareAndSet(null, "offer " + i + " of client " + c + ": " +
                            OfferResult.describe(result));
                    }
                }
            }
            for (long i = 1; i <= requests && failure.get() == null; i++)
            {
                for (int c = first; c < clients.size(); c += stride)
                {
                    buffer.putLong(0, i);
                    buffer.putLong(8, c);
                    long result;
                    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    do
                    {
                        // BACK_PRESSURED means nothing was sent (the server's inbox is full of one-way messages).
                        result = clients.get(c).request(2, buffer, 0, size, (typeId, b, o, l) ->
                        {
                            echoed[0] = b.getLong(o);
                            echoed[1] = l;
                        }, TimeUnit.SECONDS.toNanos(30));
                    }
                    while (result == OfferResult.BACK_PRESSURED && System.nanoTime() < deadline);
                    if (result != OfferResult.OK || echoed[0] != i || echoed[1] != size ||
                        buffer.getLong(8) != c)
                    {
                        failure.compareAndSet(null, "request " + i + " of client " + c + ": "
                            + OfferResult.describe(result) + " echoed=" + echoed[0] + " length=" + echoed[1]);
                    }
                }
            }
        }
    }
}
