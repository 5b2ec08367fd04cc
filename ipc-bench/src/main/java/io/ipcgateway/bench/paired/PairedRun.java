package io.ipcgateway.bench.paired;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import io.ipcgateway.bench.load.Histograms;
import io.ipcgateway.bench.load.LoadRun;
import io.ipcgateway.bench.transport.ClientChannel;
import io.ipcgateway.bench.transport.FrameHandler;
import io.ipcgateway.bench.transport.Idle;
import io.ipcgateway.bench.transport.ServerChannel;
import io.ipcgateway.bench.transport.Transport;
import io.ipcgateway.bench.transport.TransportConfig;
import io.ipcgateway.bench.transport.Transports;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Two or more transports in one JVM, taking turns in short phases: one server thread and one client thread serve
 * whichever transport's phase it is, so every transport sees the same JIT, the same page cache and, above all, the
 * same state of a VM whose speed swings by 2-3x between phases of a few seconds.
 * <p>
 * The separate-process harness ({@code compare}) answers what a deployment gets; this answers, more precisely, how
 * two designs compare on one path: a ratio taken per round, between phases a fraction of a second apart, has a far
 * smaller spread than a ratio of medians of runs minutes apart. It covers one producer sending one-way messages
 * (throughput) and busy-spin ping-pong (round-trip latency), both with busy-spinning sides. The order of the
 * transports alternates from round to round so that neither always follows the other.
 */
public final class PairedRun
{
    private static final int POLL_LIMIT = 64;
    private static final int IDLE = -1;
    private static final int STOPPED = -2;
    private static final long SETUP_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    /** Counters of different transports 128 bytes apart, so no thread's write lands on a line another one reads. */
    private static final int SLOT = 16;

    private final PairedSpec spec;
    private final int count;
    private final ServerChannel[] servers;
    /** Per transport, one client per producer thread. */
    private final ClientChannel[][] clients;
    private final int producers;
    private final Transport[] transports;
    /** The transport whose phase it is, {@link #IDLE} between phases, {@link #STOPPED} at the end. */
    private final AtomicInteger active = new AtomicInteger(IDLE);
    /** What the client thread is working on: the transport of its current message, or {@link #IDLE}. */
    private final AtomicIntegerArray clientOn;
    /**
     * Messages sent and read per transport, at {@link #slot}. Published when a phase ends, not per message: a write
     * per message to a line the other thread reads would cost both transports a cache miss each time, and that
     * would be most of what is measured.
     */
    private final AtomicLongArray sent;
    private final AtomicLongArray received;
    /** CPU time of each producer thread per transport, at the producer's slots of {@link #sent}. */
    private final AtomicLongArray producerCpuNs;
    private final Histogram[] roundTrips;
    private volatile Throwable failure;

    private PairedRun(final PairedSpec spec)
    {
        this.spec = spec;
        this.count = spec.transports().size();
        this.servers = new ServerChannel[count];
        this.producers = spec.producers();
        this.clients = new ClientChannel[count][producers];
        this.clientOn = new AtomicIntegerArray(producers * SLOT);
        for (int p = 0; p < producers; p++)
        {
            clientOn.set(p * SLOT, IDLE);
        }
        this.transports = new Transport[count];
        this.sent = new AtomicLongArray((count * producers + 1) * SLOT);
        this.received = new AtomicLongArray((count + 1) * SLOT);
        this.producerCpuNs = new AtomicLongArray((count * producers + 1) * SLOT);
        this.roundTrips = new Histogram[count];
        for (int i = 0; i < count; i++)
        {
            roundTrips[i] = Histograms.newHistogram();
        }
    }

    /**
     * Run the phases and return every measured phase's figures.
     *
     * @param spec     what to run.
     * @param progress receives one line per round.
     * @return the figures of every measured phase.
     * @throws Exception when a transport cannot be set up or fails; threads are stopped and files deleted anyway.
     */
    public static PairedResult execute(final PairedSpec spec, final Consumer<String> progress) throws Exception
    {
        final Path dir = LoadRun.newRunDir();
        try
        {
            return new PairedRun(spec).run(dir, progress);
        }
        finally
        {
            LoadRun.releaseRunDir(dir);
        }
    }

