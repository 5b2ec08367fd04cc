package io.ipcgateway.shm.notify;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * The producer half of the {@link NotifierKind#UNIX_SOCKET} fallback: connects to the consumer's socket on the
 * first wake-up and writes one byte per wake-up. A consumer that restarted is reconnected on the next wake-up.
 */
final class SocketWaker implements Waker
{
    private final Path socketPath;
    private final ByteBuffer token = ByteBuffer.allocateDirect(1);
    private SocketChannel channel;

    SocketWaker(final Path socketPath)
    {
        this.socketPath = socketPath;
    }

    @Override
    public synchronized boolean wake()
    {
        // Two attempts: the first may hit a connection to a consumer that has since restarted.
        for (int attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                if (channel == null)
                {
                    final SocketChannel connected = SocketChannel.open(StandardProtocolFamily.UNIX);
                    channel = connected;
                    connected.connect(UnixDomainSocketAddress.of(socketPath));
                    // Never block a producer: a full socket buffer means the consumer has wake-ups pending anyway.
                    connected.configureBlocking(false);
                }
                token.clear();
                channel.write(token);
                return true;
            }
            catch (final IOException | RuntimeException ex)
            {
                SocketSleeper.closeQuietly(channel);
                channel = null;
            }
        }
        return false;
    }

    @Override
    public synchronized void close()
    {
        SocketSleeper.closeQuietly(channel);
        channel = null;
    }
}
