package io.ipcgateway.bench.gateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ipcgateway.bench.load.Histograms;
import io.ipcgateway.examples.gateway.GatewayClient;
import io.ipcgateway.examples.gateway.GatewayException;
import io.ipcgateway.shm.ClientContext;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The client JVM of {@code bench gateway}: {@code clients} threads, each with its own {@link GatewayClient} (its own
 * session, as a separate local process would have), doing requests to one subject, either closed loop (blocking
 * {@code request}, the next when the reply came) or open loop (a request every {@code clients / rate} seconds per
 * thread with {@code requestAsync}, whatever the replies do). It prints {@value #READY} once connected, waits for a
 * {@value #GO} line on its standard input (so that several client JVMs of one row start together), prints
 * {@value #MEASURING} when the window starts, {@value #DONE} when it ends, then {@value #RESULT} and one JSON object;
 * the client CPU is this JVM's process CPU time over the window.
 * <p>
 * Open loop latencies are counted from each request's intended send time (its slot in the fixed schedule), so a
 * sender that falls behind (a stall, a GC, a full ring) is charged for every request it delayed: no coordinated
 * omission. The time from the actual send is kept beside it.
 */
final class GatewayClientsRole
{
    /** Printed once every client is connected. */
    static final String READY = "READY";
    /** Read from standard input after {@value #READY}: start the warm-up. */
    static final String GO = "GO";
    /** Printed when the measured window starts. */
    static final String MEASURING = "MEASURING";
    /** Printed when the measured window ends. */
    static final String DONE = "DONE";
    /** Prefix of the result line. */
    static final String RESULT = "RESULT ";
    /** Timeout of each request. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

    private static final int WARMING = 0;
    private static final int MEASURE = 1;
    private static final int STOPPED = 2;
    private static final long DRAIN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    private static final long JOIN_TIMEOUT_MS = 10_000;

    private volatile int phase = WARMING;

    private GatewayClientsRole()
    {
    }

    /**
     * Runs the clients and prints the result.
     *
     * @param service    the gateway's service name.
     * @param dir        the base directory of its files.
     * @param subject    the subject to request.
     * @param clients    client threads, a session each.
     * @param size       payload bytes.
     * @param rate       total offered requests/s, or 0 for closed loop.
     * @param warmupNs   time run before the window.
     * @param durationNs the window.
     * @param out        where the lines go.
     * @throws Exception when a client cannot connect or fails.
     */
    static void run(final String service, final Path dir, final String subject, final int clients, final int size,
        final int rate, final long warmupNs, final long durationNs, final PrintStream out) throws Exception
    {
        new GatewayClientsRole().execute(service, dir, subject, clients, size, rate, warmupNs, durationNs, out);
    }

    private void execute(final String service, final Path dir, final String subject, final int clients,
        final int size, final int rate, final long warmupNs, final long durationNs, final PrintStream out)
        throws Exception
    {
        final List<GatewayClient> connected = new ArrayList<>();
        try
        {
            for (int i = 0; i < clients; i++)
            {
                connected.add(GatewayClient.connect(new ClientContext().serviceName(service).baseDirectory(dir)
                    .connectTimeoutNs(TimeUnit.SECONDS.toNanos(30))));
            }
            out.println(READY);
            out.flush();
            awaitGo();
            final byte[] payload = new byte[size];
            final long intervalNs = rate == 0 ? 0 : Math.max(1, Math.round(1e9 * clients / rate));
            final List<Worker> workers = new ArrayList<>();
            final List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < clients; i++)
            {
                final Worker worker = new Worker(connected.get(i), subject, payload, intervalNs);
                workers.add(worker);
                final Thread thread = new Thread(worker, "gateway-bench-client-" + i);
                thread.setDaemon(true);
                threads.add(thread);
            }
            threads.forEach(Thread::start);
            TimeUnit.NANOSECONDS.sleep(warmupNs);

            out.println(MEASURING);
            out.flush();
            final long cpu0 = processCpuNs();
            final long start = System.nanoTime();
            workers.forEach(Worker::startWindow);
            phase = MEASURE;
            TimeUnit.NANOSECONDS.sleep(durationNs);
            phase = STOPPED;
            final long windowNs = System.nanoTime() - start;
            final long cpuNs = processCpuNs() - cpu0;
            out.println(DONE);
            out.flush();

            for (final Thread thread : threads)
            {
                thread.join(JOIN_TIMEOUT_MS);
                if (thread.isAlive())
                {
                    throw new IllegalStateException(thread.getName() + " did not stop within " + JOIN_TIMEOUT_MS +
                        " ms after the window");
                }
            }
            final long drainDeadline = System.nanoTime() + DRAIN_TIMEOUT_NS;
            for (final Worker worker : workers)
            {
                while (worker.outstanding.get() > 0 && System.nanoTime() - drainDeadline < 0)
                {
                    TimeUnit.MILLISECONDS.sleep(1);
                }
            }
            out.println(RESULT + result(workers, windowNs, cpuNs, rate));
            out.flush();
        }
        finally
        {
            phase = STOPPED;
            for (final GatewayClient client : connected)
            {
                client.close();
            }
        }
    }

    private static void awaitGo() throws IOException
    {
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null)
        {
            if (GO.equals(line.trim()))
            {
                return;
            }
        }
        throw new IllegalStateException("standard input ended before " + GO);
    }

    private static String result(final List<Worker> workers, final long windowNs, final long cpuNs, final int rate)
        throws Exception
    {
        final Histogram all = Histograms.newHistogram();
        final Histogram intended = Histograms.newHistogram();
        final List<Long> perClient = new ArrayList<>();
        final Map<String, Long> errorsByStatus = new java.util.TreeMap<>();
        long errors = 0;
        for (final Worker worker : workers)
        {
            if (worker.failure != null)
            {
                throw new IllegalStateException("a client failed: " + worker.failure, worker.failure);
            }
            all.add(worker.histogram);
            intended.add(worker.intendedHistogram);
            perClient.add(worker.completed.get());
            errors += worker.errors.get();
            worker.errorsByStatus.forEach((status, count) -> errorsByStatus.merge(status, count.get(), Long::sum));
        }
        final Map<String, Object> result = new LinkedHashMap<>();
        result.put("windowNs", windowNs);
        result.put("cpuNs", cpuNs);
        result.put("rate", rate);
        result.put("perClient", perClient);
        result.put("errors", errors);
        result.put("errorsByStatus", errorsByStatus);
        result.put("histogram", Histograms.encode(all));
        result.put("intendedHistogram", Histograms.encode(intended));
        return new ObjectMapper().writeValueAsString(result);
    }

    private static long processCpuNs()
    {
        return ((com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    }

    /** One client thread; in the open loop the replies are recorded on the client's receiver thread. */
    private final class Worker implements Runnable
    {
        private final GatewayClient client;
        private final String subject;
        private final byte[] payload;
        private final UnsafeBuffer payloadBuffer;
        private final long intervalNs;
        private final Histogram histogram = new ConcurrentHistogram(Histograms.HIGHEST_TRACKABLE_NS,
            Histograms.SIGNIFICANT_DIGITS);
        private final Histogram intendedHistogram = new ConcurrentHistogram(Histograms.HIGHEST_TRACKABLE_NS,
            Histograms.SIGNIFICANT_DIGITS);
        private final AtomicLong completed = new AtomicLong();
        private final AtomicLong errors = new AtomicLong();
        private final AtomicLong outstanding = new AtomicLong();
        private final Map<String, AtomicLong> errorsByStatus = new java.util.concurrent.ConcurrentHashMap<>();
        private volatile Throwable failure;
        private volatile boolean restartSchedule;

        Worker(final GatewayClient client, final String subject, final byte[] payload, final long intervalNs)
        {
            this.client = client;
            this.subject = subject;
            this.payload = payload;
            this.payloadBuffer = new UnsafeBuffer(payload);
            this.intervalNs = intervalNs;
        }

        /** The open loop's schedule restarts at the window, so a warm-up backlog is not counted in it. */
        void startWindow()
        {
            restartSchedule = true;
        }

        @Override
        public void run()
        {
            try
            {
                if (intervalNs == 0)
                {
                    closedLoop();
                }
                else
                {
                    openLoop();
                }
            }
            catch (final RuntimeException ex)
            {
                failure = ex;
            }
        }

        private void closedLoop()
        {
            while (phase != STOPPED)
            {
                final long sent = System.nanoTime();
                boolean ok;
                try
                {
                    client.request(subject, null, payloadBuffer, 0, payload.length, REQUEST_TIMEOUT);
                    ok = true;
                }
                catch (final GatewayException ex)
                {
                    ok = false;
                    if (phase == MEASURE)
                    {
                        countError(ex);
                    }
                }
                final long received = System.nanoTime();
                if (phase == MEASURE)
                {
                    if (ok)
                    {
                        Histograms.record(histogram, received - sent);
                        completed.incrementAndGet();
                    }
                    else
                    {
                        errors.incrementAndGet();
                    }
                }
            }
        }

        private void openLoop()
        {
            long next = System.nanoTime();
            while (phase != STOPPED)
            {
                if (restartSchedule)
                {
                    restartSchedule = false;
                    next = System.nanoTime();
                }
                long now = System.nanoTime();
                while (next - now <= 0 && phase != STOPPED)
                {
                    send(next, now);
                    next += intervalNs;
                    now = System.nanoTime();
                }
                final long waitNs = next - System.nanoTime();
                if (waitNs > 0)
                {
                    LockSupport.parkNanos(waitNs);
                }
            }
        }

        private void send(final long intendedNs, final long sentNs)
        {
            outstanding.incrementAndGet();
            client.requestAsync(subject, payload, REQUEST_TIMEOUT).whenComplete((reply, failed) ->
            {
                final long received = System.nanoTime();
                outstanding.decrementAndGet();
                if (phase != MEASURE)
                {
                    return;
                }
                if (failed == null)
                {
                    Histograms.record(histogram, received - sentNs);
                    Histograms.record(intendedHistogram, received - intendedNs);
                    completed.incrementAndGet();
                }
                else
                {
                    errors.incrementAndGet();
                    countError(failed);
                }
            });
        }

        private void countError(final Throwable failure)
        {
            Throwable cause = failure;
            while (cause.getCause() != null && !(cause instanceof GatewayException))
            {
                cause = cause.getCause();
            }
            final String kind = cause instanceof GatewayException ? ((GatewayException)cause).status().name() :
                cause.getClass().getSimpleName();
            errorsByStatus.computeIfAbsent(kind, key -> new AtomicLong()).incrementAndGet();
        }
    }
}
