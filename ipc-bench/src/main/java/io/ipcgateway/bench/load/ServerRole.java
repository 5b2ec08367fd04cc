package io.ipcgateway.bench.load;

import java.io.PrintStream;
import java.nio.file.Path;

import io.ipcgateway.bench.transport.FrameHandler;
import io.ipcgateway.bench.transport.ServerChannel;
import io.ipcgateway.bench.transport.Transport;
import io.ipcgateway.bench.transport.TransportConfig;
import io.ipcgateway.bench.transport.Transports;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;

/**
 * The server JVM of a run: one thread that polls the transport's inbox, echoes requests in ping-pong and
 * request/response runs, and counts (and samples the latency of) messages in one-way runs.
 * <p>
 * Protocol on standard output: {@code READY} once the server end is open, then
 * {@code RESULT server count=<n> hist=<base64>} when the measured window ends.
 */
public final class ServerRole implements FrameHandler
{
    private static final int POLL_LIMIT = 64;

    private final ServerChannel channel;
    private final Control control;
    private final Histogram histogram = Histograms.newHistogram();
    private final boolean echo;
    private boolean measuring;
    private long received;

    private ServerRole(final ServerChannel channel, final Control control, final boolean echo)
    {
        this.channel = channel;
        this.control = control;
        this.echo = echo;
    }

    /**
     * Run the server of one run until the orchestrator says EXIT.
     *
     * @param spec the run.
     * @param dir  the run's folder.
     * @param out  where the protocol lines go.
     * @throws Exception when the transport fails.
     */
    public static void run(final RunSpec spec, final Path dir, final PrintStream out) throws Exception
    {
        final Control control = Control.start(System.in);
        final TransportConfig config = new TransportConfig(dir, spec.idle(), spec.size(), spec.clients(),
            spec.mode() != Mode.ONEWAY);
        try (Transport transport = Transports.create(spec.transport(), config);
            ServerChannel channel = transport.openServer())
        {
            out.println("READY");
            out.flush();
            new ServerRole(channel, control, spec.mode() != Mode.ONEWAY).serve(out);
        }
    }

    private void serve(final PrintStream out)
    {
        final IdleStrategy idle = channel.idleStrategy();
        final Control control = this.control;
        long startCount = 0;
        boolean reported = false;
        // Keep serving after the window until EXIT: clients may still have requests in flight.
        while (!control.exit())
        {
            final int work = channel.poll(this, POLL_LIMIT);
            idle.idle(work);
            if (!reported && control.go())
            {
                final long now = System.nanoTime();
                if (!measuring && now >= control.measureStartNs())
                {
                    measuring = true;
                    startCount = received;
                }
                if (measuring && now >= control.measureEndNs())
                {
                    measuring = false;
                    reported = true;
                    out.println("RESULT server count=" + (received - startCount) + " hist=" +
                        Histograms.encode(histogram));
                    out.flush();
                }
            }
        }
    }

    @Override
    public void onFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        final int type = buffer.getInt(offset + Frame.TYPE_OFFSET);
        if (type == Frame.TYPE_HELLO)
        {
            channel.accept(buffer.getInt(offset + Frame.CLIENT_ID_OFFSET));
            reply(buffer, offset, length);
            return;
        }
        received++;
        if (echo)
        {
            reply(buffer, offset, length);
        }
        else if (measuring)
        {
            final long sentNs = buffer.getLong(offset + Frame.TIMESTAMP_OFFSET);
            if (sentNs != 0)
            {
                Histograms.record(histogram, System.nanoTime() - sentNs);
            }
        }
    }

    private void reply(final DirectBuffer buffer, final int offset, final int length)
    {
        final int clientId = buffer.getInt(offset + Frame.CLIENT_ID_OFFSET);
        for (int attempt = 0; !channel.reply(clientId, buffer, offset, length); attempt++)
        {
            if (control.exit())
            {
                return;
            }
            BackPressure.pause(attempt);
        }
    }
}
