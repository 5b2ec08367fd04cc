package io.ipcgateway.shm;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.ipcgateway.core.CorruptionException;
import io.ipcgateway.core.StaleClaimException;
import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lap-tagged claim, commit, abort and unblock of {@link FrameRing} and {@link CheckedRingReader}, in one
 * process: a commit or abort of a claim the consumer skipped fails and writes nothing, also when another claim
 * reuses the slot one lap later with the same length; commit and unblock racing on one claim have exactly one winner.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FrameRingTest
{
    private static final Path FILE = Paths.get("/dev/shm/frame-ring-test.ipc");
    private static final int CAPACITY = 1024;
    private static final int FRAME_LENGTH = 40;

    private final UnsafeBuffer buffer =
        new UnsafeBuffer(ByteBuffer.allocateDirect(CAPACITY + RingBufferDescriptor.TRAILER_LENGTH));
    private final FrameRing ring = new FrameRing(buffer, FILE, 4096, true, false);
    private final CheckedRingReader reader = new CheckedRingReader(buffer, FILE, 4096);
    private final List<Long> read = new ArrayList<>();

    @Test
    void shouldFailCommitOfClaimTheConsumerUnblockedAndWriteNothing()
    {
        final long position = ring.claim(FrameDescriptor.MESSAGE_KIND, FRAME_LENGTH);
        final int frameIndex = ring.frameIndex(position);
        final long claimedHeader = ring.claimedHeader(FrameDescriptor.MESSAGE_KIND, position, FRAME_LENGTH);
        assertThat(buffer.getLong(frameIndex - RecordDescriptor.HEADER_LENGTH)).isEqualTo(claimedHeader);

        assertThat(reader.unblock()).isTrue();
        final long padding = buffer.getLong(frameIndex - RecordDescriptor.HEADER_LENGTH);
        assertThat((int)(padding >>> 32)).isEqualTo(RingBuffer.PADDING_MSG_TYPE_ID);

        assertThatThrownBy(() -> ring.commit(frameIndex, claimedHeader))
            .isInstanceOf(StaleClaimException.class)
            .hasMessageContaining(FILE.toString())
            .hasMessageContaining("claim skipped")
            .hasMessageContaining("offset=" + (4096 + frameIndex - RecordDescriptor.HEADER_LENGTH));
        assertThat(ring.abort(frameIndex, claimedHeader)).isFalse();
        assertThat(buffer.getLong(frameIndex - RecordDescriptor.HEADER_LENGTH)).isEqualTo(padding);
        assertThat(readAll()).isZero();
        assertThat(reader.head()).isEqualTo(reader.tail());
    }

    @Test
    void shouldFailStaleCommitOverClaimWithTheSameLengthOneLapLater()
    {
        final long stale = ring.claim(FrameDescriptor.MESSAGE_KIND, FRAME_LENGTH);
        final long staleHeader = ring.claimedHeader(FrameDescriptor.MESSAGE_KIND, stale, FRAME_LENGTH);
        assertThat(reader.unblock()).isTrue();
        assertThat(readAll()).isZero();

        long number = 0;
        while (stale + CAPACITY - reader.tail() > 100)
        {
            assertThat(write(number++, FRAME_LENGTH)).isTrue();
            assertThat(readAll()).isEqualTo(1);
        }
        // One record exactly as long as the gap, so the tail lands on the stale claim's slot one lap later.
        assertThat(write(number++, (int)(stale + CAPACITY - reader.tail()) - RecordDescriptor.HEADER_LENGTH)).isTrue();
        assertThat(readAll()).isEqualTo(1);
        final long reused = ring.claim(FrameDescriptor.MESSAGE_KIND, FRAME_LENGTH);
        assertThat(reused).isEqualTo(stale + CAPACITY);
        final int frameIndex = ring.frameIndex(reused);
        assertThat(frameIndex).isEqualTo(ring.frameIndex(stale));
        final long reusedHeader = ring.claimedHeader(FrameDescriptor.MESSAGE_KIND, reused, FRAME_LENGTH);
        buffer.putLong(frameIndex, number);

        assertThatThrownBy(() -> ring.commit(frameIndex, staleHeader)).isInstanceOf(StaleClaimException.class);
        assertThat(ring.abort(frameIndex, staleHeader)).isFalse();
        assertThat(buffer.getLong(frameIndex - RecordDescriptor.HEADER_LENGTH)).isEqualTo(reusedHeader);
        assertThat(readAll()).as("the reused claim is still unpublished").isZero();

        ring.commit(frameIndex, reusedHeader);
        assertThat(readAll()).isEqualTo(1);
        assertThat(read).hasSize((int)number + 1).last().isEqualTo(number);
    }

    @Test
    void shouldLetExactlyOneOfCommitAndUnblockWin() throws Exception
    {
        final int rounds = 20_000;
        // The hand-offs below yield rather than spin: on a loaded machine with fewer cores than busy threads a
        // spinning hand-off costs a scheduler quantum per round, and 20,000 rounds then outlast the timeout.
        final AtomicLong claimed = new AtomicLong(-1);
        final AtomicInteger committedRound = new AtomicInteger(-1);
        final boolean[] committed = new boolean[rounds];
        final Thread producer = new Thread(() ->
        {
            for (int round = 0; round < rounds; round++)
            {
                long position;
                while ((position = claimed.get()) < 0 || committedRound.get() != round - 1)
                {
                    Thread.yield();
                }
                claimed.set(-1);
                try
                {
                    ring.commit(ring.frameIndex(position),
                        ring.claimedHeader(FrameDescriptor.MESSAGE_KIND, position, FRAME_LENGTH));
                    committed[round] = true;
                }
                catch (final StaleClaimException ex)
                {
                    committed[round] = false;
                }
                committedRound.set(round);
            }
        });
        producer.start();
        int unblocked = 0;
        int published = 0;
        for (int round = 0; round < rounds; round++)
        {
            final long position = ring.claim(FrameDescriptor.MESSAGE_KIND, FRAME_LENGTH);
            buffer.putLong(ring.frameIndex(position), round);
            claimed.set(position);
            final boolean skipped = reader.unblock();
            while (committedRound.get() != round)
            {
                Thread.yield();
            }
            final int records = readAll();
            assertThat(skipped).as("round " + round).isNotEqualTo(committed[round]);
            assertThat(records).as("round " + round).isEqualTo(committed[round] ? 1 : 0);
            unblocked += skipped ? 1 : 0;
            published += records;
        }
        producer.join();
        assertThat(unblocked + published).isEqualTo(rounds);
        assertThat(reader.head()).isEqualTo(reader.tail());
    }

    @Test
    void shouldReportRecordWhoseLapDoesNotMatchItsPosition()
    {
        long number = 0;
        while (reader.tail() < CAPACITY)
        {
            assertThat(write(number++, FRAME_LENGTH)).isTrue();
            readAll();
        }
        final long position = ring.claim(FrameDescriptor.MESSAGE_KIND, FRAME_LENGTH);
        final int recordIndex = ring.frameIndex(position) - RecordDescriptor.HEADER_LENGTH;
        // A record of the previous lap, committed: what a stale producer could leave behind.
        buffer.putLongVolatile(recordIndex, ((long)FrameDescriptor.tag(FrameDescriptor.MESSAGE_KIND,
            position - CAPACITY, 10) << 32) | (FRAME_LENGTH + RecordDescriptor.HEADER_LENGTH));

        assertThatThrownBy(this::readAll)
            .isInstanceOf(CorruptionException.class)
            .hasMessageContaining(FILE.toString())
            .hasMessageContaining("offset=" + (4096 + recordIndex))
            .hasMessageContaining("lap=0 does not match its position lap=1");
    }

    @Test
    void shouldReportGarbageInTheGapOfAnUnwrittenRecordInsteadOfWaitingForItForever()
    {
        final int headIndex = (int)reader.head();
        // A producer moved the tail and died before writing its header; another one wrote a record behind it.
        reserveWithoutWriting(48);
        assertThat(write(7, FRAME_LENGTH)).isTrue();
        // A foreign write inside the gap (the type word of the unwritten header): producers never leave one there.
        buffer.putIntVolatile(headIndex + Integer.BYTES, 12_345);

        assertThat(readAll()).isZero();
        assertThatThrownBy(reader::unblock)
            .isInstanceOf(CorruptionException.class)
            .hasMessageContaining(FILE.toString())
            .hasMessageContaining("offset=" + (4096 + headIndex))
            .hasMessageContaining("non-zero bytes inside the unwritten record");
        assertThat(reader.head()).as("resynchronised").isEqualTo(reader.tail());
        assertThat(write(8, FRAME_LENGTH)).isTrue();
        assertThat(readAll()).isEqualTo(1);
        assertThat(read).containsExactly(8L);
    }

    @Test
    void shouldUnblockUnwrittenRecordThatRunsToTheEndOfTheRing()
    {
        long number = 0;
        while (reader.tail() + 48 <= CAPACITY)
        {
            assertThat(write(number++, FRAME_LENGTH)).isTrue();
            readAll();
        }
        final int toEnd = CAPACITY - (int)reader.head();
        assertThat(toEnd).isPositive().isLessThan(48);
        // Reserved up to the end of the ring and never written; the next record lands at the start of the ring.
        reserveWithoutWriting(toEnd);
        assertThat(write(99, FRAME_LENGTH)).isTrue();
        read.clear();

        assertThat(readAll()).isZero();
        assertThat(reader.unblock()).as("padding to the end of the ring").isTrue();
        assertThat(readAll()).isEqualTo(1);
        assertThat(read).containsExactly(99L);
        assertThat(reader.head()).isEqualTo(reader.tail());
    }

    @Test
    void shouldLetProducersClaimOnlyBytesTheConsumerHasZeroed()
    {
        // Record lengths that are not whole cache lines, so the head mostly stops inside a line, whose consumed part
        // the reader leaves unzeroed until the head leaves it.
        final Random random = new Random(42);
        long written = 0;
        for (int round = 0; round < 2_000; round++)
        {
            final int length = 8 + 4 * random.nextInt(31);
            while (write(written, length))
            {
                written++;
            }
            final long head = reader.head();
            final long tail = reader.tail();
            final long unzeroedFrom = head & ~(long)(BitUtil.CACHE_LINE_LENGTH - 1);
            assertThat(tail - unzeroedFrom).as("round " + round + ": claimed into consumed bytes not zeroed yet")
                .isLessThanOrEqualTo(CAPACITY);
            reader.read((kind, buf, index, frameLength) -> read.add(buf.getLong(index)), 1 + random.nextInt(20));
            assertFreeBytesAreZero(round);
        }
        readAll();
        assertFreeBytesAreZero(-1);
        assertThat(read).hasSize((int)written);
        for (int i = 0; i < read.size(); i++)
        {
            assertThat(read.get(i)).isEqualTo(i);
        }
    }

    /** Every byte producers may claim next (from the tail to the unzeroed part of the head's line) is zero. */
    private void assertFreeBytesAreZero(final int round)
    {
        final long tail = reader.tail();
        final long freeEnd = (reader.head() & ~(long)(BitUtil.CACHE_LINE_LENGTH - 1)) + CAPACITY;
        for (long position = tail; position < freeEnd; position++)
        {
            assertThat(buffer.getByte((int)position & (CAPACITY - 1)))
                .as("round " + round + ", free byte at position " + position).isZero();
        }
    }

    @Test
    void shouldDropRecordDamagedAfterItsChecksumNamingItsSessionAndReadTheNextOnes()
    {
        final FrameRing checked = new FrameRing(buffer, FILE, 4096, true, true);
        final CheckedRingReader checkedReader = new CheckedRingReader(buffer, FILE, 4096, true);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[FRAME_LENGTH]);
        final long[] positions = new long[3];
        for (int i = 0; i < 3; i++)
        {
            frame.putInt(FrameDescriptor.SESSION_ID_OFFSET, 100 + i);
            frame.putLong(8, i);
            positions[i] = checkedReader.tail();
            assertThat(checked.write(FrameDescriptor.MESSAGE_KIND, frame, 0, FRAME_LENGTH)).isTrue();
        }
        // A zero-copy claim: its checksum is taken from the ring at commit.
        final long position = checked.claim(FrameDescriptor.MESSAGE_KIND, FRAME_LENGTH);
        buffer.putInt(checked.frameIndex(position), 103);
        buffer.putLong(checked.frameIndex(position) + 8, 3);
        checked.commit(checked.frameIndex(position),
            checked.claimedHeader(FrameDescriptor.MESSAGE_KIND, position, FRAME_LENGTH));
        // One stray byte in the second record's payload, after it was committed.
        final int damagedIndex = checked.frameIndex(positions[1]);
        buffer.putByte(damagedIndex + 20, (byte)(buffer.getByte(damagedIndex + 20) ^ 1));

        final List<Long> numbers = new ArrayList<>();
        final org.agrona.concurrent.MessageHandler handler = (kind, buf, index, length) ->
        {
            assertThat(length).isEqualTo(FRAME_LENGTH);
            numbers.add(buf.getLong(index + 8));
        };
        assertThatThrownBy(() -> checkedReader.read(handler, 100))
            .isInstanceOf(CorruptionException.class)
            .hasMessageContaining(FILE.toString())
            .hasMessageContaining("offset=" + (4096 + damagedIndex - RecordDescriptor.HEADER_LENGTH))
            .hasMessageContaining("checksum mismatch")
            .hasMessageContaining("sessionId=101");
        assertThat(checkedReader.read(handler, 100)).isEqualTo(2);
        assertThat(numbers).containsExactly(0L, 2L, 3L);
        assertThat(checkedReader.head()).isEqualTo(checkedReader.tail());
    }

    @Test
    void shouldComputeTheSameChecksumInPiecesAsOverTheWholeFrame()
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[64]);
        for (int length = 16; length <= 64; length++)
        {
            for (int i = 0; i < length; i++)
            {
                frame.putByte(i, (byte)(i * 31 + length));
            }
            final long header = RecordChecksum.update(RecordChecksum.SEED, frame, 0, 16);
            final int pieces = RecordChecksum.finish(RecordChecksum.update(header, frame, 16, length - 16), length);
            assertThat(pieces).isEqualTo(RecordChecksum.of(frame, 0, length));
            frame.putByte(length - 1, (byte)(frame.getByte(length - 1) + 1));
            assertThat(RecordChecksum.of(frame, 0, length)).as("last byte changed").isNotEqualTo(pieces);
        }
    }

    private void reserveWithoutWriting(final int length)
    {
        final int tailIndex = CAPACITY + RingBufferDescriptor.TAIL_POSITION_OFFSET;
        buffer.putLongVolatile(tailIndex, buffer.getLongVolatile(tailIndex) + length);
    }

    @Test
    void shouldFindAndAbortOnlyTheOpenClaimsOfOneSession()
    {
        assertThat(write(100, FRAME_LENGTH)).isTrue();
        final long first = claimFor(7);
        final long other = claimFor(8);
        assertThat(write(101, FRAME_LENGTH)).isTrue();
        final long second = claimFor(7);

        final long[] open = ring.openClaimsOf(7);
        assertThat(open).containsExactly(first, header(first), second, header(second));
        assertThat(ring.abortAt(open[0], open[1])).isTrue();
        assertThat(ring.abortAt(open[2], open[3])).isTrue();
        assertThat(ring.abortAt(open[0], open[1])).as("aborted once").isFalse();
        assertThatThrownBy(() -> ring.commit(ring.frameIndex(first), header(first)))
            .isInstanceOf(StaleClaimException.class);
        assertThat(ring.openClaimsOf(7)).isEmpty();

        // The other session's claim is untouched: it holds the reader until its producer commits it.
        assertThat(readAll()).isEqualTo(1);
        ring.commit(ring.frameIndex(other), header(other));
        assertThat(readAll()).isEqualTo(2);
        assertThat(read).containsExactly(100L, 8L, 101L);
        assertThat(reader.head()).isEqualTo(reader.tail());
    }

    @Test
    void shouldFailCommitOfSingleProducerClaimThatWasAborted()
    {
        final UnsafeBuffer single =
            new UnsafeBuffer(ByteBuffer.allocateDirect(CAPACITY + RingBufferDescriptor.TRAILER_LENGTH));
        final FrameRing singleRing = new FrameRing(single, FILE, 4096, false, false);
        final long position = singleRing.claim(FrameDescriptor.MESSAGE_KIND, FRAME_LENGTH);
        final long claimedHeader = singleRing.claimedHeader(FrameDescriptor.MESSAGE_KIND, position, FRAME_LENGTH);
        assertThat(singleRing.abortAt(position, claimedHeader)).isTrue();
        final long padding = single.getLong((int)position);

        assertThatThrownBy(() -> singleRing.commit(singleRing.frameIndex(position), claimedHeader))
            .isInstanceOf(StaleClaimException.class).hasMessageContaining("claim skipped");
        assertThat(single.getLong((int)position)).isEqualTo(padding);
    }

    private long claimFor(final int sessionId)
    {
        final long position = ring.claim(FrameDescriptor.MESSAGE_KIND, FRAME_LENGTH);
        buffer.putLong(ring.frameIndex(position) + FrameDescriptor.SESSION_ID_OFFSET, sessionId);
        return position;
    }

    private long header(final long position)
    {
        return ring.claimedHeader(FrameDescriptor.MESSAGE_KIND, position, FRAME_LENGTH);
    }

    private boolean write(final long number, final int length)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[length]);
        frame.putLong(0, number);
        return ring.write(FrameDescriptor.MESSAGE_KIND, frame, 0, length);
    }

    /** Reads until the head stops moving (one read stops at the end of the ring). */
    private int readAll()
    {
        int records = 0;
        long head;
        do
        {
            head = reader.head();
            records += reader.read((kind, buf, index, length) ->
            {
                assertThat(kind).isEqualTo(FrameDescriptor.MESSAGE_KIND);
                read.add(buf.getLong(index));
            }, 100);
        }
        while (reader.head() != head);
        return records;
    }
}
