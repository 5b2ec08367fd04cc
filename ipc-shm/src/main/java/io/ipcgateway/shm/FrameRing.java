package io.ipcgateway.shm;

import java.nio.file.Path;
import java.util.Arrays;

import io.ipcgateway.core.StaleClaimException;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import static org.agrona.concurrent.ringbuffer.RecordDescriptor.ALIGNMENT;
import static org.agrona.concurrent.ringbuffer.RecordDescriptor.HEADER_LENGTH;

/**
 * The producer side of a transport ring: Agrona's ring layout (record header, alignment, trailer with tail, head
 * cache and head positions, consumer zeroing what it read), with each record's type field tagged by the lap of its
 * claim position (see {@link FrameDescriptor}). Agrona's own {@code tryClaim} returns only the record's index, and
 * its {@code commit} only checks that the length there is still negative, so a commit of a claim the consumer
 * skipped can publish another producer's half-written record. Here the claim knows its exact position (it moves the
 * tail itself), writes the record header in one 64-bit store, and commit and abort are one compare-and-set of that
 * header: a claim that was unblocked, or whose slot was reused since, fails to commit and writes nothing.
 * <p>
 * {@code concurrent} rings (the service's inbox, many producers) move the tail by compare-and-set; the others (a
 * client's inbox, written only by the server's duty cycle) by a release store. With {@code checksums} every record
 * ends with a {@link RecordChecksum} of its frame, written just before the commit. Allocation-free and lock-free.
 */
final class FrameRing
{
    /** Returned by {@link #claim} when the ring has no room (Agrona's code). */
    static final long INSUFFICIENT_CAPACITY = RingBuffer.INSUFFICIENT_CAPACITY;

    private static final long LENGTH_MASK = 0xFFFF_FFFFL;
    private static final long PADDING_TYPE = (long)RingBuffer.PADDING_MSG_TYPE_ID << 32;
    private static final long[] NO_CLAIMS = new long[0];

    private final AtomicBuffer buffer;
    private final Path file;
    private final long fileOffset;
    private final boolean concurrent;
    private final int checksumLength;
    private final int capacity;
    private final int mask;
    private final int capacityShift;
    private final int maxMsgLength;
    private final int tailPositionIndex;
    private final int headCachePositionIndex;
    private final int headPositionIndex;

    /**
     * @param buffer     the ring: data area followed by Agrona's trailer.
     * @param file       the mapped file, for error messages.
     * @param fileOffset where the ring starts in the file.
     * @param concurrent whether several producers (threads or processes) write this ring.
     * @param checksums  whether each record ends with a checksum of its frame.
     */
    FrameRing(
        final AtomicBuffer buffer,
        final Path file,
        final long fileOffset,
        final boolean concurrent,
        final boolean checksums)
    {
        this.buffer = buffer;
        this.file = file;
        this.fileOffset = fileOffset;
        this.concurrent = concurrent;
        this.checksumLength = checksums ? RecordChecksum.LENGTH : 0;
        this.capacity = RingBufferDescriptor.checkCapacity(buffer.capacity(), ManyToOneRingBuffer.MIN_CAPACITY);
        this.mask = capacity - 1;
        this.capacityShift = Integer.numberOfTrailingZeros(capacity);
        // The same limit as Agrona's rings, so frames are fragmented at the same size.
        this.maxMsgLength = (capacity >> 3) - checksumLength;
        this.tailPositionIndex = capacity + RingBufferDescriptor.TAIL_POSITION_OFFSET;
        this.headCachePositionIndex = capacity + RingBufferDescriptor.HEAD_CACHE_POSITION_OFFSET;
        this.headPositionIndex = capacity + RingBufferDescriptor.HEAD_POSITION_OFFSET;
        buffer.verifyAlignment();
    }

    /**
     * The ring of a channel file.
     *
     * @param file       the channel file.
     * @param concurrent whether several producers write it (the service's inbox).
     * @return a producer over the file's ring, with checksums when the file's owner declared them.
     */
    static FrameRing of(final ChannelFile file, final boolean concurrent)
    {
        return new FrameRing(file.ring(), file.path(), ChannelDescriptor.HEADER_LENGTH, concurrent,
            file.recordChecksums());
    }

