package io.ipcgateway.bench.load;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.bench.transport.ClientChannel;
import io.ipcgateway.bench.transport.FrameHandler;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One client of a run, on its own thread: says hello, waits for GO, then produces the run's traffic and counts
 * what completed inside the measured window.
 * <p>
 * One-way clients stamp one message in {@value #ONEWAY_SAMPLE_EVERY} with the send time (the server measures
 * those) and read the clock only then, so timing costs almost nothing per message. Ping-pong and request/response
 * clients time every round trip from its <em>intended</em> send time: with an interval set, a late reply delays
 * the next send and that delay is counted, which is how coordinated omission is handled.
 */
final class ClientWorker implements FrameHandler
{
    /** One-way: one message in this many carries a timestamp. */
    static final int ONEWAY_SAMPLE_EVERY = 64;
    private static final long REPLY_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    private final RunSpec spec;
    private final int clientId;
    private final ClientChannel channel;
    private final Control control;
    private final UnsafeBuffer message;
    private final Histogram histogram = Histograms.newHistogram();
    private boolean replied;
    private long count;

    ClientWorker(final RunSpec spec, final int clientId, final ClientChannel channel, final Control control)
    {
        this.spec = spec;
        this.clientId = clientId;
        this.channel = channel;
        this.control = control;
        this.message = new UnsafeBuffer(ByteBuffer.allocateDirect(spec.size()));
        message.putInt(Frame.CLIENT_ID_OFFSET, clientId);
    }

    int clientId()
    {
        return clientId;
    }

    long count()
    {
        return count;
    }

    Histogram histogram()
    {
        return histogram;
    }

    /** Send the hello and wait for the server's answer, so the reply path is up before GO. */
    void hello()
    {
        message.putInt(Frame.TYPE_OFFSET, Frame.TYPE_HELLO);
        message.putLong(Frame.TIMESTAMP_OFFSET, System.nanoTime());
        send();
        awaitReply();
        message.putInt(Frame.TYPE_OFFSET, Frame.TYPE_DATA);
    }

    /** Produce the traffic until the measured window ends. */
    void run()
    {
        if (spec.mode() == Mode.ONEWAY)
        {
            oneWay();
        }
        else
        {
            roundTrips();
        }
    }

    private void oneWay()
    {
        final long startNs = control.measureStartNs();
        final long endNs = control.measureEndNs();
        final UnsafeBuffer message = this.message;
        final int size = spec.size();
        long sent = 0;
        long sentAtStart = -1;
        for (long i = 0; ; i++)
        {
            long timestamp = 0;
            if ((i & (ONEWAY_SAMPLE_EVERY - 1)) == 0)
            {
                final long now = System.nanoTime();
                if (now >= endNs)
                {
                    break;
                }
                if (sentAtStart < 0 && now >= startNs)
                {
                    sentAtStart = sent;
                }
                timestamp = sentAtStart < 0 ? 0 : now;
            }
            message.putLong(Frame.TIMESTAMP_OFFSET, timestamp);
            for (int attempt = 0; !channel.offer(message, 0, size); attempt++)
            {
                BackPressure.pause(attempt);
            }
            sent++;
        }
        count = sentAtStart < 0 ? 0 : sent - sentAtStart;
    }

    private void roundTrips()
    {
        final long startNs = control.measureStartNs();
        final long endNs = control.measureEndNs();
        final long intervalNs = spec.intervalNs();
        final Histogram histogram = this.histogram;
        long nextSendNs = System.nanoTime();
        long completed = 0;
        while (true)
        {
            final long intendedNs;
            if (intervalNs > 0)
            {
                intendedNs = nextSendNs;
                nextSendNs += intervalNs;
                // Spin to the intended time: a park would oversleep by the timer slack and skew the schedule.
                while (System.nanoTime() < intendedNs)
                {
                    Thread.onSpinWait();
                }
            }
            else
            {
                intendedNs = System.nanoTime();
            }
            if (intendedNs >= endNs)
            {
                break;
            }
            message.putLong(Frame.TIMESTAMP_OFFSET, intendedNs);
            send();
            awaitReply();
            if (intendedNs >= startNs)
            {
                Histograms.record(histogram, System.nanoTime() - intendedNs);
                completed++;
            }
        }
        count = completed;
    }

    private void send()
    {
        for (int attempt = 0; !channel.offer(message, 0, spec.size()); attempt++)
        {
            BackPressure.pause(attempt);
        }
    }

    private void awaitReply()
    {
        final IdleStrategy idle = channel.idleStrategy();
        replied = false;
        idle.reset();
        int polls = 0;
        long deadlineNs = 0;
        while (!replied)
        {
            idle.idle(channel.poll(this, 1));
            if (++polls == 1024)
            {
                // Checked rarely: a lost reply is a bug to report, not a case to make the hot loop pay for.
                polls = 0;
                final long now = System.nanoTime();
                if (deadlineNs == 0)
                {
                    deadlineNs = now + REPLY_TIMEOUT_NS;
                }
                else if (now > deadlineNs || control.exit())
                {
                    throw new IllegalStateException("no reply within 30 s: transport=" + spec.transport() +
                        ", client=" + clientId);
                }
            }
        }
    }

    @Override
    public void onFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        replied = true;
    }
}
