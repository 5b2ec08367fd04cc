package io.ipcgateway.bench.nats;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.ipcgateway.bench.load.ChildProcess;
import io.ipcgateway.bench.load.Histograms;
import io.ipcgateway.bench.load.ProcessStats;
import io.ipcgateway.examples.nats.LocalNatsServer;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.HdrHistogram.Histogram;

/**
 * {@code bin/ipc bench nats-direct}: what local processes get from NATS without a gateway. A responder JVM answers
 * on one connection (a {@code Dispatcher} echoing to the reply subject); client threads in this JVM do synchronous
 * {@code request(subject, payload, 2 s)} in a loop, over a connection each or one shared connection, for a measured
 * window after a warm-up. The client CPU is this JVM's process CPU time over the window, so the responder is kept
 * out of it.
 */
public final class NatsDirectRun
{
    /** The subject the responder answers. */
    public static final String SUBJECT = "bench.echo";
    /** The timeout of each request. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

    private static final long READY_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long JOIN_TIMEOUT_MS = 10_000;
    private static final int WARMING = 0;
    private static final int MEASURING = 1;
    private static final int DONE = 2;

    private volatile int phase = WARMING;

    private NatsDirectRun()
    {
    }

    /**
     * Run the command: parse options, run, print the table.
     *
     * @param args the options (see {@link NatsDirectSpec#parse}).
     * @throws Exception when the run fails.
     */
    public static void main(final List<String> args) throws Exception
    {
        final NatsDirectSpec spec = NatsDirectSpec.parse(args);
        System.err.printf("nats-direct: %d clients, %s, %d B, warm-up %.1f s, %.1f s measured%n", spec.clients(),
            spec.shared() ? "one shared connection" : "a connection each", spec.size(), spec.warmupNs() / 1e9,
            spec.durationNs() / 1e9);
        System.out.print(execute(spec, System.err::println).format());
    }

    /**
     * One run.
     *
     * @param spec what to run.
     * @param log  progress messages.
     * @return the figures.
     * @throws Exception when nats-server, the responder or a connection cannot be started.
     */
    public static NatsDirectResult execute(final NatsDirectSpec spec, final Consumer<String> log) throws Exception
    {
        final LocalNatsServer server = spec.url() == null ? LocalNatsServer.start() : null;
        try
        {
            final String url = server == null ? spec.url() : server.url();
            log.accept("nats-server: " + url + (server == null ? " (given)" : " (started, pid " + server.pid() + ")"));
            try (ChildProcess responder = ChildProcess.start("nats-responder", "child-nats-responder",
                List.of("--url", url, "--subject", SUBJECT)))
            {
                responder.await(NatsResponderRole.READY, READY_TIMEOUT_NS);
                final NatsDirectResult result = new NatsDirectRun().measure(spec, url, responder.pid(),
                    server == null ? -1 : server.pid());
                responder.exit(5_000);
                return result;
            }
        }
        finally
        {
            if (server != null)
            {
                server.close();
            }
        }
    }

    private NatsDirectResult measure(final NatsDirectSpec spec, final String url, final long responderPid,
        final long serverPid) throws Exception
    {
        final Options options = Options.builder().server(url).connectionTimeout(Duration.ofSeconds(5)).build();
        final List<Connection> connections = new ArrayList<>();
        final List<Client> clients = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();
        try
        {
            for (int i = 0; i < spec.connections(); i++)
            {
                connections.add(Nats.connect(options));
            }
            final byte[] payload = new byte[spec.size()];
            for (int i = 0; i < spec.clients(); i++)
            {
                final Client client = new Client(connections.get(spec.shared() ? 0 : i), payload);
                clients.add(client);
                final Thread thread = new Thread(client, "nats-client-" + i);
                thread.setDaemon(true);
                threads.add(thread);
            }
            threads.forEach(Thread::start);
            TimeUnit.NANOSECONDS.sleep(spec.warmupNs());

            final long cpu0 = processCpuNs();
            final long responderCpu0 = ProcessStats.cpuNs(responderPid);
            final long serverCpu0 = serverPid < 0 ? -1 : ProcessStats.cpuNs(serverPid);
            final long start = System.nanoTime();
            phase = MEASURING;
            TimeUnit.NANOSECONDS.sleep(spec.durationNs());
            phase = DONE;
            final long windowNs = System.nanoTime() - start;
            final long cpuNs = processCpuNs() - cpu0;
            final long responderCpuNs = ProcessStats.cpuNs(responderPid) - responderCpu0;
            final long serverCpuNs = serverPid < 0 ? -1 : ProcessStats.cpuNs(serverPid) - serverCpu0;

            for (final Thread thread : threads)
            {
                thread.join(JOIN_TIMEOUT_MS);
                if (thread.isAlive())
                {
                    throw new IllegalStateException(thread.getName() + " did not stop within " + JOIN_TIMEOUT_MS +
                        " ms after the window");
                }
            }
            final Histogram all = Histograms.newHistogram();
            final List<Long> perClient = new ArrayList<>();
            long errors = 0;
            for (final Client client : clients)
            {
                if (client.failure != null)
                {
                    throw new IllegalStateException("a client failed: " + client.failure, client.failure);
                }
                all.add(client.histogram);
                perClient.add(client.completed);
                errors += client.errors;
            }
            return new NatsDirectResult(spec, perClient, errors, windowNs, all.getValueAtPercentile(50),
                all.getValueAtPercentile(99), cpuNs / (double)windowNs,
                responderCpuNs < 0 ? -1 : responderCpuNs / (double)windowNs,
                serverCpuNs < 0 ? -1 : serverCpuNs / (double)windowNs);
        }
        finally
        {
            phase = DONE;
            for (final Connection connection : connections)
            {
                connection.close();
            }
        }
    }

    private static long processCpuNs()
    {
        return ((com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    }

    /** One client thread: synchronous requests in a loop, counted and timed only inside the window. */
    private final class Client implements Runnable
    {
        private final Connection connection;
        private final byte[] payload;
        private final Histogram histogram = Histograms.newHistogram();
        private long completed;
        private long errors;
        private volatile Throwable failure;

        Client(final Connection connection, final byte[] payload)
        {
            this.connection = connection;
            this.payload = payload;
        }

        @Override
        public void run()
        {
            try
            {
                while (phase != DONE)
                {
                    final long sent = System.nanoTime();
                    Message reply;
                    try
                    {
                        reply = connection.request(SUBJECT, payload, REQUEST_TIMEOUT);
                    }
                    catch (final IllegalStateException ex)
                    {
                        // jnats returns null on a timeout or when nobody answers;
                        // it throws this while the connection is closed.
                        reply = null;
                    }
                    final long received = System.nanoTime();
                    if (phase == MEASURING)
                    {
                        if (reply == null)
                        {
                            errors++;
                        }
                        else
                        {
                            Histograms.record(histogram, received - sent);
                            completed++;
                        }
                    }
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            catch (final RuntimeException ex)
            {
                failure = ex;
            }
        }
    }
}
