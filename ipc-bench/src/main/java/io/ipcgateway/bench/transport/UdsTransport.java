package io.ipcgateway.bench.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import io.ipcgateway.bench.load.BackPressure;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Unix-domain sockets: frames of a 4-byte big-endian length then the payload over {@code java.nio}
 * {@link SocketChannel}s, one connection per client.
 * <p>
 * The server multiplexes its connections with a {@link Selector} (epoll): {@code select} with a timeout when
 * idle is {@link Idle#BLOCK}, {@code selectNow} in a loop when {@link Idle#SPIN}. Clients use blocking reads for
 * {@link Idle#BLOCK} and non-blocking reads polled in a loop for {@link Idle#SPIN}. Every message costs one
 * {@code write} system call (a full buffer is handled as in {@link BackPressure});
 * reads take whatever has arrived and deliver every complete frame in it.
 */
public final class UdsTransport implements Transport
{
    private static final int LENGTH_PREFIX = 4;
    private static final long SELECT_TIMEOUT_MS = 100;
    private static final int MIN_BUFFER = 64 * 1024;

    private final TransportConfig config;
    private final Path socketPath;
    private final int bufferLength;

    /**
     * Create the transport for one JVM of a run.
     *
     * @param config of the run.
     */
    public UdsTransport(final TransportConfig config)
    {
        this.config = config;
        this.socketPath = config.runDir().resolve("uds.sock");
        this.bufferLength = Math.max(MIN_BUFFER, 4 * (config.maxMessageLength() + LENGTH_PREFIX));
    }

    @Override
    public ServerChannel openServer() throws IOException
    {
        final ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try
        {
            listener.bind(UnixDomainSocketAddress.of(socketPath));
        }
        catch (final IOException ex)
        {
            listener.close();
            throw new IOException("cannot bind the uds server socket: path=" + socketPath + ", " + ex, ex);
        }
        listener.configureBlocking(false);
        final Selector selector = Selector.open();
        listener.register(selector, SelectionKey.OP_ACCEPT);
        return new Server(listener, selector);
    }

    @Override
    public ClientChannel openClient(final int clientId) throws IOException
    {
        final SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socketPath));
        channel.configureBlocking(config.idle() == Idle.BLOCK);
        return new Client(channel);
    }

    @Override
    public void close()
    {
    }

    /** One socket with its frame buffers. */
    private final class Connection
    {
        final SocketChannel channel;
        final ByteBuffer readBuffer = ByteBuffer.allocateDirect(bufferLength);
        final UnsafeBuffer readView = new UnsafeBuffer(readBuffer);
        final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(bufferLength);
        final UnsafeBuffer writeView = new UnsafeBuffer(writeBuffer);

        Connection(final SocketChannel channel)
        {
            this.channel = channel;
        }

        /** Write one frame completely, spinning on a full socket buffer in non-blocking mode. */
        void writeFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            writeBuffer.clear();
            writeBuffer.putInt(0, length);
            writeView.putBytes(LENGTH_PREFIX, buffer, offset, length);
            writeBuffer.limit(LENGTH_PREFIX + length);
            try
            {
                for (int attempt = 0; writeBuffer.hasRemaining(); attempt++)
                {
                    if (channel.write(writeBuffer) == 0)
                    {
                        BackPressure.pause(attempt);
                    }
                }
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("uds write failed: socket=" + socketPath, ex);
            }
        }

        /** Deliver every complete frame already read; keep a partial one for the next read. */
        int deliverFrames(final FrameHandler handler)
        {
            int delivered = 0;
            int position = 0;
            final int end = readBuffer.position();
            while (end - position >= LENGTH_PREFIX)
            {
                final int length = readBuffer.getInt(position);
                if (end - position - LENGTH_PREFIX < length)
                {
                    break;
                }
                handler.onFrame(readView, position + LENGTH_PREFIX, length);
                position += LENGTH_PREFIX + length;
                delivered++;
            }
            if (position > 0)
            {
                readBuffer.limit(end).position(position);
                readBuffer.compact();
            }
            return delivered;
        }

        /** Read what is available (or block for it in blocking mode); false at end of stream. */
        boolean read()
        {
            try
            {
                return channel.read(readBuffer) >= 0;
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("uds read failed: socket=" + socketPath, ex);
            }
        }
    }

    private final class Server implements ServerChannel
    {
        private final ServerSocketChannel listener;
        private final Selector selector;
        private final Connection[] byClient;
        private final IdleStrategy idle;
        private final Consumer<SelectionKey> onReady = this::onReady;
        private FrameHandler handler;
        private Connection current;
        private int delivered;

        Server(final ServerSocketChannel listener, final Selector selector)
        {
            this.listener = listener;
            this.selector = selector;
            this.byClient = new Connection[config.clients()];
            this.idle = config.idle() == Idle.BLOCK ? new NoOpIdleStrategy() : new BusySpinIdleStrategy();
        }

        @Override
        public int poll(final FrameHandler handler, final int limit)
        {
            this.handler = handler;
            delivered = 0;
            try
            {
                if (config.idle() == Idle.BLOCK)
                {
                    selector.select(onReady, SELECT_TIMEOUT_MS);
                }
                else
                {
                    selector.selectNow(onReady);
                }
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("uds select failed: socket=" + socketPath, ex);
            }
            return delivered;
        }

        private void onReady(final SelectionKey key)
        {
            if (key.isAcceptable())
            {
                acceptConnection();
            }
            else if (key.isReadable())
            {
                current = (Connection)key.attachment();
                if (!current.read())
                {
                    key.cancel();
                    CloseHelper.quietClose(current.channel);
                }
                delivered += current.deliverFrames(handler);
            }
        }

        private void acceptConnection()
        {
            try
            {
                final SocketChannel channel = listener.accept();
                if (channel != null)
                {
                    channel.configureBlocking(false);
                    channel.register(selector, SelectionKey.OP_READ, new Connection(channel));
                }
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("uds accept failed: socket=" + socketPath, ex);
            }
        }

        @Override
        public void accept(final int clientId)
        {
            byClient[clientId] = current;
        }

        @Override
        public boolean reply(final int clientId, final DirectBuffer buffer, final int offset, final int length)
        {
            byClient[clientId].writeFrame(buffer, offset, length);
            return true;
        }

        @Override
        public IdleStrategy idleStrategy()
        {
            return idle;
        }

        @Override
        public void close()
        {
            for (final SelectionKey key : selector.keys())
            {
                CloseHelper.quietClose(key.channel());
            }
            CloseHelper.quietCloseAll(selector, listener);
            try
            {
                Files.deleteIfExists(socketPath);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot delete socket file " + socketPath, ex);
            }
        }
    }

    private final class Client implements ClientChannel
    {
        private final Connection connection;
        private final IdleStrategy idle;

        Client(final SocketChannel channel)
        {
            this.connection = new Connection(channel);
            this.idle = config.idle() == Idle.BLOCK ? new NoOpIdleStrategy() : new BusySpinIdleStrategy();
        }

        @Override
        public boolean offer(final DirectBuffer buffer, final int offset, final int length)
        {
            connection.writeFrame(buffer, offset, length);
            return true;
        }

        @Override
        public int poll(final FrameHandler handler, final int limit)
        {
            final int ready = connection.deliverFrames(handler);
            if (ready > 0)
            {
                return ready;
            }
            if (!connection.read())
            {
                throw new IllegalStateException("uds server closed the connection: socket=" + socketPath);
            }
            return connection.deliverFrames(handler);
        }

        @Override
        public IdleStrategy idleStrategy()
        {
            return idle;
        }

        @Override
        public void close()
        {
            CloseHelper.quietClose(connection.channel);
        }
    }
}
