package io.ipcgateway.shm;

import java.nio.file.Path;

import io.ipcgateway.core.CorruptionException;
import org.agrona.BitUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import static org.agrona.concurrent.ringbuffer.RecordDescriptor.ALIGNMENT;
import static org.agrona.concurrent.ringbuffer.RecordDescriptor.HEADER_LENGTH;
import static org.agrona.concurrent.ringbuffer.RecordDescriptor.lengthOffset;
import static org.agrona.concurrent.ringbuffer.RecordDescriptor.typeOffset;

/**
 * The consumer side of an Agrona ring buffer ({@code ManyToOneRingBuffer} or {@code OneToOneRingBuffer} layout)
 * that validates every record before the handler sees it.
 * <p>
 * Agrona's own {@code read} trusts the producers: a garbage record length makes it hand the handler a window
 * beyond the ring and then zero memory past the ring's end, which with {@code agrona.disable.bounds.checks=true}
 * writes outside the mapping and crashes the JVM. Here each record's length, alignment, type and bounds are checked
 * against the ring's capacity first, and the head position is kept in this object (the consumer is its only writer),
 * so garbage written into the ring or its trailer is reported as a {@link CorruptionException} naming the file and
 * offset, never followed. Each record's type is a tag (see {@link FrameDescriptor}): its lap must be the lap of the
 * position it is read at, and the handler gets the plain frame kind.
 * <p>
 * {@link #read} does not read the producers' tail: every producer moves it on every claim, so a consumer reading it
 * per record turns each claim into a cache miss (measured: it doubled the busy-spin round trip and halved one-way
 * throughput). A producer publishes its record header only after moving the tail, so a record read at the head is
 * always within the tail, except a well-framed record with the right lap that another process forged there with a
 * length reaching beyond the tail. {@link #verifyPositions}, at heartbeat time, reports that (the tail is then behind
 * the head) and resynchronises; until then producers' records in the forged record's shadow are not seen.
 * <p>
 * Consumed records are zeroed a whole cache line at a time: the partly read line at the head is left alone until
 * the head leaves it, because a producer is usually still writing the next record into it, and a consumer write
 * there would pull the line away from the producer on every record. The head is published at once; producers
 * ({@link FrameRing}) keep one line of slack behind it, so they never claim the consumed bytes not zeroed yet.
 * <p>
 * On corruption the reader drops what the producers had written so far ({@code head..tail}) and resumes behind it:
 * nothing in that window can be trusted to be framed. Producers that still hold a claim in the dropped window fail
 * on commit ({@link FrameRing}).
 * <p>
 * Single-threaded, like every ring consumer: only the consumer's duty cycle calls {@link #read}.
 */
final class CheckedRingReader
{
    /**
     * How far behind the head consumed bytes may still be unzeroed: one cache line. Producers ({@link FrameRing})
     * keep this much room free behind the head.
     */
    static final int UNZEROED_SLACK = BitUtil.CACHE_LINE_LENGTH;
    private static final long CACHE_LINE_MASK = ~(long)(UNZEROED_SLACK - 1);

    private final AtomicBuffer buffer;
    private final Path file;
    private final long fileOffset;
    private final int capacity;
    private final int mask;
    private final int capacityShift;
    private final int checksumLength;
    private final int headPositionIndex;
    private final int tailPositionIndex;
    private long head;
    /** Everything consumed before this position is zeroed; less than one cache line behind {@link #head}. */
    private long zeroedTo;

    /**
     * @param buffer     the ring: data area followed by Agrona's trailer.
     * @param file       the mapped file, for error messages.
     * @param fileOffset where the ring starts in the file, so reported offsets are file offsets.
     */
    CheckedRingReader(final AtomicBuffer buffer, final Path file, final long fileOffset)
    {
        this(buffer, file, fileOffset, false);
    }

