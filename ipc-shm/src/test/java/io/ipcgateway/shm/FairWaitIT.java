package io.ipcgateway.shm;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.MessageHandler;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.shm.notify.NotifierKind;
import io.ipcgateway.shm.notify.Notifiers;
import io.ipcgateway.shm.notify.SharedWake;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;


import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Fair waiting across processes: 2 client JVMs of 32 requesting threads each (64 threads, far more than the cores of
 * a build machine) against one echo server JVM, all in BLOCK mode with the library's defaults. Every thread must
 * complete at least a quarter of the mean number of requests in the same fixed window: asserted on counts, never on
 * times. Before the wait gate, threads that spun or yielded took the cores from those that slept, and 1 thread in 11
 * was served at a fair rate. The service's count of waiting threads must also come back to zero, after clean exits
 * and after a client is killed while its threads wait.
 */
class FairWaitIT
{
    private static final String SERVICE = "fair";
    private static final int CLIENT_JVMS = 2;
    private static final int THREADS_PER_JVM = 32;
    private static final long WINDOW_MS = 3_000;
    /** Each thread completes at least this fraction of the mean. */
    private static final double FAIR_FRACTION = 0.25;
    private static final long START_TIMEOUT_MS = 60_000;
    private static final long RESULT_TIMEOUT_MS = 120_000;

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void cleanUp()
    {
        processes.forEach(TestProcesses::destroy);
    }

