package io.ipcgateway.bench.transport;

import java.io.File;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * Raw Agrona: the same rings we build on, over mapped files, with none of our layers (no headers, liveness,
 * notifier or sessions). The server reads a {@link ManyToOneRingBuffer} inbox; each client creates a
 * {@link OneToOneRingBuffer} for its replies. Waiting is {@link BusySpinIdleStrategy} or Agrona's
 * {@link BackoffIdleStrategy}.
 */
public final class AgronaTransport implements Transport
{
    /** Capacity of the server's inbox ring. */
    public static final int INBOX_CAPACITY = 1024 * 1024;
    /** Capacity of each client's reply ring. */
    public static final int REPLY_CAPACITY = 64 * 1024;
    private static final int MSG_TYPE_ID = 1;

    private final TransportConfig config;
    private final Path dir;

    /**
     * Create the transport for one JVM of a run.
     *
     * @param config of the run.
     */
    public AgronaTransport(final TransportConfig config)
    {
        this.config = config;
        this.dir = config.runDir().resolve("agrona");
    }

    static IdleStrategy newIdleStrategy(final Idle idle)
    {
        return idle == Idle.SPIN ? new BusySpinIdleStrategy() : new BackoffIdleStrategy();
    }

    @Override
    public ServerChannel openServer() throws IOException
    {
        Files.createDirectories(dir);
        final MappedByteBuffer mapped = IoUtil.mapNewFile(
            inboxFile(), INBOX_CAPACITY + RingBufferDescriptor.TRAILER_LENGTH, false);
        return new Server(mapped);
    }

    @Override
    public ClientChannel openClient(final int clientId)
    {
        final MappedByteBuffer replies = IoUtil.mapNewFile(
            replyFile(clientId), REPLY_CAPACITY + RingBufferDescriptor.TRAILER_LENGTH, false);
        final MappedByteBuffer inbox = IoUtil.mapExistingFile(inboxFile(), "agrona inbox");
        return new Client(inbox, replies);
    }

    @Override
    public void close()
    {
    }

    private File inboxFile()
    {
        return dir.resolve("inbox").toFile();
    }

    private File replyFile(final int clientId)
    {
        return dir.resolve("client-" + clientId).toFile();
    }

    private final class Server implements ServerChannel
    {
        private final MappedByteBuffer mapped;
        private final ManyToOneRingBuffer inbox;
        private final MappedByteBuffer[] replyMaps;
        private final RingBuffer[] replies;
        private final IdleStrategy idle = newIdleStrategy(config.idle());
        private FrameHandler handler;
        private final org.agrona.concurrent.MessageHandler adapter =
            (msgTypeId, buffer, index, length) -> handler.onFrame(buffer, index, length);

        Server(final MappedByteBuffer mapped)
        {
            this.mapped = mapped;
            this.inbox = new ManyToOneRingBuffer(new UnsafeBuffer(mapped));
            this.replyMaps = new MappedByteBuffer[config.clients()];
            this.replies = new RingBuffer[config.clients()];
        }

        @Override
        public int poll(final FrameHandler handler, final int limit)
        {
            this.handler = handler;
            return inbox.read(adapter, limit);
        }

        @Override
        public void accept(final int clientId)
        {
            replyMaps[clientId] = IoUtil.mapExistingFile(replyFile(clientId), "agrona client ring");
            replies[clientId] = new OneToOneRingBuffer(new UnsafeBuffer(replyMaps[clientId]));
        }

        @Override
        public boolean reply(final int clientId, final DirectBuffer buffer, final int offset, final int length)
        {
            return replies[clientId].write(MSG_TYPE_ID, buffer, offset, length);
        }

        @Override
        public IdleStrategy idleStrategy()
        {
            return idle;
        }

        @Override
        public void close()
        {
            for (final MappedByteBuffer replyMap : replyMaps)
            {
                IoUtil.unmap(replyMap);
            }
            IoUtil.unmap(mapped);
            IoUtil.deleteIfExists(inboxFile());
        }
    }

    private final class Client implements ClientChannel
    {
        private final MappedByteBuffer inboxMap;
        private final MappedByteBuffer replyMap;
        private final ManyToOneRingBuffer inbox;
        private final OneToOneRingBuffer replies;
        private final IdleStrategy idle = newIdleStrategy(config.idle());
        private FrameHandler handler;
        private final org.agrona.concurrent.MessageHandler adapter =
            (msgTypeId, buffer, index, length) -> handler.onFrame(buffer, index, length);

        Client(final MappedByteBuffer inboxMap, final MappedByteBuffer replyMap)
        {
            this.inboxMap = inboxMap;
            this.replyMap = replyMap;
            this.inbox = new ManyToOneRingBuffer(new UnsafeBuffer(inboxMap));
            this.replies = new OneToOneRingBuffer(new UnsafeBuffer(replyMap));
        }

        @Override
        public boolean offer(final DirectBuffer buffer, final int offset, final int length)
        {
            return inbox.write(MSG_TYPE_ID, buffer, offset, length);
        }

        @Override
        public int poll(final FrameHandler handler, final int limit)
        {
            this.handler = handler;
            return replies.read(adapter, limit);
        }

        @Override
        public IdleStrategy idleStrategy()
        {
            return idle;
        }

        @Override
        public void close()
        {
            IoUtil.unmap(inboxMap);
            IoUtil.unmap(replyMap);
        }
    }
}