    /**
     * @param buffer     the ring: data area followed by Agrona's trailer.
     * @param file       the mapped file, for error messages.
     * @param fileOffset where the ring starts in the file, so reported offsets are file offsets.
     * @param checksums  whether every record ends with a {@link RecordChecksum} of its frame, to verify.
     */
    CheckedRingReader(final AtomicBuffer buffer, final Path file, final long fileOffset, final boolean checksums)
    {
        this.buffer = buffer;
        this.checksumLength = checksums ? RecordChecksum.LENGTH : 0;
        this.file = file;
        this.fileOffset = fileOffset;
        this.capacity = buffer.capacity() - RingBufferDescriptor.TRAILER_LENGTH;
        if (!BitUtil.isPowerOfTwo(capacity))
        {
            throw new IllegalArgumentException("ring capacity must be a power of two: " + capacity + " in " + file);
        }
        this.mask = capacity - 1;
        this.capacityShift = Integer.numberOfTrailingZeros(capacity);
        this.headPositionIndex = capacity + RingBufferDescriptor.HEAD_POSITION_OFFSET;
        this.tailPositionIndex = capacity + RingBufferDescriptor.TAIL_POSITION_OFFSET;
        this.head = buffer.getLongVolatile(headPositionIndex);
        // Whoever read this ring before may have left the consumed part of the head's line unzeroed.
        this.zeroedTo = head & CACHE_LINE_MASK;
    }

    /**
     * Reads up to {@code limit} records, validating each before calling the handler.
     *
     * @param handler receives each valid record.
     * @param limit   most records to read in this call.
     * @return the number of records handed to the handler.
     * @throws CorruptionException when a record or the trailer is invalid; the ring is resynchronised first, so the
     *                             next call reads what producers write after the report. Also when a record's
     *                             checksum does not match its frame: that record alone is dropped (it is well
     *                             framed), and the next call reads the records behind it.
     */
    int read(final MessageHandler handler, final int limit)
    {
        final AtomicBuffer buffer = this.buffer;
        final long head = this.head;
        final int headIndex = (int)head & mask;
        final int maxBlockLength = capacity - headIndex;
        // Touches nothing the producers write but the records themselves: the tail is not read here (see above).
        int bytesRead = 0;
        int messagesRead = 0;
        CorruptionException corruption = null;
        CorruptionException damaged = null;
        try
        {
            while (bytesRead < maxBlockLength && messagesRead < limit)
            {
                final int recordIndex = headIndex + bytesRead;
                final int recordLength = buffer.getIntVolatile(lengthOffset(recordIndex));
                if (recordLength <= 0)
                {
                    // Empty, or claimed and not committed yet (negative): a stuck claim is the caller's business.
                    break;
                }
                // Aligned as a long: a hostile length near Integer.MAX_VALUE would wrap to a negative int here and
                // pass the bounds check below.
                final long alignedLength = BitUtil.align((long)recordLength, ALIGNMENT);
                final int typeId = buffer.getInt(typeOffset(recordIndex));
                if (!isValidRecord(recordLength, alignedLength, maxBlockLength - bytesRead, typeId, head + bytesRead))
                {
                    corruption = new CorruptionException(file, fileOffset + recordIndex, invalidRecord(recordLength,
                        alignedLength, maxBlockLength - bytesRead, typeId, head + bytesRead, capacityShift)
                        + " (ring head=" + (head + bytesRead) + " tail=" + tail() + " capacity=" + capacity + ")");
                    break;
                }
                bytesRead += (int)alignedLength;
                if (typeId == RingBuffer.PADDING_MSG_TYPE_ID)
                {
                    continue;
                }
                final int frameLength = recordLength - HEADER_LENGTH - checksumLength;
                if (checksumLength != 0)
                {
                    if (frameLength < 0)
                    {
                        corruption = new CorruptionException(file, fileOffset + recordIndex, "record length "
                            + recordLength + " shorter than its header and checksum (ring head=" + (head + bytesRead)
                            + " capacity=" + capacity + ")");
                        bytesRead -= (int)alignedLength;
                        break;
                    }
                    if (RecordChecksum.of(buffer, recordIndex + HEADER_LENGTH, frameLength) !=
                        buffer.getInt(recordIndex + HEADER_LENGTH + frameLength))
                    {
                        damaged = checksumMismatch(recordIndex, typeId, frameLength);
                        break;
                    }
                }
                ++messagesRead;
                handler.onMessage(typeId & FrameDescriptor.TAG_KIND_MASK, buffer, recordIndex + HEADER_LENGTH,
                    frameLength);
            }
        }
        finally
        {
            if (bytesRead > 0)
            {
                this.head = head + bytesRead;
                zeroWholeLines(this.head);
                buffer.putLongRelease(headPositionIndex, this.head);
            }
        }
        if (corruption != null)
        {
            resynchronise();
            throw corruption;
        }
        if (damaged != null)
        {
            throw damaged;
        }
        return messagesRead;
    }