    /**
     * @return whether commits are compare-and-sets (several producers, and the consumer may unblock a claim); a
     *         single producer's commit is a release store.
     */
    boolean commitsAtomically()
    {
        return concurrent;
    }

    /**
     * @return whether records end with a checksum of their frame.
     */
    boolean checksums()
    {
        return checksumLength != 0;
    }

    AtomicBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return the longest record payload (frame) one claim can hold.
     */
    int maxMsgLength()
    {
        return maxMsgLength;
    }

    /**
     * Claims a record for a frame and writes its claimed header {@code (-recordLength, tag)}.
     *
     * @param kind   the frame kind.
     * @param length the frame length (frame header and payload).
     * @return the ring position of the record, or {@link #INSUFFICIENT_CAPACITY}.
     * @throws IllegalArgumentException when {@code length} exceeds {@link #maxMsgLength()}.
     */
    long claim(final int kind, final int length)
    {
        if (length > maxMsgLength)
        {
            throw new IllegalArgumentException("frame length=" + length + " exceeds maxMsgLength=" + maxMsgLength
                + " of file=" + file);
        }
        final int recordLength = length + HEADER_LENGTH + checksumLength;
        final long position = reserve(BitUtil.align(recordLength, ALIGNMENT));
        if (position >= 0)
        {
            buffer.putLongRelease((int)position & mask, claimedHeader(kind, position, length));
        }
        return position;
    }

    /**
     * Where the frame of a claimed record starts in {@link #buffer()}.
     *
     * @param position the record's position from {@link #claim}.
     * @return the index of its first frame byte.
     */
    int frameIndex(final long position)
    {
        return ((int)position & mask) + HEADER_LENGTH;
    }

    /**
     * The record header a claim wrote; {@link #commit} and {@link #abort} only act on a record that still holds it.
     *
     * @param kind     the frame kind.
     * @param position the record's position.
     * @param length   the frame length.
     * @return {@code (-recordLength, tag)} as Agrona's 64-bit record header.
     */
    long claimedHeader(final int kind, final long position, final int length)
    {
        return ((long)FrameDescriptor.tag(kind, position, capacityShift) << 32)
            | (-(length + HEADER_LENGTH + checksumLength) & LENGTH_MASK);
    }

    /**
     * Publishes a claimed record, unless the consumer has unblocked it in the meantime. With checksums, the checksum
     * is computed over the frame as it is in the ring now (zero-copy claims and control frames).
     *
     * @param frameIndex    from {@link #frameIndex}.
     * @param claimedHeader from {@link #claimedHeader}.
     * @throws StaleClaimException when the record no longer holds the claim: nothing was published.
     */
    void commit(final int frameIndex, final long claimedHeader)
    {
        if (checksumLength != 0)
        {
            final int frameLength = frameLength(claimedHeader);
            commit(frameIndex, claimedHeader, RecordChecksum.of(buffer, frameIndex, frameLength));
        }
        else
        {
            publish(frameIndex, claimedHeader);
        }
    }

    /**
     * Publishes a claimed record with a checksum its producer computed from its own copy of the frame, so bytes
     * written into the record by anyone else since are caught by the consumer. Ignored without checksums.
     *
     * @param frameIndex    from {@link #frameIndex}.
     * @param claimedHeader from {@link #claimedHeader}.
     * @param checksum      {@link RecordChecksum} of the frame.
     * @throws StaleClaimException when the record no longer holds the claim: nothing was published.
     */
    void commit(final int frameIndex, final long claimedHeader, final int checksum)
    {
        if (checksumLength != 0)
        {
            final int recordIndex = frameIndex - HEADER_LENGTH;
            // Not even the checksum goes into a slot that is no longer ours (a narrow window stays until the CAS).
            if (concurrent && buffer.getLongVolatile(recordIndex) != claimedHeader)
            {
                throw stale(recordIndex, claimedHeader, "commit");
            }
            buffer.putInt(frameIndex + frameLength(claimedHeader), checksum);
        }
        publish(frameIndex, claimedHeader);
    }

    private int frameLength(final long claimedHeader)
    {
        return -(int)claimedHeader - HEADER_LENGTH - checksumLength;
    }

