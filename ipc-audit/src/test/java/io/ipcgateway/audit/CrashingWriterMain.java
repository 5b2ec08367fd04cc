package io.ipcgateway.audit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * The child JVM of {@link KillNineLoopTest}: opens the log in {@code args[0]} with the durability policy
 * {@code args[1]} (as {@link DurabilityPolicy#parse}), prints {@code START <next sequence>}, then appends from
 * {@code args[2]} threads for ever, each printing {@code ACK <sequence> <thread> <counter> end} after its append
 * returned, that is after the policy was met. It is meant to be killed with SIGKILL at any moment.
 */
final class CrashingWriterMain
{
    private CrashingWriterMain()
    {
    }

    /** The payload of a thread's n-th record; the test recomputes it to check what it reads back. */
    static byte[] payload(final int thread, final long counter)
    {
        final String text = "thread " + thread + " record " + counter + " "
            + "x".repeat((int)((counter * 31 + thread) % 200));
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static void main(final String[] args) throws Exception
    {
        final AuditLog log = AuditLog.open(AuditLogConfig.builder(Paths.get(args[0]))
            .segmentSize(64 * 1024)
            .durability(DurabilityPolicy.parse(args[1]))
            .build());
        final int threads = Integer.parseInt(args[2]);
        synchronized (System.out)
        {
            System.out.println("START " + (log.lastSequence() + 1));
            System.out.flush();
        }
        for (int t = 0; t < threads; t++)
        {
            final int thread = t;
            final Thread writer = new Thread(() ->
            {
                for (long counter = 0; ; counter++)
                {
                    final byte[] bytes = payload(thread, counter);
                    final long sequence = log.append(1, thread, new UnsafeBuffer(bytes), 0, bytes.length);
                    synchronized (System.out)
                    {
                        System.out.println("ACK " + sequence + " " + thread + " " + counter + " end");
                        System.out.flush();
                    }
                }
            }, "writer-" + t);
            writer.start();
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