    private CorruptionException checksumMismatch(final int recordIndex, final int typeId, final int frameLength)
    {
        final int kind = typeId & FrameDescriptor.TAG_KIND_MASK;
        final String session = kind != FrameDescriptor.CONNECT_KIND && frameLength >= Integer.BYTES ?
            " sessionId=" + buffer.getInt(recordIndex + HEADER_LENGTH + FrameDescriptor.SESSION_ID_OFFSET) : "";
        return new CorruptionException(file, fileOffset + recordIndex, "record checksum mismatch: kind=" + kind
            + session + " length=" + frameLength + ": record dropped (written into after its producer committed it, "
            + "e.g. by a producer stopped mid-write whose slot was skipped and reused)");
    }

    /**
     * The checks of {@link #invalidRecord} without building its message: small enough for the JIT to inline into the
     * read loop, which runs it for every record.
     */
    private boolean isValidRecord(
        final int recordLength, final long alignedLength, final int roomToEnd, final int typeId, final long position)
    {
        if (recordLength < HEADER_LENGTH || alignedLength > roomToEnd)
        {
            return false;
        }
        if (typeId == RingBuffer.PADDING_MSG_TYPE_ID)
        {
            return true;
        }
        return typeId >= 1 && (typeId & FrameDescriptor.TAG_KIND_MASK) != 0 &&
            typeId >>> FrameDescriptor.TAG_KIND_BITS == FrameDescriptor.lap(position, capacityShift);
    }

    private static String invalidRecord(
        final int recordLength,
        final long alignedLength,
        final int roomToEnd,
        final int typeId,
        final long position,
        final int capacityShift)
    {
        if (recordLength < HEADER_LENGTH)
        {
            return "record length " + recordLength + " shorter than its header " + HEADER_LENGTH;
        }
        if (alignedLength > roomToEnd)
        {
            return "record length " + recordLength + " crosses the end of the ring (" + roomToEnd + " bytes left)";
        }
        if ((typeId < 1 || (typeId & FrameDescriptor.TAG_KIND_MASK) == 0) && typeId != RingBuffer.PADDING_MSG_TYPE_ID)
        {
            return "invalid record type " + typeId;
        }
        if (typeId != RingBuffer.PADDING_MSG_TYPE_ID &&
            typeId >>> FrameDescriptor.TAG_KIND_BITS != FrameDescriptor.lap(position, capacityShift))
        {
            return "record tag lap=" + (typeId >>> FrameDescriptor.TAG_KIND_BITS) + " does not match its position "
                + "lap=" + FrameDescriptor.lap(position, capacityShift) + " (a stale or foreign write)";
        }
        return null;
    }

    /**
     * Checks that the trailer still makes sense (head as this reader left it, tail within one capacity ahead and
     * aligned), so a hostile head or tail cannot make the consumer wait for, or unblock, records that will never
     * come. Not on every poll (it reads the producers' tail): at heartbeat time and before unblocking.
     *
     * @throws CorruptionException naming the trailer field; the ring is resynchronised first.
     */
    void verifyPositions()
    {
        final CorruptionException corruption = checkPositions(head, buffer.getLongVolatile(tailPositionIndex));
        if (corruption != null)
        {
            resynchronise();
            throw corruption;
        }
    }

