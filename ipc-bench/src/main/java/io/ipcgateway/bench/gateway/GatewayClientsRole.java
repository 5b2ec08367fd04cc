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
import io.ipcgateway.examples.gateway.GatewayReplyListener;
import io.ipcgateway.examples.gateway.GatewayStatus;
import io.ipcgateway.shm.ClientContext;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The client JVM of {@code bench gateway}: {@code clients} threads, each with its own {@link GatewayClient} (its own
 * session, as a separate local process would have), doing requests to one subject with the client's
 * allocation-free {@code requestAsync} (a {@link GatewayReplyListener}, no future), either closed loop (the next
 * request when the reply came) or open loop (a request every {@code clients / rate} seconds per thread, whatever the
 * replies do). It prints {@value #READY} once connected, waits for a
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

    /**
     * One client thread, sending with the gateway client's allocation-free {@code requestAsync} and a listener: the
     * replies are recorded on the client's receiver thread. Closed loop: the thread parks until the listener saw the
     * reply. Open loop: the intended and actual send times of each request wait in a ring indexed by its sequence
     * number (the listener's context), big enough for every request that can still be pending.
     */
    private final class Worker implements Runnable, GatewayReplyListener
    {
        private final GatewayClient client;
        private final String subject;
        private final byte[] payload;
        private final UnsafeBuffer payloadBuffer;
        private final long intervalNs;
        private final long[] intendedNs;
        private final long[] sentNs;
        private final int mask;
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
        /** Closed loop: the sequence number of the last request whose outcome the listener saw. */
        private volatile long answered = -1;
        private volatile Thread thread;
        private long sequence;

        Worker(final GatewayClient client, final String subject, final byte[] payload, final long intervalNs)
        {
            this.client = client;
            this.subject = subject;
            this.payload = payload;
            this.payloadBuffer = new UnsafeBuffer(payload);
            this.intervalNs = intervalNs;
            // A request stays pending at most its local timeout (plus a watchdog tick); at the offered rate that is
            // far fewer sends than the ring holds, so an entry is never overwritten while its request is pending.
            final long pendingNs = REQUEST_TIMEOUT.plus(GatewayClient.LOCAL_TIMEOUT_SLACK).toNanos() +
                TimeUnit.SECONDS.toNanos(1);
            final long entries = intervalNs == 0 ? 1 : Math.max(4096, pendingNs / intervalNs);
            final int size = BitUtil.findNextPositivePowerOfTwo((int)Math.min(entries, 1 << 22));
            this.intendedNs = new long[size];
            this.sentNs = new long[size];
            this.mask = size - 1;
        }

        /** The open loop's schedule restarts at the window, so a warm-up backlog is not counted in it. */
        void startWindow()
        {
            restartSchedule = true;
        }

        @Override
        public void run()
        {
            thread = Thread.currentThread();
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
                final long now = System.nanoTime();
                final long request = sequence;
                if (!send(now, now))
                {
                    continue;
                }
                while (answered != request)
                {
                    // The listener unparks this thread; the bound only guards against a lost unpark.
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10));
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

        /** Sends one request; a request not sent is counted as an error at once. */
        private boolean send(final long intendedAt, final long sentAt)
        {
            final long request = sequence;
            final int index = (int)request & mask;
            intendedNs[index] = intendedAt;
            sentNs[index] = sentAt;
            outstanding.incrementAndGet();
            // The entries above are published to the receiver thread by the request slot's release and the ring's
            // compare-and-set, both before the reply can exist.
            final GatewayStatus status = client.requestAsync(subject, null, payloadBuffer, 0, payload.length,
                REQUEST_TIMEOUT, this, request);
            if (status != GatewayStatus.OK)
            {
                outstanding.decrementAndGet();
                if (phase == MEASURE)
                {
                    errors.incrementAndGet();
                    countError(status.name());
                }
                return false;
            }
            sequence = request + 1;
            return true;
        }

        @Override
        public void onReply(
            final long request, final GatewayStatus status, final DirectBuffer buffer, final int offset,
            final int length)
        {
            final long received = System.nanoTime();
            final int index = (int)request & mask;
            outstanding.decrementAndGet();
            if (phase == MEASURE)
            {
                if (status == GatewayStatus.OK)
                {
                    Histograms.record(histogram, received - sentNs[index]);
                    if (intervalNs != 0)
                    {
                        Histograms.record(intendedHistogram, received - intendedNs[index]);
                    }
                    completed.incrementAndGet();
                }
                else
                {
                    errors.incrementAndGet();
                    countError(status.name());
                }
            }
            if (intervalNs == 0)
            {
                answered = request;
                LockSupport.unpark(thread);
            }
        }

        private void countError(final String kind)
        {
            errorsByStatus.computeIfAbsent(kind, key -> new AtomicLong()).incrementAndGet();
        }
    }
}