    private PairedResult run(final Path dir, final Consumer<String> progress) throws Exception
    {
        final Thread server = new Thread(this::serve, "paired-server");
        final Thread[] producerThreads = new Thread[producers];
        for (int p = 0; p < producers; p++)
        {
            final int producer = p;
            producerThreads[p] = new Thread(() -> produce(producer), producers == 1 ? "paired-client" :
                "paired-client-" + p);
        }
        try
        {
            for (int i = 0; i < count; i++)
            {
                final Path runDir = Files.createDirectories(dir.resolve(spec.transports().get(i)));
                transports[i] = Transports.create(spec.transports().get(i),
                    new TransportConfig(runDir, Idle.SPIN, spec.size(), producers, spec.pingPong()));
                servers[i] = transports[i].openServer();
            }
            server.start();
            for (int i = 0; i < count; i++)
            {
                // The server thread already polls every transport: ours needs it for the connect handshake.
                for (int p = 0; p < producers; p++)
                {
                    clients[i][p] = transports[i].openClient(p);
                    hello(i, p);
                }
            }
            for (final Thread producer : producerThreads)
            {
                producer.start();
            }
            final List<PairedResult.Phase> phases = new ArrayList<>();
            for (int round = -spec.warmupRounds(); round < spec.rounds(); round++)
            {
                final StringBuilder line = new StringBuilder(round < 0 ? "warm-up" : "round " + (round + 1));
                for (int k = 0; k < count; k++)
                {
                    // Alternate the order, so that neither transport always runs right after the other.
                    final int t = (round & 1) == 0 ? k : count - 1 - k;
                    final PairedResult.Phase phase = phase(round, t);
                    line.append(String.format("  %s %s", spec.transports().get(t), phase.describe(spec.pingPong())));
                    if (round >= 0)
                    {
                        phases.add(phase);
                    }
                }
                progress.accept(line.toString());
            }
            return new PairedResult(spec, phases);
        }
        finally
        {
            active.set(STOPPED);
            for (final Thread producer : producerThreads)
            {
                producer.join(TimeUnit.SECONDS.toMillis(10));
            }
            server.join(TimeUnit.SECONDS.toMillis(10));
            for (int i = 0; i < count; i++)
            {
                for (final ClientChannel channel : clients[i])
                {
                    closeQuietly(channel);
                }
                closeQuietly(servers[i]);
                closeQuietly(transports[i]);
            }
            final Throwable failed = failure;
            if (failed != null)
            {
                throw new IllegalStateException("paired run failed: " + failed, failed);
            }
        }
    }