    /**
     * Zeroes the consumed lines before the one holding {@code head}. Never crosses the end of the ring: {@link #read}
     * stops there, which is a line boundary. Runs before the head is published, so producers find these bytes zero.
     */
    private void zeroWholeLines(final long head)
    {
        final long lineStart = head & CACHE_LINE_MASK;
        final long zeroedTo = this.zeroedTo;
        if (lineStart > zeroedTo)
        {
            buffer.setMemory((int)zeroedTo & mask, (int)(lineStart - zeroedTo), (byte)0);
            this.zeroedTo = lineStart;
        }
    }

    private CorruptionException checkPositions(final long head, final long tail)
    {
        final long sharedHead = buffer.getLongVolatile(headPositionIndex);
        if (sharedHead != head)
        {
            return new CorruptionException(file, fileOffset + headPositionIndex,
                "head position changed by another process: head=" + sharedHead + " expected=" + head);
        }
        if (tail < head)
        {
            return new CorruptionException(file, fileOffset + tailPositionIndex,
                "invalid tail position: tail=" + tail + " is behind head=" + head + ": the consumer read a record "
                + "reaching beyond the producers' tail (a forged or corrupt record length), or the tail was "
                + "overwritten");
        }
        if (tail - head > capacity || (tail & (ALIGNMENT - 1)) != 0)
        {
            return new CorruptionException(file, fileOffset + tailPositionIndex,
                "invalid tail position: tail=" + tail + " head=" + head + " capacity=" + capacity);
        }
        return null;
    }

    /**
     * Drops everything between the head and the producers' current tail and puts the head behind it. A tail that is
     * itself invalid is taken as it is (producers continue from it), with the whole ring zeroed.
     */
    private void resynchronise()
    {
        final long tail = buffer.getLongVolatile(tailPositionIndex);
        final long alignedTail = tail & ~(long)(ALIGNMENT - 1);
        // From zeroedTo, not head: the consumed part of the head's line is not zeroed yet either. Differences, not
        // comparisons, and both checked: hostile positions may be anywhere in the long range.
        final long dropped = alignedTail - zeroedTo;
        if (alignedTail - head <= 0 || dropped <= 0 || dropped > capacity)
        {
            buffer.setMemory(0, capacity, (byte)0);
        }
        else
        {
            final int fromIndex = (int)zeroedTo & mask;
            final int firstPart = (int)Math.min(dropped, capacity - fromIndex);
            buffer.setMemory(fromIndex, firstPart, (byte)0);
            buffer.setMemory(0, (int)dropped - firstPart, (byte)0);
        }
        if (alignedTail != tail)
        {
            buffer.putLongRelease(tailPositionIndex, alignedTail);
        }
        head = alignedTail;
        zeroedTo = alignedTail;
        buffer.putLongRelease(headPositionIndex, head);
    }

    /**
     * @return the consumer position this reader keeps.
     */
    long head()
    {
        return head;
    }

    /**
     * Whether the record at the head this reader last published is claimed but not committed (or reserved with no
     * header yet): what a stalled producer leaves. Reads the trailer and one record header only, so another thread
     * (the client watchdog) may call it while the consumer reads.
     *
     * @return the published head when an uncommitted record waits there, else -1.
     */
    long uncommittedHead()
    {
        final long head = buffer.getLongVolatile(headPositionIndex);
        final long tail = buffer.getLongVolatile(tailPositionIndex);
        if (tail - head <= 0 || tail - head > capacity)
        {
            return -1;
        }
        return buffer.getIntVolatile(lengthOffset((int)head & mask)) <= 0 ? head : -1;
    }

