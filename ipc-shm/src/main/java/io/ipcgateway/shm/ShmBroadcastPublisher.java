package io.ipcgateway.shm;

import io.ipcgateway.core.CounterKind;
import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.IpcCounters;
import io.ipcgateway.core.JvmAccess;
import io.ipcgateway.core.OfferResult;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.broadcast.BroadcastBufferDescriptor;
import org.agrona.concurrent.broadcast.BroadcastTransmitter;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Publishes one stream to any number of {@link ShmBroadcastSubscriber}s through an Agrona
 * {@link BroadcastTransmitter} over a mapped file ({@link ChannelDescriptor#TYPE_BROADCAST}). The publisher never
 * waits for readers: a reader that falls a whole buffer behind is lapped and learns how many messages it lost from
 * the sequence number in each message.
 * <p>
 * Each record is {@code [sequence long][typeId int][reserved int]} followed by the payload. Single writer: use from
 * one thread at a time. Readers poll (broadcast has no blocking wait: the notifier wakes one consumer).
 */
public final class ShmBroadcastPublisher implements AutoCloseable
{
    static final int MESSAGE_TYPE_ID = 1;
    static final int SEQUENCE_OFFSET = 0;
    static final int TYPE_ID_OFFSET = 8;
    static final int HEADER_LENGTH = 16;

    private final BroadcastContext context;
    private final ChannelFile file;
    private final BroadcastTransmitter transmitter;
    private final UnsafeBuffer scratch;
    private final AtomicCounter messagesSent;
    private final AtomicCounter bytesSent;
    private final int maxPayloadLength;
    private long sequence;

    private ShmBroadcastPublisher(final BroadcastContext context)
    {
        this.context = context;
        ServiceDirectory.ensureDirectory(context.file().getParent(), context.fileAccess());
        this.file = ChannelFile.create(context.file(), ChannelDescriptor.TYPE_BROADCAST, context.capacity(),
            BroadcastBufferDescriptor.TRAILER_LENGTH, context.capacity(), IdleMode.SPIN, context.fileAccess());
        this.transmitter = new BroadcastTransmitter(file.ring());
        this.maxPayloadLength = transmitter.maxMsgLength() - HEADER_LENGTH;
        this.scratch = new UnsafeBuffer(new byte[transmitter.maxMsgLength()]);
        final IpcCounters counters = file.createCounters("broadcast=" + context.name());
        this.messagesSent = counters.counter(CounterKind.MESSAGES_SENT);
        this.bytesSent = counters.counter(CounterKind.BYTES_SENT);
    }

    /**
     * Creates the channel's file (refused when it exists) and returns its publisher.
     *
     * @param context settings (concluded here).
     * @return the publisher.
     */
    public static ShmBroadcastPublisher create(final BroadcastContext context)
    {
        JvmAccess.ensureAgronaAccess();
        return new ShmBroadcastPublisher(context.conclude());
    }

    /**
     * Publishes a message to every current reader.
     *
     * @param typeId application type id (non-negative).
     * @param src    buffer holding the message.
     * @param offset offset of the message.
     * @param length length, at most {@link #maxMessageLength()}.
     * @return {@link OfferResult#OK}, or {@code TOO_LARGE} / {@code INVALID_ARGUMENT} (a negative type id, a null
     *         {@code src}, a negative {@code offset} or {@code length}, or {@code offset + length} beyond
     *         {@code src}'s capacity; nothing published).
     */
    public long offer(final int typeId, final DirectBuffer src, final int offset, final int length)
    {
        if (FrameWriter.isInvalid(typeId, src, offset, length))
        {
            return OfferResult.INVALID_ARGUMENT;
        }
        if (length > maxPayloadLength)
        {
            return OfferResult.TOO_LARGE;
        }
        // The transmitter copies from one source buffer, so header and payload are assembled first (one copy more
        // than the rings; broadcast records are written once for every reader).
        scratch.putLong(SEQUENCE_OFFSET, ++sequence);
        scratch.putInt(TYPE_ID_OFFSET, typeId);
        scratch.putInt(TYPE_ID_OFFSET + 4, 0);
        scratch.putBytes(HEADER_LENGTH, src, offset, length);
        transmitter.transmit(MESSAGE_TYPE_ID, scratch, 0, HEADER_LENGTH + length);
        messagesSent.incrementRelease();
        bytesSent.getAndAddRelease(length);
        return OfferResult.OK;
    }

    /**
     * Largest message one record holds (capacity / 8 minus the 16-byte header).
     *
     * @return bytes.
     */
    public int maxMessageLength()
    {
        return maxPayloadLength;
    }

    /**
     * Messages published so far.
     *
     * @return the count.
     */
    public long published()
    {
        return sequence;
    }

    /**
     * Deletes the channel's file (readers keep their mapping until they close) and the folder when empty.
     */
    @Override
    public void close()
    {
        file.close(false);
        ServiceDirectory.deleteIfEmpty(context.file().getParent());
    }
}
