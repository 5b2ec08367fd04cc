package io.ipcgateway.shm.notify;

import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The consumer JVM of the cross-process ITs: attaches to a {@link TestChannel}, sleeps on the notifier whenever
 * the ring is empty, and prints one result line ({@code key=value} pairs) to standard output.
 * <p>
 * Arguments: {@code <file> <kind> <messages> <stress|latency>}.
 * <ul>
 *   <li>stress: spin about 10 us, then sleep (100 ms timeout); counts timeouts that found data published more
 *       than 50 ms earlier: lost wake-ups, since the producer waits for every burst to be acknowledged before it
 *       sends more, so no later signal can hide a lost one.</li>
 *   <li>latency: sleep as soon as the ring is empty (10 s timeout); each message carries the producer's
 *       {@code System.nanoTime()} (the monotonic clock, shared by processes of one boot) and the consumer records
 *       how long after that stamp it read the message.</li>
 * </ul>
 */
public final class NotifierConsumerProcess
{
    private static final long SPIN_NS = TimeUnit.MICROSECONDS.toNanos(10);
    private static final long SLEEP_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long LOST_AGE_NS = TimeUnit.MILLISECONDS.toNanos(50);

    private NotifierConsumerProcess()
    {
    }

    /**
     * Runs the consumer.
     *
     * @param args file, kind, messages, mode.
     */
    public static void main(final String[] args)
    {
        final Path file = Path.of(args[0]);
        final NotifierKind kind = NotifierKind.valueOf(args[1]);
        final int messages = Integer.parseInt(args[2]);
        final boolean latencyMode = "latency".equals(args[3]);

        try (TestChannel channel = TestChannel.attach(file);
            Notifier notifier = channel.openNotifier(true, kind))
        {
            channel.markReady();
            final String result = latencyMode ?
                runLatency(channel, notifier, messages) : runStress(channel, notifier, messages);
            System.out.println("kind=" + notifier.kind() + " " + result
                + " sleeps=" + notifier.sleeps() + " wakeups=" + notifier.wakeups()
                + " timeouts=" + notifier.timeouts());
        }
    }

    private static String runStress(final TestChannel channel, final Notifier notifier, final int messages)
    {
        final OneToOneRingBuffer ring = channel.ring;
        final long[] state = new long[2]; // [0] received, [1] sequence errors
        final MessageHandler handler = (type, buffer, index, length) -> {
            if (buffer.getLong(index) != state[0])
            {
                state[1]++;
            }
            state[0]++;
        };
        final BooleanSupplier hasWork = () -> ring.size() > 0;
        long lostWakeUps = 0;
        long racedTimeouts = 0;
        long idleSinceNs = 0;
        while (state[0] < messages)
        {
            final int read = ring.read(handler);
            if (read > 0)
            {
                channel.ack(state[0]);
                idleSinceNs = 0;
                continue;
            }
            final long nowNs = System.nanoTime();
            if (idleSinceNs == 0)
            {
                idleSinceNs = nowNs;
            }
            if (nowNs - idleSinceNs < SPIN_NS)
            {
                Thread.onSpinWait();
                continue;
            }
            final long timeoutsBefore = notifier.timeouts();
            notifier.await(hasWork, SLEEP_TIMEOUT_NS);
            if (notifier.timeouts() != timeoutsBefore && ring.size() > 0)
            {
                // Data that has waited through most of the sleep was published without waking us: lost.
                // Data published just as the timeout fired is a race with a stalled producer, not a loss.
                if (System.nanoTime() - channel.publishedAtNs() > LOST_AGE_NS)
                {
                    lostWakeUps++;
                }
                else
                {
                    racedTimeouts++;
                }
            }
            idleSinceNs = 0;
        }
        return "received=" + state[0] + " sequenceErrors=" + state[1] + " lostWakeUps=" + lostWakeUps
            + " racedTimeouts=" + racedTimeouts;
    }

    private static String runLatency(final TestChannel channel, final Notifier notifier, final int messages)
    {
        final OneToOneRingBuffer ring = channel.ring;
        final long[] latencies = new long[messages];
        final int[] received = new int[1];
        final MessageHandler handler = (type, buffer, index, length) ->
            latencies[received[0]++] = System.nanoTime() - buffer.getLong(index);
        final BooleanSupplier hasWork = () -> ring.size() > 0;
        long signalled = 0;
        while (received[0] < messages)
        {
            final int read = ring.read(handler);
            if (read > 0)
            {
                channel.ack(received[0]);
            }
            else if (notifier.await(hasWork, TimeUnit.SECONDS.toNanos(10)))
            {
                signalled++;
            }
        }
        Arrays.sort(latencies);
        return "received=" + received[0] + " signalled=" + signalled
            + " p50us=" + percentileUs(latencies, 0.50)
            + " p90us=" + percentileUs(latencies, 0.90)
            + " p99us=" + percentileUs(latencies, 0.99)
            + " maxus=" + latencies[latencies.length - 1] / 1000.0;
    }

    static double percentileUs(final long[] sorted, final double fraction)
    {
        final int index = Math.min(sorted.length - 1, (int)Math.ceil(fraction * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1000.0;
    }
}
