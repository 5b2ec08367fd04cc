package io.ipcgateway.shm;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static io.ipcgateway.shm.FrameDescriptor.CORRELATION_ID_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.FRAGMENT_HEADER_LENGTH;
import static io.ipcgateway.shm.FrameDescriptor.FRAGMENT_INNER_KIND_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.FRAGMENT_OFFSET_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.FRAGMENT_TOTAL_LENGTH_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.TYPE_ID_OFFSET;

/**
 * Reassembles the fragments of one sender's large message, validating each fragment against the message it
 * continues. The buffer grows to the largest message seen (never beyond the maximum) and is reused.
 */
final class Reassembler
{
    /** The fragment was taken; the message is not complete yet. */
    static final int INCOMPLETE = 0;
    /** The message is complete: read it with {@link #buffer()}, {@link #length()} and the accessors. */
    static final int COMPLETE = 1;
    /** The fragment was invalid and dropped, with any partial message. */
    static final int INVALID = -1;

    private static final byte[] EMPTY = new byte[0];

    private final int maxMessageLength;
    private final UnsafeBuffer buffer = new UnsafeBuffer(EMPTY);
    private int innerKind;
    private int typeId;
    private long correlationId;
    private int totalLength;
    private int received;
    private boolean active;

    Reassembler(final int maxMessageLength)
    {
        this.maxMessageLength = maxMessageLength;
    }

    /**
     * Takes one FRAGMENT frame.
     *
     * @param src        buffer holding the frame.
     * @param index      offset of the frame header.
     * @param length     length of the frame, header included.
     * @param validKinds inner kinds this receiver accepts, as a bit set ({@code 1 << kind}).
     * @return {@link #COMPLETE}, {@link #INCOMPLETE} or {@link #INVALID}.
     */
    int onFragment(final DirectBuffer src, final int index, final int length, final int validKinds)
    {
        if (length < FRAGMENT_HEADER_LENGTH)
        {
            active = false;
            return INVALID;
        }
        final int kind = src.getInt(index + FRAGMENT_INNER_KIND_OFFSET);
        final int total = src.getInt(index + FRAGMENT_TOTAL_LENGTH_OFFSET);
        final int fragmentOffset = src.getInt(index + FRAGMENT_OFFSET_OFFSET);
        final int fragmentLength = length - FRAGMENT_HEADER_LENGTH;
        if (kind < 0 || kind >= Integer.SIZE || (validKinds & (1 << kind)) == 0 || total <= 0 ||
            total > maxMessageLength || fragmentOffset < 0 || fragmentLength > total - fragmentOffset)
        {
            active = false;
            return INVALID;
        }
        if (fragmentOffset == 0)
        {
            // A new message starts; any incomplete one was abandoned by its sender.
            if (buffer.capacity() < total)
            {
                buffer.wrap(new byte[Math.max(total, Math.min(maxMessageLength, buffer.capacity() * 2))]);
            }
            active = true;
            innerKind = kind;
            typeId = src.getInt(index + TYPE_ID_OFFSET);
            correlationId = src.getLong(index + CORRELATION_ID_OFFSET);
            totalLength = total;
            received = 0;
        }
        else if (!active || fragmentOffset != received || total != totalLength || kind != innerKind)
        {
            active = false;
            return INVALID;
        }
        buffer.putBytes(received, src, index + FRAGMENT_HEADER_LENGTH, fragmentLength);
        received += fragmentLength;
        if (received == totalLength)
        {
            active = false;
            return COMPLETE;
        }
        return INCOMPLETE;
    }

    DirectBuffer buffer()
    {
        return buffer;
    }

    int length()
    {
        return totalLength;
    }

    int innerKind()
    {
        return innerKind;
    }

    int typeId()
    {
        return typeId;
    }

    long correlationId()
    {
        return correlationId;
    }

    static int kinds(final int... kinds)
    {
        int set = 0;
        for (final int kind : kinds)
        {
            set |= 1 << kind;
        }
        return set;
    }
}