    private void publish(final int frameIndex, final long claimedHeader)
    {
        final int recordIndex = frameIndex - HEADER_LENGTH;
        final long committed = (claimedHeader & ~LENGTH_MASK) | (-(int)claimedHeader & LENGTH_MASK);
        if (concurrent)
        {
            // One compare-and-set against the consumer's unblock: exactly one of the two wins.
            if (!buffer.compareAndSetLong(recordIndex, claimedHeader, committed))
            {
                throw stale(recordIndex, claimedHeader, "commit");
            }
        }
        else
        {
            // A single producer and no unblock: only this thread writes this header while it is claimed, and only
            // its own abort (of a claim whose filling code threw) may have replaced it since.
            if (buffer.getLong(recordIndex) != claimedHeader)
            {
                throw stale(recordIndex, claimedHeader, "commit");
            }
            buffer.putIntRelease(recordIndex, (int)committed);
        }
    }

    /**
     * Discards a claimed record (it becomes padding), unless the consumer has unblocked it in the meantime, in which
     * case it is already skipped and nothing is written.
     *
     * @param frameIndex    from {@link #frameIndex}.
     * @param claimedHeader from {@link #claimedHeader}.
     * @return false when the claim had been unblocked.
     */
    boolean abort(final int frameIndex, final long claimedHeader)
    {
        final int recordIndex = frameIndex - HEADER_LENGTH;
        return buffer.compareAndSetLong(recordIndex, claimedHeader, PADDING_TYPE | (-(int)claimedHeader));
    }

    /**
     * Finds the records between the consumer's head and the producers' tail that are claimed and not committed, and
     * whose frame names {@code sessionId} (the first frame field): the open claims one session left in this ring.
     * Not on the hot path (a client's close). The walk is best effort against a moving head: it restarts at the head
     * when it meets bytes the consumer already zeroed, and stops at anything it cannot step over (a header not
     * written yet, a length that does not fit). Each hit is identified by its position and claimed header, which
     * carries the lap of that position, so only a genuine claim of this session ever matches.
     *
     * @param sessionId the session whose claims to find.
     * @return position and claimed header of each open claim, in pairs; empty when there is none.
     */
    long[] openClaimsOf(final int sessionId)
    {
        long[] found = NO_CLAIMS;
        int count = 0;
        long position = buffer.getLongVolatile(headPositionIndex);
        final long tail = buffer.getLongVolatile(tailPositionIndex);
        for (int steps = capacity / ALIGNMENT; position < tail && steps > 0; steps--)
        {
            final int index = (int)position & mask;
            final long header = buffer.getLongVolatile(index);
            final int length = (int)header;
            if (length == 0)
            {
                final long head = buffer.getLongVolatile(headPositionIndex);
                if (head > position)
                {
                    position = head; // The consumer passed us and zeroed what it read: go on from where it is.
                    continue;
                }
                break;
            }
            final int recordLength = length < 0 ? -length : length;
            if (recordLength < HEADER_LENGTH || recordLength > capacity - index)
            {
                break;
            }
            if (length < 0 && ((int)(header >>> 32) >>> FrameDescriptor.TAG_KIND_BITS) ==
                FrameDescriptor.lap(position, capacityShift) &&
                recordLength >= HEADER_LENGTH + FrameDescriptor.SESSION_ID_OFFSET + Integer.BYTES &&
                buffer.getIntVolatile(index + HEADER_LENGTH + FrameDescriptor.SESSION_ID_OFFSET) == sessionId)
            {
                if (count + 2 > found.length)
                {
                    found = Arrays.copyOf(found, Math.max(8, found.length * 2));
                }
                found[count++] = position;
                found[count++] = header;
            }
            position += BitUtil.align(recordLength, ALIGNMENT);
        }
        return count == found.length ? found : Arrays.copyOf(found, count);
    }

    /**
     * Aborts a claim found by {@link #openClaimsOf} when it is still open (same claimed header at its position).
     *
     * @param position      its position.
     * @param claimedHeader its claimed header.
     * @return true when it was aborted; false when its producer committed or aborted it, or the consumer skipped it.
     */
    boolean abortAt(final long position, final long claimedHeader)
    {
        return abort(frameIndex(position), claimedHeader);
    }