    @ParameterizedTest(name = "JDK {0}, connections {1}")
    @CsvSource({"25, own", "25, shared", "17, own"})
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldServeEveryThreadAtAFairRateWhenThreadsOutnumberCores(final String jdk, final String connections)
        throws Exception
    {
        assumeTrue(!"17".equals(jdk) || Files.isExecutable(Paths.get(MixedJdkNotifierIT.JDK17_JAVA)),
            "JDK 17 not installed at " + MixedJdkNotifierIT.JDK17_JAVA);
        final StringBuilder log = new StringBuilder();
        final Process server = startServer(jdk, List.of(), log);
        final Path go = dir.resolve("go");
        final List<Process> clients = new ArrayList<>();
        for (int i = 0; i < CLIENT_JVMS; i++)
        {
            clients.add(start(jdk, List.of(), FairClientMain.class, dir.toString(), SERVICE,
                Integer.toString(THREADS_PER_JVM), connections, Long.toString(WINDOW_MS), go.toString()));
        }
        for (final Process client : clients)
        {
            assertThat(TestProcesses.awaitLine(client, "READY", log, START_TIMEOUT_MS)).as(log.toString()).isNotNull();
        }
        Files.createFile(go);

        final List<Long> counts = new ArrayList<>();
        for (final Process client : clients)
        {
            final String result = TestProcesses.awaitLine(client, "COUNTS", log, RESULT_TIMEOUT_MS);
            assertThat(result).as(log.toString()).isNotNull().contains("failures=0");
            counts.addAll(parseCounts(result));
            assertThat(client.waitFor(30, TimeUnit.SECONDS)).as(log.toString()).isTrue();
        }

        assertThat(counts).hasSize(CLIENT_JVMS * THREADS_PER_JVM);
        final double mean = counts.stream().mapToLong(Long::longValue).average().orElse(0);
        final long min = counts.stream().mapToLong(Long::longValue).min().orElse(0);
        System.out.printf("fair wait: JDK %s, connections %s: min %d, mean %.1f, fairness %.2f, counts %s%n", jdk,
            connections, min, mean, min / mean, counts);
        assertThat(mean).as("mean requests per thread in %d ms, counts %s", WINDOW_MS, counts).isGreaterThan(0);
        assertThat((double)min)
            .as("fewest requests of a thread against the mean %.1f (fairness %.2f), counts %s", mean, min / mean,
                counts)
            .isGreaterThanOrEqualTo(FAIR_FRACTION * mean);

        // Every thread that entered the count left it: the service's word is back to zero.
        assertThat(serviceWaiters()).as(log.toString()).isZero();
        // With the futex (JDK 22+, this JVM's java.home) the sleeping clients were woken through the server's shared
        // word, one wake-up per pass; a JDK 17 server cannot call the futex, offers nothing and wakes each client on
        // the socket.
        final int[] wake = serverWake();
        System.out.printf("fair wait: JDK %s, connections %s: shared wake offered %d, sequence %d%n", jdk,
            connections, wake[0], wake[1]);
        if ("17".equals(jdk) || Notifiers.autoKind() != NotifierKind.FUTEX)
        {
            assertThat(wake).containsExactly(0, 0);
        }
        else
        {
            assertThat(wake[0]).isEqualTo(SharedWake.OFFERED);
            assertThat(wake[1]).as("passes that woke sleeping clients through the shared word").isPositive();
        }
        stop(server);
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldTakeBackTheWaitersOfAClientKilledWhileItsThreadsWait() throws Exception
    {
        final StringBuilder log = new StringBuilder();
        final Process server = startServer("25",
            List.of("-D" + ShmConfiguration.LIVENESS_TIMEOUT_PROP_NAME + "=1s"), log);
        final Path go = dir.resolve("go");
        final Process victim = start("25", List.of(), FairClientMain.class, dir.toString(), SERVICE,
            Integer.toString(THREADS_PER_JVM), "own", Long.toString(TimeUnit.MINUTES.toMillis(5)), go.toString());
        assertThat(TestProcesses.awaitLine(victim, "READY", log, START_TIMEOUT_MS)).as(log.toString()).isNotNull();
        Files.createFile(go);

        // Wait until the victim's threads are counted as waiting (its 32 threads request in a closed loop), then
        // kill it: its share stays in the service's word until the server finds the client dead.
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int seen = 0;
        while (seen == 0 && System.nanoTime() - deadline < 0)
        {
            seen = serviceWaiters();
            Thread.sleep(1);
        }
        assertThat(seen).as("waiting threads seen in the service's word").isPositive();
        victim.destroyForcibly();
        assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // Nobody else is connected: whatever the word holds now is the dead client's share, stuck there.
        assertThat(serviceWaiters()).as("the killed client's share, before the server frees its session").isPositive();

        // The server frees the dead session after its liveness timeout (1 s here) and takes the share back.
        final long healDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int left = serviceWaiters();
        while (left != 0 && System.nanoTime() - healDeadline < 0)
        {
            Thread.sleep(50);
            left = serviceWaiters();
        }
        assertThat(left).as("service's waiting threads after the killed client's session was freed: " + log)
            .isZero();
        stop(server);
    }

    private Process startServer(final String jdk, final List<String> flags, final StringBuilder log)
        throws Exception
    {
        final Process server = start(jdk, flags, TestProcesses.ServerMain.class, dir.toString(), SERVICE,
            Long.toString(1 << 20), "BLOCK", Long.toString(1 << 20));
        assertThat(TestProcesses.awaitLine(server, "READY", log, START_TIMEOUT_MS)).as(log.toString()).isNotNull();
        return server;
    }

    private int serviceWaiters()
    {
        final ChannelFile file = ChannelFile.open(ServiceDirectory.serverFile(dir.resolve(SERVICE)),
            ChannelDescriptor.TYPE_SERVER);
        try
        {
            return WaitGate.serviceWaiters(file.header());
        }
        finally
        {
            file.close();
        }
    }

    /** The server file's shared wake word: offered, then the sequence. */
    private int[] serverWake()
    {
        final ChannelFile file = ChannelFile.open(ServiceDirectory.serverFile(dir.resolve(SERVICE)),
            ChannelDescriptor.TYPE_SERVER);
        try
        {
            return new int[] {
                file.header().getIntVolatile(ChannelDescriptor.SERVER_WAKE_OFFERED_OFFSET),
                file.header().getIntVolatile(ChannelDescriptor.SERVER_WAKE_SEQUENCE_OFFSET)};
        }
        finally
        {
            file.close();
        }
    }

    private static List<Long> parseCounts(final String line)
    {
        final String list = line.substring(line.indexOf("counts=") + "counts=".length()).trim();
        final List<Long> counts = new ArrayList<>();
        Arrays.stream(list.split(",")).forEach(count -> counts.add(Long.parseLong(count)));
        return counts;
    }

    private Process start(final String jdk, final List<String> flags, final Class<?> main, final String... args)
        throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add("17".equals(jdk) ? MixedJdkNotifierIT.JDK17_JAVA :
            Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-opens");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Xmx256m");
        command.addAll(flags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.add(process);
        return process;
    }

    private static void stop(final Process server) throws InterruptedException
    {
        try
        {
            final OutputStream in = server.getOutputStream();
            in.write("stop\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
        }
        catch (final IOException ex)
        {
            // Already gone.
        }
        if (!server.waitFor(30, TimeUnit.SECONDS))
        {
            TestProcesses.destroy(server);
        }
    }

    /**
     * A requesting client JVM: {@code dir service threads own|shared windowMs goFile}. Connects (one connection per
     * thread, or one shared by all), prints {@code READY}, waits for the go file, then every thread sends blocking
     * requests in a closed loop for the window and the JVM prints
     * {@code COUNTS failures=F counts=c1,c2,...} (requests each thread completed) and exits.
     */
    static final class FairClientMain
    {
        private FairClientMain()
        {
        }

        public static void main(final String[] args) throws Exception
        {
            final Path base = Paths.get(args[0]);
            final String service = args[1];
            final int threads = Integer.parseInt(args[2]);
            final boolean shared = "shared".equals(args[3]);
            final long windowNs = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[4]));
            final Path go = Paths.get(args[5]);
            final ShmClient[] clients = new ShmClient[threads];
            for (int i = 0; i < threads; i++)
            {
                // A long connect timeout: 3 JVMs starting at once on a loaded build machine can take more than 10 s.
                clients[i] = shared && i > 0 ? clients[0] : ShmClient.connect(new ClientContext()
                    .baseDirectory(base).serviceName(service).idleMode(IdleMode.BLOCK)
                    .connectTimeoutNs(TimeUnit.SECONDS.toNanos(60)));
            }
            System.out.println("READY");
            System.out.flush();
            while (!Files.exists(go))
            {
                Thread.sleep(1);
            }
            final long endNs = System.nanoTime() + windowNs;
            final long[] counts = new long[threads];
            final long[] failures = new long[threads];
            final Thread[] workers = new Thread[threads];
            for (int i = 0; i < threads; i++)
            {
                final int index = i;
                workers[i] = new Thread(() ->
                {
                    final UnsafeBuffer request = new UnsafeBuffer(new byte[32]);
                    final MessageHandler onResponse = (typeId, buffer, offset, length) -> { };
                    long completed = 0;
                    while (System.nanoTime() - endNs < 0)
                    {
                        request.putLong(0, completed);
                        final long result = clients[index].request(1, request, 0, 32, onResponse,
                            TimeUnit.SECONDS.toNanos(30));
                        if (result == OfferResult.OK)
                        {
                            completed++;
                        }
                        else
                        {
                            failures[index]++;
                            System.out.println("request failed: " + OfferResult.describe(result));
                        }
                    }
                    counts[index] = completed;
                }, "requester-" + i);
                workers[i].start();
            }
            long failed = 0;
            final StringBuilder list = new StringBuilder();
            for (int i = 0; i < threads; i++)
            {
                workers[i].join();
                failed += failures[i];
                list.append(i == 0 ? "" : ",").append(counts[i]);
            }
            System.out.println("COUNTS failures=" + failed + " counts=" + list);
            System.out.flush();
            for (int i = 0; i < threads; i++)
            {
                if (!shared || i == 0)
                {
                    clients[i].close();
                }
            }
        }
    }
}
