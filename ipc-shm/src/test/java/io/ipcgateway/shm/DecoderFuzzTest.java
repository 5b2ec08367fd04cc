package io.ipcgateway.shm;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.CorruptionException;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.ipcgateway.shm.FrameDescriptor.FRAGMENT_HEADER_LENGTH;
import static io.ipcgateway.shm.FrameDescriptor.FRAGMENT_INNER_KIND_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.FRAGMENT_OFFSET_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.FRAGMENT_TOTAL_LENGTH_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.MESSAGE_KIND;
import static io.ipcgateway.shm.FrameDescriptor.REQUEST_KIND;
import static io.ipcgateway.shm.FrameDescriptor.TYPE_ID_OFFSET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Bounded property-based fuzzing of the decoders that read shared memory: ring record framing
 * ({@link CheckedRingReader}), fragment reassembly ({@link Reassembler}) and control-message strings
 * ({@link FrameDescriptor#readAscii}). Fixed seeds, so a failure is reproducible; each property runs in seconds.
 * The buffers are heap arrays with Agrona's bounds checks on, so any access outside them fails the test.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DecoderFuzzTest
{
    private static final Path FILE = Paths.get("/dev/shm/fuzz.ipc");
    private static final int CAPACITY = 1024;
    private static final int CAPACITY_SHIFT = 10;

    @Test
    void shouldOnlyHandOutRecordsInsideTheRingOrReportCorruptionWhateverTheBytes()
    {
        final SplittableRandom random = new SplittableRandom(0x5eed);
        final UnsafeBuffer ring = new UnsafeBuffer(new byte[CAPACITY + RingBufferDescriptor.TRAILER_LENGTH]);
        final int tailIndex = CAPACITY + RingBufferDescriptor.TAIL_POSITION_OFFSET;
        final int headIndex = CAPACITY + RingBufferDescriptor.HEAD_POSITION_OFFSET;
        int corruptions = 0;
        int records = 0;
        for (int iteration = 0; iteration < 20_000; iteration++)
        {
            ring.setMemory(0, ring.capacity(), (byte)0);
            final long head = random.nextInt(1 << 20) * (long)RecordDescriptor.ALIGNMENT;
            ring.putLong(headIndex, head);
            // Well-framed records from the head on, then damage: the checks see both good and bad records.
            int framed = 0;
            final int start = (int)(head & (CAPACITY - 1));
            while (random.nextInt(8) != 0)
            {
                final int length = random.nextInt(RecordDescriptor.HEADER_LENGTH, 64);
                final int aligned = (length + RecordDescriptor.ALIGNMENT - 1) & -RecordDescriptor.ALIGNMENT;
                if (start + framed + aligned > CAPACITY)
                {
                    break;
                }
                ring.putInt(start + framed, length);
                ring.putInt(start + framed + 4,
                    FrameDescriptor.tag(random.nextInt(1, 9), head + framed, CAPACITY_SHIFT));
                framed += aligned;
            }
            ring.putLong(tailIndex, random.nextInt(4) == 0 ? random.nextLong() : head + framed +
                random.nextInt(64) * RecordDescriptor.ALIGNMENT);
            final int writes = random.nextInt(0, 8);
            for (int w = 0; w < writes; w++)
            {
                // Plausible lengths and types at aligned offsets, so the checks past the first one are reached.
                final int at = random.nextInt(CAPACITY / RecordDescriptor.ALIGNMENT) * RecordDescriptor.ALIGNMENT;
                ring.putInt(at, random.nextBoolean() ? random.nextInt(-16, CAPACITY + 32) : random.nextInt());
                ring.putInt(at + 4, random.nextBoolean() ? random.nextInt(-2, 16) : random.nextInt());
            }
            final CheckedRingReader reader = new CheckedRingReader(ring, FILE, 4096);
            for (int pass = 0; pass < 4; pass++)
            {
                try
                {
                    records += reader.read((typeId, buffer, index, length) ->
                    {
                        assertThat(typeId).isPositive();
                        assertThat(length).isNotNegative();
                        assertThat(index).isGreaterThanOrEqualTo(RecordDescriptor.HEADER_LENGTH);
                        assertThat(index + length).isLessThanOrEqualTo(CAPACITY);
                    }, 16);
                }
                catch (final CorruptionException ex)
                {
                    corruptions++;
                    assertThat(ex.offset()).isBetween(4096L, 4096L + ring.capacity());
                    assertThat(ex).hasMessageContaining(FILE.toString());
                }
                assertThat(reader.head() % RecordDescriptor.ALIGNMENT).isZero();
            }
        }
        // Both outcomes were exercised, so the property is not vacuous.
        assertThat(corruptions).isGreaterThan(1000);
        assertThat(records).isGreaterThan(1000);
    }

    @Test
    void shouldReadEveryRecordOurProducersWriteInOrder()
    {
        final SplittableRandom random = new SplittableRandom(11);
        final UnsafeBuffer ring = new UnsafeBuffer(new byte[CAPACITY + RingBufferDescriptor.TRAILER_LENGTH]);
        final FrameRing producer = new FrameRing(ring, FILE, 0, true, false);
        final CheckedRingReader reader = new CheckedRingReader(ring, FILE, 0);
        final UnsafeBuffer message = new UnsafeBuffer(new byte[CAPACITY / 8]);
        final long[] expected = {0};
        long written = 0;
        for (int i = 0; i < 200_000; i++)
        {
            final int length = random.nextInt(Long.BYTES, producer.maxMsgLength() + 1);
            message.putLong(0, written);
            if (producer.write(1 + random.nextInt(8), message, 0, length))
            {
                written++;
            }
            if (random.nextInt(3) == 0)
            {
                reader.read((typeId, buffer, index, len) ->
                {
                    assertThat(typeId).as("the plain kind, without the lap").isBetween(1, 8);
                    assertThat(buffer.getLong(index)).isEqualTo(expected[0]);
                    expected[0]++;
                }, 1 + random.nextInt(8));
            }
        }
        while (reader.read((typeId, buffer, index, len) -> expected[0]++, 100) > 0)
        {
            Thread.onSpinWait();
        }
        assertThat(expected[0]).isEqualTo(written);
        assertThat(reader.head()).isEqualTo(reader.tail()).isGreaterThan(10L * CAPACITY);
    }

    @Test
    void shouldReassembleValidFragmentsAndRejectGarbageWithoutThrowing()
    {
        final SplittableRandom random = new SplittableRandom(3);
        final int maxMessageLength = 4096;
        final Reassembler reassembler = new Reassembler(maxMessageLength);
        final int kinds = Reassembler.kinds(MESSAGE_KIND, REQUEST_KIND);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[FRAGMENT_HEADER_LENGTH + 512]);
        int completed = 0;
        for (int i = 0; i < 50_000; i++)
        {
            if (random.nextBoolean())
            {
                // A well-formed message cut in fragments: must come out byte for byte.
                final int total = random.nextInt(1, maxMessageLength + 1);
                final int seed = random.nextInt();
                int offset = 0;
                int result = Reassembler.INCOMPLETE;
                while (offset < total)
                {
                    final int fragment = Math.min(total - offset, random.nextInt(1, 513));
                    fragmentHeader(frame, MESSAGE_KIND, total, offset);
                    for (int b = 0; b < fragment; b++)
                    {
                        frame.putByte(FRAGMENT_HEADER_LENGTH + b, (byte)(seed + offset + b));
                    }
                    result = reassembler.onFragment(frame, 0, FRAGMENT_HEADER_LENGTH + fragment, kinds);
                    offset += fragment;
                    assertThat(result).isEqualTo(offset == total ? Reassembler.COMPLETE : Reassembler.INCOMPLETE);
                }
                assertThat(reassembler.length()).isEqualTo(total);
                for (int b = 0; b < total; b++)
                {
                    if (reassembler.buffer().getByte(b) != (byte)(seed + b))
                    {
                        fail("byte " + b + " of a " + total + "-byte message differs");
                    }
                }
                completed++;
            }
            else
            {
                for (int b = 0; b < frame.capacity(); b += 4)
                {
                    frame.putInt(b, random.nextBoolean() ? random.nextInt(-8, maxMessageLength + 8) : random.nextInt());
                }
                final int result = reassembler.onFragment(frame, 0, random.nextInt(frame.capacity() + 1), kinds);
                assertThat(result).isBetween(Reassembler.INVALID, Reassembler.COMPLETE);
                if (result == Reassembler.COMPLETE)
                {
                    assertThat(reassembler.length()).isBetween(1, maxMessageLength);
                }
            }
        }
        assertThat(completed).isGreaterThan(20_000);
    }

    @Test
    void shouldReadControlStringsOnlyInsideTheRecord()
    {
        final SplittableRandom random = new SplittableRandom(5);
        final UnsafeBuffer record = new UnsafeBuffer(new byte[256]);
        for (int i = 0; i < 100_000; i++)
        {
            final int offset = random.nextInt(record.capacity());
            final int limit = random.nextInt(offset, record.capacity() + 1);
            final int length = random.nextBoolean() ? random.nextInt(-4, 300) : random.nextInt();
            final String value = FrameDescriptor.readAscii(record, offset, length, limit, 200);
            if (value != null)
            {
                assertThat(value).hasSize(length);
                assertThat(offset + length).isLessThanOrEqualTo(limit);
            }
        }
    }

    private static void fragmentHeader(final UnsafeBuffer frame, final int kind, final int total, final int offset)
    {
        frame.putInt(TYPE_ID_OFFSET, 3);
        frame.putInt(FRAGMENT_INNER_KIND_OFFSET, kind);
        frame.putInt(FRAGMENT_TOTAL_LENGTH_OFFSET, total);
        frame.putInt(FRAGMENT_OFFSET_OFFSET, offset);
    }
}
