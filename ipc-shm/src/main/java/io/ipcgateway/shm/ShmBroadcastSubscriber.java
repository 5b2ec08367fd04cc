package io.ipcgateway.shm;

import io.ipcgateway.core.JvmAccess;
import io.ipcgateway.core.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.broadcast.BroadcastReceiver;

/**
 * Reads a broadcast channel published by a {@link ShmBroadcastPublisher}, from the moment it opens. When the
 * publisher laps this reader (it fell a whole buffer behind), reading resumes at the newest messages and
 * {@link #lostMessages()} grows by the number of messages skipped. Single-threaded; poll it from one thread.
 */
public final class ShmBroadcastSubscriber implements AutoCloseable
{
    private final ChannelFile file;
    private final BroadcastReceiver receiver;
    private final UnsafeBuffer scratch;
    private long lastSequence = -1;
    private long lostMessages;
    private long received;

    private ShmBroadcastSubscriber(final BroadcastContext context)
    {
        this.file = ChannelFile.open(context.file(), ChannelDescriptor.TYPE_BROADCAST);
        try
        {
            // A file of a user we do not trust (owner-only mode) or of another group is refused.
            context.fileAccess().checkExisting(context.file(), "broadcast file");
        }
        catch (final RuntimeException ex)
        {
            file.close();
            throw ex;
        }
        this.receiver = new BroadcastReceiver(file.ring());
        this.scratch = new UnsafeBuffer(new byte[receiver.capacity() / 8]);
    }

    /**
     * Opens an existing broadcast channel (the publisher must have created it).
     *
     * @param context settings (concluded here; the capacity is read from the file).
     * @return the subscriber.
     * @throws io.ipcgateway.core.ChannelFileException when the file is missing or invalid.
     */
    public static ShmBroadcastSubscriber open(final BroadcastContext context)
    {
        JvmAccess.ensureAgronaAccess();
        return new ShmBroadcastSubscriber(context.conclude());
    }

    /**
     * Delivers up to {@code limit} messages. Each is copied out of the broadcast buffer and validated first, so a
     * record overwritten while being read is never delivered (it counts as lost).
     *
     * @param handler receives {@code (typeId, buffer, offset, length)}; the view is valid until it returns.
     * @param limit   most messages to deliver.
     * @return messages delivered.
     */
    public int poll(final MessageHandler handler, final int limit)
    {
        int delivered = 0;
        while (delivered < limit && receiver.receiveNext())
        {
            final int length = receiver.length();
            if (receiver.typeId() != ShmBroadcastPublisher.MESSAGE_TYPE_ID ||
                length < ShmBroadcastPublisher.HEADER_LENGTH || length > scratch.capacity())
            {
                continue;
            }
            scratch.putBytes(0, receiver.buffer(), receiver.offset(), length);
            if (!receiver.validate())
            {
                continue; // Overwritten while copying: the next receiveNext() notices the lap.
            }
            final long sequence = scratch.getLong(ShmBroadcastPublisher.SEQUENCE_OFFSET);
            if (lastSequence >= 0 && sequence > lastSequence + 1)
            {
                lostMessages += sequence - lastSequence - 1;
            }
            lastSequence = sequence;
            received++;
            delivered++;
            handler.onMessage(scratch.getInt(ShmBroadcastPublisher.TYPE_ID_OFFSET), scratch,
                ShmBroadcastPublisher.HEADER_LENGTH, length - ShmBroadcastPublisher.HEADER_LENGTH);
        }
        return delivered;
    }

    /**
     * Messages skipped because the publisher lapped this reader (counted from the first message this reader saw).
     *
     * @return the count.
     */
    public long lostMessages()
    {
        return lostMessages;
    }

    /**
     * Times the publisher lapped this reader (Agrona's count).
     *
     * @return the count.
     */
    public long lappedCount()
    {
        return receiver.lappedCount();
    }

    /**
     * Messages delivered so far.
     *
     * @return the count.
     */
    public long received()
    {
        return received;
    }

    /**
     * Releases the mapping.
     */
    @Override
    public void close()
    {
        file.close(true);
    }
}
