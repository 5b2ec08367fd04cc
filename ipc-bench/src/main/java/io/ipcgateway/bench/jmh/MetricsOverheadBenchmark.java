package io.ipcgateway.bench.jmh;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.MessageHandler;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.metrics.LatencyHistogramCollector;
import io.ipcgateway.metrics.LatencyRecorder;
import io.ipcgateway.metrics.ShmCollector;
import io.ipcgateway.metrics.TimedServerHandler;
import io.ipcgateway.shm.ClientContext;
import io.ipcgateway.shm.ClientSession;
import io.ipcgateway.shm.ServerContext;
import io.ipcgateway.shm.ServerHandler;
import io.ipcgateway.shm.ShmClient;
import io.ipcgateway.shm.ShmServer;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What metrics cost on the hot path, in one run: one-way and request/response throughput with metrics
 * {@code off} and {@code on}, and the cost of one latency record.
 * <p>
 * {@code on} means everything an operator would switch on: the server's handler timed by
 * {@link TimedServerHandler}, the client recording each round trip into a {@link LatencyRecorder}, and a scraper
 * thread rendering the full Prometheus exposition ({@link ShmCollector} plus both histograms) every 100 ms, 50 to
 * 150 times more often than a usual scrape interval. The shared-memory counters are on in both cases: they are part
 * of the transport. Target: {@code on} at least 0.97x of {@code off}; a record under 20 ns with no allocation.
 * <p>
 * Run: {@code bin/ipc bench jmh MetricsOverheadBenchmark -prof gc}.
 */
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MetricsOverheadBenchmark
{
    private static final int SIZE = 32;
    private static final long SCRAPE_INTERVAL_MS = 100;

    /** A server and a client in this JVM, with or without metrics. */
    @State(Scope.Benchmark)
    public static class Channel
    {
        /** Whether handler timing, round-trip recording and a scraper are on. */
        @Param({"off", "on"})
        public String metrics;

        Path dir;
        ShmServer server;
        ShmClient client;
        LatencyRecorder roundTrip;
        Thread scraper;
        volatile boolean scraping;
        final UnsafeBuffer message = new UnsafeBuffer(new byte[SIZE]);
        final MessageHandler ignoreResponse = (typeId, buffer, offset, length) ->
        {
        };

        /**
         * Start the server, connect, and start scraping when metrics are on.
         *
         * @throws IOException when the folder cannot be created.
         */
        @Setup(Level.Trial)
        public void setUp() throws IOException
        {
            final boolean on = "on".equals(metrics);
            dir = InProcessChannels.newDirectory("jmh-metrics");
            final ServerHandler echo = new ServerHandler()
            {
                @Override
                public void onRequest(
                    final ClientSession session,
                    final long correlationId,
                    final int typeId,
                    final DirectBuffer buffer,
                    final int offset,
                    final int length)
                {
                    session.respond(correlationId, typeId, buffer, offset, length);
                }
            };
            final LatencyRecorder handlerTime = LatencyRecorder.singleWriter();
            server = ShmServer.launch(
                new ServerContext().serviceName("jmh").baseDirectory(dir).idleMode(IdleMode.SPIN),
                on ? new TimedServerHandler(echo, handlerTime) : echo);
            client = ShmClient.connect(new ClientContext().serviceName("jmh").baseDirectory(dir)
                .idleMode(IdleMode.SPIN).receiverThread(false));
            if (on)
            {
                roundTrip = new LatencyRecorder();
                final CollectorRegistry registry = new CollectorRegistry();
                new ShmCollector(dir).register(registry);
                new LatencyHistogramCollector("ipc_handler_duration_seconds", "handler", "service")
                    .add(handlerTime, "jmh").register(registry);
                new LatencyHistogramCollector("ipc_request_duration_seconds", "round trip", "service")
                    .add(roundTrip, "jmh").register(registry);
                scraping = true;
                scraper = new Thread(() -> scrapeUntilStopped(registry), "jmh-scraper");
                scraper.setDaemon(true);
                scraper.start();
            }
        }

        private void scrapeUntilStopped(final CollectorRegistry registry)
        {
            while (scraping)
            {
                try
                {
                    final StringWriter text = new StringWriter(16 * 1024);
                    TextFormat.write004(text, registry.metricFamilySamples());
                    Thread.sleep(SCRAPE_INTERVAL_MS);
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
            }
        }

        /**
         * Stop scraping, close and delete.
         *
         * @throws Exception when stopping or deleting fails.
         */
        @TearDown(Level.Trial)
        public void tearDown() throws Exception
        {
            scraping = false;
            if (scraper != null)
            {
                scraper.join(TimeUnit.SECONDS.toMillis(5));
            }
            CloseHelper.closeAll(client, server);
            InProcessChannels.delete(dir);
        }
    }

    /** Latencies drawn in advance, for the recording benchmark. */
    @State(Scope.Thread)
    public static class Values
    {
        final long[] values = new long[4096];
        final LatencyRecorder every = new LatencyRecorder();
        final LatencyRecorder singleWriter = LatencyRecorder.singleWriter();
        final LatencyRecorder oneInEight = new LatencyRecorder(8);
        int next;

        /**
         * Draw log-uniform latencies between 100 ns and 10 ms.
         */
        @Setup(Level.Trial)
        public void setUp()
        {
            final SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < values.length; i++)
            {
                values[i] = (long)Math.pow(10, 2 + 5 * random.nextDouble());
            }
        }

        long next()
        {
            return values[next++ & (values.length - 1)];
        }
    }

    /**
     * One-way offers into the server's inbox; a full ring is retried.
     *
     * @param channel the server and client.
     * @return the offer result.
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long oneWay(final Channel channel)
    {
        long result;
        while ((result = channel.client.offer(1, channel.message, 0, SIZE)) == OfferResult.BACK_PRESSURED)
        {
            Thread.onSpinWait();
        }
        return result;
    }

    /**
     * One request and its response, recorded into the round-trip histogram when metrics are on.
     *
     * @param channel the server and client.
     * @return the request result.
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long requestResponse(final Channel channel)
    {
        final long start = System.nanoTime();
        final long result = channel.client.request(
            2, channel.message, 0, SIZE, channel.ignoreResponse, TimeUnit.SECONDS.toNanos(5));
        if (channel.roundTrip != null)
        {
            channel.roundTrip.recordNanos(System.nanoTime() - start);
        }
        return result;
    }

    /**
     * One record of every value.
     *
     * @param values the values and recorders.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public void recordEvery(final Values values)
    {
        values.every.recordNanos(values.next());
    }

    /**
     * One record into a single-writer recorder (a server's duty cycle).
     *
     * @param values the values and recorders.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public void recordSingleWriter(final Values values)
    {
        values.singleWriter.recordNanos(values.next());
    }

    /**
     * One call with 1-in-8 sampling.
     *
     * @param values the values and recorders.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public void recordOneInEight(final Values values)
    {
        values.oneInEight.recordNanos(values.next());
    }
}