    /** One message each way before the phases, so every reply path is up (ours connects on its first request). */
    private void hello(final int t, final int producer)
    {
        final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(spec.size()));
        // The server sets up the reply path of the client named here.
        message.putInt(0, producer);
        final long deadline = System.nanoTime() + SETUP_TIMEOUT_NS;
        while (!clients[t][producer].offer(message, 0, spec.size()))
        {
            checkSetup(t, deadline);
        }
        while (clients[t][producer].poll((buffer, offset, length) -> { }, 1) == 0)
        {
            checkSetup(t, deadline);
        }
    }

    private void checkSetup(final int t, final long deadline)
    {
        if (failure != null || System.nanoTime() > deadline)
        {
            throw new IllegalStateException("transport " + spec.transports().get(t) + " did not answer its hello"
                + (failure != null ? ": " + failure : " within 30 s"));
        }
        Thread.onSpinWait();
    }

    private PairedResult.Phase phase(final int round, final int t) throws InterruptedException
    {
        final long sentBefore = sentBy(t);
        final long cpuBefore = cpuOf(t);
        roundTrips[t].reset();
        final long start = System.nanoTime();
        active.set(t);
        LockSupport.parkNanos(spec.phaseNs());
        active.set(IDLE);
        // The phase ends when the client has finished its last message and, one-way, the server has read them all.
        final long deadline = System.nanoTime() + SETUP_TIMEOUT_NS;
        while (anyProducerBusy() || received.get(slot(t)) != sentBy(t))
        {
            if (failure != null || System.nanoTime() > deadline)
            {
                throw new IllegalStateException("transport " + spec.transports().get(t) + (failure != null ?
                    " failed: " + failure : " did not finish its phase within 30 s: sent=" + sentBy(t) +
                    " received=" + received.get(slot(t)) + " client busy=" + anyProducerBusy()));
            }
            Thread.onSpinWait();
        }
        final long elapsed = System.nanoTime() - start;
        final long messages = sentBy(t) - sentBefore;
        final long cpuNs = cpuOf(t) - cpuBefore;
        final Histogram histogram = roundTrips[t];
        return new PairedResult.Phase(round, spec.transports().get(t), messages * 1e9 / elapsed,
            spec.pingPong() ? histogram.getValueAtPercentile(50) / 1000.0 : Double.NaN,
            spec.pingPong() ? histogram.getValueAtPercentile(99) / 1000.0 : Double.NaN,
            messages > 0 && cpuNs > 0 ? (double)cpuNs / messages : Double.NaN);
    }

    /** The server thread: polls the active transport; before the phases, every transport, answering hellos. */
    private void serve()
    {
        try
        {
            final long[] counts = new long[count];
            final ReplyingHandler[] handlers = new ReplyingHandler[count];
            for (int i = 0; i < count; i++)
            {
                handlers[i] = new ReplyingHandler(servers[i], counts, i);
            }
            int state;
            int current = IDLE;
            while ((state = active.get()) != STOPPED)
            {
                if (state != current)
                {
                    if (current >= 0)
                    {
                        received.lazySet(slot(current), counts[current]);
                    }
                    current = state;
                }
                if (state >= 0)
                {
                    servers[state].poll(handlers[state], POLL_LIMIT);
                    continue;
                }
                // Between phases: drain every transport (what the last phase left in flight) and answer hellos.
                for (int i = 0; i < count; i++)
                {
                    if (servers[i].poll(handlers[i], POLL_LIMIT) > 0)
                    {
                        received.lazySet(slot(i), counts[i]);
                    }
                }
            }
        }
        catch (final Throwable ex)
        {
            failure = ex;
        }
    }

    private long sentBy(final int t)
    {
        long total = 0;
        for (int p = 0; p < producers; p++)
        {
            total += sent.get(sentSlot(p, t));
        }
        return total;
    }

    private long cpuOf(final int t)
    {
        long total = 0;
        for (int p = 0; p < producers; p++)
        {
            total += producerCpuNs.get(sentSlot(p, t));
        }
        return total;
    }

    private boolean anyProducerBusy()
    {
        for (int p = 0; p < producers; p++)
        {
            if (clientOn.get(p * SLOT) != IDLE)
            {
                return true;
            }
        }
        return false;
    }

    private int sentSlot(final int producer, final int transport)
    {
        return (producer * count + transport + 1) * SLOT;
    }

    /** A client thread: sends (and, ping-pong, waits for the echo) on the active transport. */
    private void produce(final int producer)
    {
        try
        {
            final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(spec.size()));
            final int size = spec.size();
            final boolean pingPong = spec.pingPong();
            final FrameHandler onReply = (buffer, offset, length) -> { };
            final long[] counts = new long[count];
            final long[] cpu = new long[count];
            final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpuMark = threads.getCurrentThreadCpuTime();
            int t;
            int current = IDLE;
            while ((t = active.get()) != STOPPED)
            {
                if (t != current)
                {
                    // Only at phase changes: reading the thread's CPU time is a system call.
                    final long cpuNow = threads.getCurrentThreadCpuTime();
                    if (current >= 0)
                    {
                        cpu[current] += cpuNow - cpuMark;
                        producerCpuNs.lazySet(sentSlot(producer, current), cpu[current]);
                        sent.lazySet(sentSlot(producer, current), counts[current]);
                    }
                    cpuMark = cpuNow;
                    // After the count: the main thread reads it once it sees the client idle.
                    clientOn.lazySet(producer * SLOT, t);
                    current = t;
                }
                if (t == IDLE)
                {
                    Thread.onSpinWait();
                    continue;
                }
                final ClientChannel client = clients[t][producer];
                if (!pingPong)
                {
                    if (client.offer(message, 0, size))
                    {
                        counts[t]++;
                    }
                    continue;
                }
                final long start = System.nanoTime();
                while (!client.offer(message, 0, size))
                {
                    Thread.onSpinWait();
                }
                while (client.poll(onReply, 1) == 0)
                {
                    Thread.onSpinWait();
                }
                Histograms.record(roundTrips[t], System.nanoTime() - start);
                counts[t]++;
            }
            clientOn.lazySet(producer * SLOT, IDLE);
        }
        catch (final Throwable ex)
        {
            failure = ex;
            clientOn.set(producer * SLOT, IDLE);
        }
    }

    private static int slot(final int transport)
    {
        return (transport + 1) * SLOT;
    }

    private static void closeQuietly(final AutoCloseable closeable)
    {
        if (closeable == null)
        {
            return;
        }
        try
        {
            closeable.close();
        }
        catch (final Exception ex)
        {
            System.err.println("paired: closing " + closeable + " failed: " + ex);
        }
    }

    /**
     * Counts what the server reads; answers the first message of every producer (its hello, which names it) and, in
     * ping-pong, every one.
     */
    private final class ReplyingHandler implements FrameHandler
    {
        private final ServerChannel server;
        private final long[] counts;
        private final int transport;
        private int greeted;

        ReplyingHandler(final ServerChannel server, final long[] counts, final int transport)
        {
            this.server = server;
            this.counts = counts;
            this.transport = transport;
        }

        @Override
        public void onFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            // The hellos come one producer at a time, before any phase.
            final boolean hello = greeted < producers;
            if (!hello)
            {
                counts[transport]++;
            }
            final int client = hello ? buffer.getInt(offset) : 0;
            if (hello)
            {
                // As in the harness's server: the reply path of a client is set up when its hello arrives.
                server.accept(client);
                greeted++;
            }
            if (hello || spec.pingPong())
            {
                while (!server.reply(client, buffer, offset, length))
                {
                    Thread.onSpinWait();
                }
            }
        }
    }
}
