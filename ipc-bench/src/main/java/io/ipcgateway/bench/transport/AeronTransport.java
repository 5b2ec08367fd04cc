package io.ipcgateway.bench.transport;

import java.util.concurrent.TimeUnit;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * Aeron IPC ({@code aeron:ipc}) with a media driver embedded in the server JVM.
 * <p>
 * Clients publish on one shared stream that the server subscribes to (many to one); the server publishes replies
 * on one stream per client. The driver runs {@link ThreadingMode#SHARED}, one agent thread for conductor, sender
 * and receiver, with Agrona's {@link BackoffIdleStrategy} (park up to 1 ms) so that on a 2-core machine it does not
 * hold a core; for {@code aeron:ipc} the driver is off the data path except for moving the publisher limit.
 * Terms are small (1 MiB inbox, 64 KiB replies) so that memory is comparable with the other rings.
 */
public final class AeronTransport implements Transport
{
    /** Stream id of the server's inbox. */
    public static final int INBOX_STREAM_ID = 10;
    /** Base of the per-client reply stream ids. */
    public static final int REPLY_STREAM_BASE = 1000;
    /** Channel of the inbox. */
    public static final String INBOX_CHANNEL = "aeron:ipc?term-length=1m";
    /** Channel of the reply streams. */
    public static final String REPLY_CHANNEL = "aeron:ipc?term-length=64k";
    private static final long LIVENESS_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final int FRAGMENT_LIMIT = 16;

    private final TransportConfig config;
    private final String aeronDir;
    private MediaDriver driver;
    private Aeron aeron;

    /**
     * Create the transport for one JVM of a run.
     *
     * @param config of the run.
     */
    public AeronTransport(final TransportConfig config)
    {
        this.config = config;
        this.aeronDir = config.runDir().resolve("aeron").toString();
    }

    @Override
    public ServerChannel openServer()
    {
        // Generous liveness timeouts: 33 spinning threads on 2 cores can starve a client conductor for seconds.
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy())
            .clientLivenessTimeoutNs(LIVENESS_TIMEOUT_NS)
            .imageLivenessTimeoutNs(LIVENESS_TIMEOUT_NS)
            .publicationUnblockTimeoutNs(LIVENESS_TIMEOUT_NS * 2)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        aeron = connect();
        return new Server(aeron.addSubscription(INBOX_CHANNEL, INBOX_STREAM_ID));
    }

    @Override
    public synchronized ClientChannel openClient(final int clientId)
    {
        if (aeron == null)
        {
            aeron = connect();
        }
        final Subscription replies = aeron.addSubscription(REPLY_CHANNEL, REPLY_STREAM_BASE + clientId);
        final Publication inbox = aeron.addPublication(INBOX_CHANNEL, INBOX_STREAM_ID);
        return new Client(inbox, replies);
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(aeron, driver);
    }

    private Aeron connect()
    {
        return Aeron.connect(new Aeron.Context()
            .aeronDirectoryName(aeronDir)
            .driverTimeoutMs(TimeUnit.NANOSECONDS.toMillis(LIVENESS_TIMEOUT_NS)));
    }

    private static boolean offer(final Publication publication, final DirectBuffer buffer, final int offset,
        final int length)
    {
        final long result = publication.offer(buffer, offset, length);
        if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
        {
            throw new IllegalStateException("aeron publication unusable: channel=" + publication.channel() +
                ", streamId=" + publication.streamId() + ", result=" + result);
        }
        return result > 0;
    }

    private final class Server implements ServerChannel
    {
        private final Subscription inbox;
        private final Publication[] replies;
        private final IdleStrategy idle = AgronaTransport.newIdleStrategy(config.idle());
        private FrameHandler handler;
        private final FragmentHandler assembler =
            new FragmentAssembler((buffer, offset, length, header) -> handler.onFrame(buffer, offset, length));

        Server(final Subscription inbox)
        {
            this.inbox = inbox;
            this.replies = new Publication[config.clients()];
        }

        @Override
        public int poll(final FrameHandler handler, final int limit)
        {
            this.handler = handler;
            return inbox.poll(assembler, Math.min(limit, FRAGMENT_LIMIT));
        }

        @Override
        public void accept(final int clientId)
        {
            replies[clientId] = aeron.addPublication(REPLY_CHANNEL, REPLY_STREAM_BASE + clientId);
        }

        @Override
        public boolean reply(final int clientId, final DirectBuffer buffer, final int offset, final int length)
        {
            return offer(replies[clientId], buffer, offset, length);
        }

        @Override
        public IdleStrategy idleStrategy()
        {
            return idle;
        }

        @Override
        public void close()
        {
            CloseHelper.closeAll(replies);
            CloseHelper.close(inbox);
        }
    }

    private final class Client implements ClientChannel
    {
        private final Publication inbox;
        private final Subscription replies;
        private final IdleStrategy idle = AgronaTransport.newIdleStrategy(config.idle());
        private FrameHandler handler;
        private final FragmentHandler assembler =
            new FragmentAssembler((buffer, offset, length, header) -> handler.onFrame(buffer, offset, length));

        Client(final Publication inbox, final Subscription replies)
        {
            this.inbox = inbox;
            this.replies = replies;
        }

        @Override
        public boolean offer(final DirectBuffer buffer, final int offset, final int length)
        {
            return AeronTransport.offer(inbox, buffer, offset, length);
        }

        @Override
        public int poll(final FrameHandler handler, final int limit)
        {
            this.handler = handler;
            return replies.poll(assembler, Math.min(limit, FRAGMENT_LIMIT));
        }

        @Override
        public IdleStrategy idleStrategy()
        {
            return idle;
        }

        @Override
        public void close()
        {
            CloseHelper.closeAll(inbox, replies);
        }
    }
}
