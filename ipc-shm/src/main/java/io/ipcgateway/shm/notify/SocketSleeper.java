package io.ipcgateway.shm.notify;

import io.ipcgateway.core.IpcException;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The consumer half of the {@link NotifierKind#UNIX_SOCKET} fallback: listens on a Unix-domain socket at
 * {@code <channel file>.wake}, accepts one connection per producer process, and sleeps in a {@link Selector}
 * with a timeout until a producer writes a byte. It created the socket file, so it deletes it on close.
 * <p>
 * The socket file gets the channel file's permissions (owner-only by default, group when the channel is shared
 * with a group), so exactly the processes that may open the channel may connect to wake its consumer.
 */
final class SocketSleeper implements Sleeper
{
    /** Linux {@code sun_path} holds 108 bytes including the terminating zero. */
    static final int MAX_SOCKET_PATH_BYTES = 107;

    private static final int BACKLOG = 1024;
    private static final Set<PosixFilePermission> OWNER_ONLY =
        EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private final Path socketPath;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final ByteBuffer drain = ByteBuffer.allocateDirect(64);
    private final Consumer<SelectionKey> onReady = this::onReady;

    SocketSleeper(final Path socketPath, final Path channelFile)
    {
        this.socketPath = socketPath;
        checkPathLength(socketPath);
        ServerSocketChannel channel = null;
        Selector sel = null;
        try
        {
            // A consumer that died left its socket file behind; there is one consumer per channel, so it is ours.
            Files.deleteIfExists(socketPath);
            channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            channel.bind(UnixDomainSocketAddress.of(socketPath), BACKLOG);
            restrictPermissions(socketPath, channelFile);
            channel.configureBlocking(false);
            sel = Selector.open();
            channel.register(sel, SelectionKey.OP_ACCEPT);
        }
        catch (final IOException | RuntimeException ex)
        {
            closeQuietly(sel);
            closeQuietly(channel);
            throw new IpcException("cannot listen for wake-ups: socket=" + socketPath + ", error=" + ex
                + "; check that the channel folder is writable", ex);
        }
        server = channel;
        selector = sel;
    }

    private static void restrictPermissions(final Path socketPath, final Path channelFile) throws IOException
    {
        if (!socketPath.getFileSystem().supportedFileAttributeViews().contains("posix"))
        {
            return;
        }
        final Set<PosixFilePermission> permissions = Files.exists(channelFile, LinkOption.NOFOLLOW_LINKS) ?
            Files.getPosixFilePermissions(channelFile, LinkOption.NOFOLLOW_LINKS) : OWNER_ONLY;
        Files.setPosixFilePermissions(socketPath, permissions);
    }

    static void checkPathLength(final Path socketPath)
    {
        final int length = socketPath.toString().getBytes(StandardCharsets.UTF_8).length;
        if (length > MAX_SOCKET_PATH_BYTES)
        {
            throw new IpcException("wake-up socket path too long for a Unix-domain socket: socket=" + socketPath
                + ", bytes=" + length + ", max=" + MAX_SOCKET_PATH_BYTES
                + "; use a shorter base directory or the futex notifier (JDK 22+)");
        }
    }

    @Override
    public void sleep(final long timeoutNs)
    {
        // Selector timeouts are in milliseconds and 0 means forever: round up, never down to 0.
        final long timeoutMs = Math.max(1L, TimeUnit.NANOSECONDS.toMillis(timeoutNs + 999_999L));
        try
        {
            selector.select(onReady, timeoutMs);
        }
        catch (final IOException ex)
        {
            throw new IpcException("wake-up socket failed: socket=" + socketPath + ", error=" + ex, ex);
        }
    }

    private void onReady(final SelectionKey key)
    {
        if (!key.isValid())
        {
            return;
        }
        if (key.isAcceptable())
        {
            acceptAll();
        }
        else if (key.isReadable())
        {
            drain(key);
        }
    }

    private void acceptAll()
    {
        try
        {
            SocketChannel producer;
            while ((producer = server.accept()) != null)
            {
                producer.configureBlocking(false);
                producer.register(selector, SelectionKey.OP_READ);
            }
        }
        catch (final IOException ex)
        {
            // A producer that vanished between connect and accept: nothing to wake us for.
        }
    }

    private void drain(final SelectionKey key)
    {
        final SocketChannel producer = (SocketChannel)key.channel();
        try
        {
            int read;
            do
            {
                drain.clear();
                read = producer.read(drain);
            }
            while (read > 0);
            if (read < 0)
            {
                key.cancel();
                producer.close();
            }
        }
        catch (final IOException ex)
        {
            key.cancel();
            closeQuietly(producer);
        }
    }

    @Override
    public void close()
    {
        for (final SelectionKey key : selector.keys())
        {
            closeQuietly(key.channel());
        }
        closeQuietly(selector);
        closeQuietly(server);
        try
        {
            Files.deleteIfExists(socketPath);
        }
        catch (final IOException ex)
        {
            // Best effort: stale socket files are replaced by the next consumer anyway.
        }
    }

    static void closeQuietly(final AutoCloseable closeable)
    {
        if (closeable != null)
        {
            try
            {
                closeable.close();
            }
            catch (final Exception ex)
            {
                // Closing during shutdown: nothing useful to do with the failure.
            }
        }
    }
}
