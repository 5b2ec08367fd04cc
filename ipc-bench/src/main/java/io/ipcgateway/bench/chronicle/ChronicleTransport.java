package io.ipcgateway.bench.chronicle;

import java.nio.file.Files;
import java.nio.file.Path;

import io.ipcgateway.bench.transport.ClientChannel;
import io.ipcgateway.bench.transport.FrameHandler;
import io.ipcgateway.bench.transport.Idle;
import io.ipcgateway.bench.transport.ServerChannel;
import io.ipcgateway.bench.transport.Transport;
import io.ipcgateway.bench.transport.TransportConfig;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Chronicle Queue 5.25 as a user would set it up for messaging between processes: queues with the default settings
 * ({@link SingleChronicleQueueBuilder#binary}) in the run's folder under {@code /dev/shm}, one appender per writing
 * thread and one tailer per reading thread, raw bytes written and read through {@code writingDocument()} and
 * {@code readingDocument()} (the low-level API, without method writers or marshalling).
 * <p>
 * The server tails one inbox queue that every client appends to; each client creates a queue of its own for its
 * replies, which the server appends to (as the {@code agrona} peer has a ring per client and {@code aeron} a stream
 * per client). Chronicle has no blocking read: with {@link Idle#BLOCK} readers wait with
 * {@link net.openhft.chronicle.threads.Pauser#balanced()}, the pauser Chronicle's own event loops use (busy, then
 * yielding, then parking up to 20 ms); with {@link Idle#SPIN} they busy spin. Writes are never back pressured: a
 * queue is a file that grows.
 * <p>
 * Isolation: this class, and so Chronicle, is loaded only in the JVMs of a {@code chronicle} run, which the harness
 * starts with Chronicle's JVM flags and the only class path that holds Chronicle's jars
 * ({@link io.ipcgateway.bench.load.ChildClassPath}); {@link io.ipcgateway.bench.transport.Transports} creates it
 * reflectively so that no other class links to it.
 */
public final class ChronicleTransport implements Transport
{
    private final TransportConfig config;
    private final Path dir;
    private ChronicleQueue inbox;

    /**
     * Create the transport for one JVM of a run.
     *
     * @param config of the run.
     */
    public ChronicleTransport(final TransportConfig config)
    {
        this.config = config;
        this.dir = config.runDir().resolve("chronicle");
    }

    private static ChronicleQueue open(final Path path)
    {
        return SingleChronicleQueueBuilder.binary(path.toFile()).build();
    }

    private IdleStrategy newIdleStrategy()
    {
        return config.idle() == Idle.SPIN ? new BusySpinIdleStrategy() : new PauserIdleStrategy();
    }

    private synchronized ChronicleQueue inbox()
    {
        if (inbox == null)
        {
            inbox = open(dir.resolve("inbox"));
        }
        return inbox;
    }

    private Path replyQueue(final int clientId)
    {
        return dir.resolve("reply-" + clientId);
    }

    @Override
    public ServerChannel openServer() throws Exception
    {
        Files.createDirectories(dir);
        return new Server(inbox());
    }

    @Override
    public ClientChannel openClient(final int clientId)
    {
        // Created before the hello, so the server finds it when it accepts this client.
        return new Client(inbox(), open(replyQueue(clientId)));
    }

    @Override
    public synchronized void close()
    {
        if (inbox != null)
        {
            inbox.close();
        }
    }

    /**
     * Reads the documents available to a tailer, up to a limit, each copied into {@code scratch} and handed over as
     * a view of it.
     */
    private static int read(final ExcerptTailer tailer, final byte[] scratch, final UnsafeBuffer view,
        final FrameHandler handler, final int limit)
    {
        int count = 0;
        while (count < limit)
        {
            try (DocumentContext document = tailer.readingDocument())
            {
                if (!document.isPresent())
                {
                    break;
                }
                final Bytes<?> bytes = document.wire().bytes();
                final int length = (int)bytes.readRemaining();
                bytes.read(scratch, 0, length);
                view.wrap(scratch, 0, length);
                handler.onFrame(view, 0, length);
                count++;
            }
        }
        return count;
    }

    private static void write(final ExcerptAppender appender, final byte[] scratch, final DirectBuffer buffer,
        final int offset, final int length)
    {
        buffer.getBytes(offset, scratch, 0, length);
        try (DocumentContext document = appender.writingDocument())
        {
            document.wire().bytes().write(scratch, 0, length);
        }
    }

    private final class Server implements ServerChannel
    {
        private final ExcerptTailer tailer;
        private final ChronicleQueue[] replyQueues;
        private final ExcerptAppender[] replies;
        private final byte[] readScratch = new byte[Math.max(64, config.maxMessageLength())];
        private final byte[] writeScratch = new byte[readScratch.length];
        private final UnsafeBuffer view = new UnsafeBuffer(readScratch);
        private final IdleStrategy idle = newIdleStrategy();

        Server(final ChronicleQueue inbox)
        {
            this.tailer = inbox.createTailer();
            this.replyQueues = new ChronicleQueue[config.clients()];
            this.replies = new ExcerptAppender[config.clients()];
        }

        @Override
        public int poll(final FrameHandler handler, final int limit)
        {
            return read(tailer, readScratch, view, handler, limit);
        }

        @Override
        public void accept(final int clientId)
        {
            replyQueues[clientId] = open(replyQueue(clientId));
            replies[clientId] = replyQueues[clientId].createAppender();
        }

        @Override
        public boolean reply(final int clientId, final DirectBuffer buffer, final int offset, final int length)
        {
            write(replies[clientId], writeScratch, buffer, offset, length);
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
            tailer.close();
            for (int i = 0; i < replies.length; i++)
            {
                if (replies[i] != null)
                {
                    replies[i].close();
                    replyQueues[i].close();
                }
            }
        }
    }

    private final class Client implements ClientChannel
    {
        private final ChronicleQueue inbox;
        private final ChronicleQueue replyQueue;
        private final byte[] readScratch = new byte[Math.max(64, config.maxMessageLength())];
        private final byte[] writeScratch = new byte[readScratch.length];
        private final UnsafeBuffer view = new UnsafeBuffer(readScratch);
        private final IdleStrategy idle = newIdleStrategy();
        // Created by the client's own thread on first use: Chronicle's appenders and tailers belong to one thread.
        private ExcerptAppender appender;
        private ExcerptTailer tailer;

        Client(final ChronicleQueue inbox, final ChronicleQueue replyQueue)
        {
            this.inbox = inbox;
            this.replyQueue = replyQueue;
        }

        @Override
        public boolean offer(final DirectBuffer buffer, final int offset, final int length)
        {
            if (appender == null)
            {
                appender = inbox.createAppender();
            }
            write(appender, writeScratch, buffer, offset, length);
            return true;
        }

        @Override
        public int poll(final FrameHandler handler, final int limit)
        {
            if (tailer == null)
            {
                tailer = replyQueue.createTailer();
            }
            return read(tailer, readScratch, view, handler, limit);
        }

        @Override
        public IdleStrategy idleStrategy()
        {
            return idle;
        }

        @Override
        public void close()
        {
            if (appender != null)
            {
                appender.close();
            }
            if (tailer != null)
            {
                tailer.close();
            }
            replyQueue.close();
        }
    }
}