    /**
     * @return the producers' tail position as the trailer says now.
     */
    long tail()
    {
        return buffer.getLongVolatile(tailPositionIndex);
    }

    /**
     * Skips the record at the head that a producer claimed and never committed (it died or stopped): turns it into
     * padding so the next {@link #read} passes it. A claimed header is replaced by one compare-and-set, the same
     * word its producer's commit compares and sets, so exactly one of the two wins: a producer that commits at this
     * very moment either is published or fails, never told OK while skipped. A claim whose header was never written
     * (the producer died between moving the tail and writing it) is skipped up to the next record header found
     * behind it, after checking that the gap is still all zeros.
     *
     * @return true when a record was skipped; false when there is nothing to skip, the producer committed first, or
     * no record behind a header-less claim shows where it ends (tried again later).
     * @throws CorruptionException when the claimed header at the head carries another lap than its position (a
     *                             stale or foreign write); the ring is resynchronised first.
     */
    boolean unblock()
    {
        final AtomicBuffer buffer = this.buffer;
        final long head = this.head;
        final long tail = buffer.getLongVolatile(tailPositionIndex);
        if (head == tail)
        {
            return false;
        }
        final int headIndex = (int)head & mask;
        final long header = buffer.getLongVolatile(headIndex);
        final int length = (int)header;
        if (length < 0)
        {
            final int lap = (int)(header >>> 32) >>> FrameDescriptor.TAG_KIND_BITS;
            if (lap != FrameDescriptor.lap(head, capacityShift))
            {
                resynchronise();
                throw new CorruptionException(file, fileOffset + headIndex, "claimed record tag lap=" + lap
                    + " does not match its position lap=" + FrameDescriptor.lap(head, capacityShift) + " (ring head="
                    + head + " tail=" + tail + ")");
            }
            return buffer.compareAndSetLong(headIndex, header, paddingHeader(-length));
        }
        if (length == 0)
        {
            final int tailIndex = (int)tail & mask;
            final int limit = tailIndex > headIndex ? tailIndex : capacity;
            for (int i = headIndex + ALIGNMENT; i < limit; i += ALIGNMENT)
            {
                if (buffer.getIntVolatile(i) != 0)
                {
                    if (isZero(headIndex, i))
                    {
                        return buffer.compareAndSetLong(headIndex, 0L, paddingHeader(i - headIndex));
                    }
                    if (buffer.getIntVolatile(headIndex) != 0)
                    {
                        return false; // Its producer wrote the header just now: read it on the next poll.
                    }
                    // A producer writes its whole header in one store before any byte behind it, so bytes in the
                    // gap of a record whose length is still 0 are a foreign write. Waiting for them to clear would
                    // block the inbox for good.
                    resynchronise();
                    throw new CorruptionException(file, fileOffset + headIndex, "non-zero bytes inside the unwritten"
                        + " record at the head, before the next record at offset " + (fileOffset + i)
                        + " (a foreign write) (ring head=" + head + " tail=" + tail + ")");
                }
            }
            // Nothing written up to the end of the ring while the tail is already in the next lap: what was reserved
            // there (a record, or the padding before a wrapped one) was never written. It ends at the end of the
            // ring, so it becomes padding to there; the records behind it wait at the start of the ring.
            if (limit == capacity && tail - head > capacity - headIndex && isZero(headIndex, capacity))
            {
                return buffer.compareAndSetLong(headIndex, 0L, paddingHeader(capacity - headIndex));
            }
        }
        return false;
    }

    private boolean isZero(final int from, final int to)
    {
        for (int i = to - ALIGNMENT; i >= from; i -= ALIGNMENT)
        {
            if (buffer.getLongVolatile(i) != 0)
            {
                return false;
            }
        }
        return true;
    }

    private static long paddingHeader(final int length)
    {
        return ((long)RingBuffer.PADDING_MSG_TYPE_ID << 32) | (length & 0xFFFF_FFFFL);
    }
}
