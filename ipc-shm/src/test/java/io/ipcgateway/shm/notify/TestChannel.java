package io.ipcgateway.shm.notify;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * A raw test channel shared by two JVMs: one mapped file holding a header page (notifier area plus a few test
 * words) and an Agrona {@link OneToOneRingBuffer}. Deliberately not the transport: it tests the notifier alone.
 * <pre>
 *   header page (4096 bytes)                                   ring
 *   [128..192) notifier area | 512 acked | 576 ready | 640 published-at (nanoTime) | 4096.. ring + trailer
 * </pre>
 */
final class TestChannel implements AutoCloseable
{
    static final int HEADER_LENGTH = 4096;
    static final int NOTIFIER_OFFSET = 128;
    static final int ACKED_OFFSET = 512;
    static final int READY_OFFSET = 576;
    static final int PUBLISHED_AT_OFFSET = 640;
    static final int RING_CAPACITY = 64 * 1024;
    static final int FILE_LENGTH = HEADER_LENGTH + RING_CAPACITY + RingBufferDescriptor.TRAILER_LENGTH;

    final Path file;
    final MappedByteBuffer mapped;
    final UnsafeBuffer header;
    final OneToOneRingBuffer ring;

    private TestChannel(final Path file, final MappedByteBuffer mapped)
    {
        this.file = file;
        this.mapped = mapped;
        this.header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
        this.ring = new OneToOneRingBuffer(new UnsafeBuffer(mapped, HEADER_LENGTH, FILE_LENGTH - HEADER_LENGTH));
    }

    static TestChannel create(final Path file)
    {
        return new TestChannel(file, IoUtil.mapNewFile(file.toFile(), FILE_LENGTH));
    }

    static TestChannel attach(final Path file)
    {
        return new TestChannel(file, IoUtil.mapExistingFile(file.toFile(), "test channel"));
    }

    Notifier openNotifier(final boolean consumerSide, final NotifierKind kind)
    {
        return Notifiers.open(header, NOTIFIER_OFFSET, file, consumerSide, kind);
    }

    int waiterWord()
    {
        return header.getIntVolatile(NOTIFIER_OFFSET + NotifierDescriptor.WAITER_OFFSET);
    }

    long acked()
    {
        return header.getLongVolatile(ACKED_OFFSET);
    }

    void ack(final long received)
    {
        header.putLongOrdered(ACKED_OFFSET, received);
    }

    long publishedAtNs()
    {
        return header.getLongVolatile(PUBLISHED_AT_OFFSET);
    }

    void markPublished(final long nowNs)
    {
        header.putLongOrdered(PUBLISHED_AT_OFFSET, nowNs);
    }

    boolean isReady()
    {
        return header.getIntVolatile(READY_OFFSET) != 0;
    }

    void markReady()
    {
        header.putIntVolatile(READY_OFFSET, 1);
    }

    @Override
    public void close()
    {
        IoUtil.unmap(mapped);
    }
}
