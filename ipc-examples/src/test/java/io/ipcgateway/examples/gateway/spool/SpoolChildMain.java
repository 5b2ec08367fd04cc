package io.ipcgateway.examples.gateway.spool;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.ipcgateway.audit.DurabilityPolicy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The kill -9 tests' child JVM. {@code append DIR THREADS POLICY START}: appends from THREADS threads until killed,
 * printing {@code ACK <sequence> <payload>} once each append has returned (what a gateway acknowledges).
 * {@code drain DIR BATCH}: drains BATCH messages per call, printing {@code DELIVERED <sequence>} as the sink takes
 * each one, until killed. {@code pipeline DIR WINDOW}: drains with
 * {@link PublishSpool#drain(AsyncSpoolSink, int, int)}, 50 per call and up to WINDOW unconfirmed, printing
 * {@code SENT <sequence>} as each is sent and {@code ACKED <sequence>} as another thread answers it (after a random
 * delay, so out of order), until killed.
 */
public final class SpoolChildMain
{
    private SpoolChildMain()
    {
    }

    /**
     * Runs the child.
     *
     * @param args the mode and its arguments.
     */
    public static void main(final String[] args)
    {
        final PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        final SpoolConfig config = SpoolConfig.builder(Paths.get(args[1])).segmentSize(64 * 1024)
            .durability(DurabilityPolicy.parse(args.length > 3 ? args[3] : "none")).build();
        final PublishSpool spool = PublishSpool.open(config);
        if ("append".equals(args[0]))
        {
            append(spool, Integer.parseInt(args[2]), args[4], out);
        }
        else if ("pipeline".equals(args[0]))
        {
            pipeline(spool, Integer.parseInt(args[2]), out);
        }
        else
        {
            drain(spool, Integer.parseInt(args[2]), out);
        }
    }

    private static void append(final PublishSpool spool, final int threads, final String run, final PrintStream out)
    {
        synchronized (out)
        {
            out.println("READY");
            out.flush();
        }
        for (int t = 0; t < threads; t++)
        {
            final String subject = "r" + run + ".t" + t;
            final Thread thread = new Thread(() ->
            {
                for (int i = 0; ; i++)
                {
                    final String text = subject + "-" + i;
                    final UnsafeBuffer payload = new UnsafeBuffer(text.getBytes(StandardCharsets.UTF_8));
                    final long sequence = spool.append(subject, null, payload, 0, payload.capacity());
                    if (sequence < 0)
                    {
                        throw new IllegalStateException("append refused: " + sequence);
                    }
                    synchronized (out)
                    {
                        out.println("ACK " + sequence + " " + text);
                        out.flush();
                    }
                }
            });
            thread.start();
        }
    }

    private static void drain(final PublishSpool spool, final int batch, final PrintStream out)
    {
        out.println("READY");
        out.flush();
        while (true)
        {
            spool.drain((sequence, subject, headers, payload, offset, length) ->
            {
                out.println("DELIVERED " + sequence);
                out.flush();
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
                return true;
            }, batch);
        }
    }

    private static void pipeline(final PublishSpool spool, final int window, final PrintStream out)
    {
        final ScheduledExecutorService bus = Executors.newSingleThreadScheduledExecutor();
        synchronized (out)
        {
            out.println("READY");
            out.flush();
        }
        while (true)
        {
            spool.drain((sequence, timestamp, subject, headers, payload, offset, length) ->
            {
                synchronized (out)
                {
                    out.println("SENT " + sequence);
                    out.flush();
                }
                final CompletableFuture<Void> answer = new CompletableFuture<>();
                bus.schedule(() ->
                {
                    synchronized (out)
                    {
                        out.println("ACKED " + sequence);
                        out.flush();
                    }
                    answer.complete(null);
                }, ThreadLocalRandom.current().nextInt(300), TimeUnit.MICROSECONDS);
                return answer;
            }, 50, window);
        }
    }
}