    /**
     * Writes one frame as it is: claim, copy, commit.
     *
     * @return false when the ring is full.
     * @throws IllegalArgumentException when {@code length} exceeds {@link #maxMsgLength()}.
     * @throws StaleClaimException      when the consumer unblocked the claim before the commit.
     */
    boolean write(final int kind, final DirectBuffer src, final int offset, final int length)
    {
        final long position = claim(kind, length);
        if (position < 0)
        {
            return false;
        }
        final int frameIndex = frameIndex(position);
        final long claimedHeader = claimedHeader(kind, position, length);
        try
        {
            buffer.putBytes(frameIndex, src, offset, length);
            if (checksumLength != 0)
            {
                commit(frameIndex, claimedHeader, RecordChecksum.of(src, offset, length));
            }
            else
            {
                publish(frameIndex, claimedHeader);
            }
        }
        catch (final RuntimeException ex)
        {
            // Bad arguments (or a skipped claim): never leave a claim the consumer must wait out.
            abort(frameIndex, claimedHeader);
            throw ex;
        }
        return true;
    }

    /**
     * Moves the tail past {@code alignedLength} bytes (and past padding to the end of the ring when the record does
     * not fit before it, writing the padding record). Head checks as Agrona's: the cached head first, the real one
     * only when the cache says the ring is full.
     *
     * @return the position of the reserved record, or {@link #INSUFFICIENT_CAPACITY}.
     */
    private long reserve(final int alignedLength)
    {
        final AtomicBuffer buffer = this.buffer;
        final int capacity = this.capacity;
        // One cache line less than the ring: the consumer zeroes what it read a whole line at a time, so the line
        // holding its head may still have consumed bytes in it (CheckedRingReader).
        final int room = capacity - CheckedRingReader.UNZEROED_SLACK;
        long head = buffer.getLongVolatile(headCachePositionIndex);
        long tail;
        int padding;
        do
        {
            tail = buffer.getLongVolatile(tailPositionIndex);
            if (alignedLength > room - (int)(tail - head))
            {
                head = buffer.getLongVolatile(headPositionIndex);
                if (alignedLength > room - (int)(tail - head))
                {
                    return INSUFFICIENT_CAPACITY;
                }
                buffer.putLongRelease(headCachePositionIndex, head);
            }
            padding = 0;
            final int toEnd = capacity - ((int)tail & mask);
            if (alignedLength > toEnd)
            {
                // The record goes to the start of the ring: the consumer must have read, and zeroed, that far.
                if (alignedLength > ((int)head & mask) - CheckedRingReader.UNZEROED_SLACK)
                {
                    head = buffer.getLongVolatile(headPositionIndex);
                    if (alignedLength > ((int)head & mask) - CheckedRingReader.UNZEROED_SLACK)
                    {
                        return INSUFFICIENT_CAPACITY;
                    }
                    buffer.putLongRelease(headCachePositionIndex, head);
                }
                padding = toEnd;
            }
        }
        while (!advanceTail(tail, tail + padding + alignedLength));
        if (padding != 0)
        {
            buffer.putLongRelease((int)tail & mask, PADDING_TYPE | padding);
        }
        return tail + padding;
    }

    private boolean advanceTail(final long tail, final long newTail)
    {
        if (concurrent)
        {
            return buffer.compareAndSetLong(tailPositionIndex, tail, newTail);
        }
        buffer.putLongRelease(tailPositionIndex, newTail);
        return true;
    }

    private StaleClaimException stale(final int recordIndex, final long claimedHeader, final String operation)
    {
        return new StaleClaimException(file, "claim skipped by the consumer before its " + operation + ": unblocked "
            + "because this producer held it longer than the unblock timeout (stopped or paused between claim and "
            + operation + "), or dropped with a corrupt part of the ring; the slot may have been reused and nothing "
            + "was published: offset=" + (fileOffset + recordIndex) + " lap="
            + ((int)(claimedHeader >>> 32) >>> FrameDescriptor.TAG_KIND_BITS) + " recordLength="
            + -(int)claimedHeader);
    }
}
