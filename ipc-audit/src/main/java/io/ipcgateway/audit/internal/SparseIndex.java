package io.ipcgateway.audit.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

import io.ipcgateway.audit.AuditSegmentDecoder;
import io.ipcgateway.audit.AuditSegmentDescriptor;
import org.agrona.DirectBuffer;

/**
 * A segment's sparse index: (sequence, timestamp, offset) of the first record at or after every
 * {@code interval} bytes. Kept in memory by the writer (preallocated, so adding an entry allocates nothing) and
 * written beside the segment as {@code <name>-<first sequence>.idx} when the segment is sealed or the log closed;
 * rebuilt from the segment when that file is missing or damaged. Entries only speed up a seek: a reader checks that
 * the record at an entry's offset has the entry's sequence before trusting it.
 *
 * <pre>
 * Index file: magic "AIDX" (int), version (int), entry count (int), CRC32C of the entries (int),
 * then entries of 24 bytes: sequence (long), timestamp (long), offset (long). Little-endian.
 * </pre>
 */
public final class SparseIndex
{
    /** Magic of an index file. */
    public static final int MAGIC = 0x58444941;
    /** Version of the index file layout. */
    public static final int VERSION = 1;
    /** Bytes before the entries. */
    public static final int HEADER_LENGTH = 16;
    /** Bytes per entry. */
    public static final int ENTRY_LENGTH = 24;

    private final int interval;
    private long[] sequences;
    private long[] timestamps;
    private long[] offsets;
    private int count;
    private long nextOffset;

    /**
     * Creates an empty index.
     *
     * @param interval    bytes of segment per entry.
     * @param segmentSize the segment's size, to preallocate room for every entry.
     */
    public SparseIndex(final int interval, final long segmentSize)
    {
        this.interval = interval;
        final int capacity = (int)(segmentSize / interval) + 2;
        sequences = new long[capacity];
        timestamps = new long[capacity];
        offsets = new long[capacity];
        nextOffset = 0;
    }

    /**
     * Notes a record just written or scanned; adds an entry when it is the first at or after the next interval.
     *
     * @param sequence  its sequence.
     * @param timestamp its timestamp.
     * @param offset    its offset.
     */
    public void onRecord(final long sequence, final long timestamp, final long offset)
    {
        if (offset >= nextOffset)
        {
            if (count == sequences.length)
            {
                sequences = Arrays.copyOf(sequences, count * 2);
                timestamps = Arrays.copyOf(timestamps, count * 2);
                offsets = Arrays.copyOf(offsets, count * 2);
            }
            sequences[count] = sequence;
            timestamps[count] = timestamp;
            offsets[count] = offset;
            count++;
            nextOffset = (offset / interval + 1) * interval;
        }
    }

    /**
     * Number of entries.
     *
     * @return count.
     */
    public int count()
    {
        return count;
    }

    /**
     * Offset of the last entry whose sequence is at most {@code sequence}.
     *
     * @param sequence the sequence sought.
     * @return entry index, or -1 when none.
     */
    public int floorBySequence(final long sequence)
    {
        int result = -1;
        int lo = 0;
        int hi = count - 1;
        while (lo <= hi)
        {
            final int mid = (lo + hi) >>> 1;
            if (sequences[mid] <= sequence)
            {
                result = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return result;
    }

    /**
     * Index of the last entry whose timestamp is below {@code time} (its record precedes the first record at or
     * after that time).
     *
     * @param time wall clock, ns since the epoch.
     * @return entry index, or -1 when none.
     */
    public int floorBeforeTime(final long time)
    {
        int result = -1;
        int lo = 0;
        int hi = count - 1;
        while (lo <= hi)
        {
            final int mid = (lo + hi) >>> 1;
            if (timestamps[mid] < time)
            {
                result = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return result;
    }

    /**
     * An entry's sequence.
     *
     * @param entry entry index.
     * @return sequence.
     */
    public long sequence(final int entry)
    {
        return sequences[entry];
    }

    /**
     * An entry's offset.
     *
     * @param entry entry index.
     * @return offset in the segment.
     */
    public long offset(final int entry)
    {
        return offsets[entry];
    }

    /**
     * Writes the index file (a temporary file renamed over it, so a reader never sees half of one).
     *
     * @param path where.
     * @throws IOException when it cannot be written.
     */
    public void write(final Path path) throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.allocate(HEADER_LENGTH + count * ENTRY_LENGTH)
            .order(ByteOrder.LITTLE_ENDIAN);
        bytes.position(HEADER_LENGTH);
        for (int i = 0; i < count; i++)
        {
            bytes.putLong(sequences[i]).putLong(timestamps[i]).putLong(offsets[i]);
        }
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes.array(), HEADER_LENGTH, count * ENTRY_LENGTH);
        bytes.putInt(0, MAGIC).putInt(4, VERSION).putInt(8, count).putInt(12, (int)crc.getValue());
        bytes.clear();
        final Path temp = path.resolveSibling(path.getFileName() + ".tmp");
        AuditFiles.deleteQuietly(temp);
        try
        {
            try (FileChannel channel = AuditFiles.createReserved(temp, 0, path.getParent()))
            {
                while (bytes.hasRemaining())
                {
                    channel.write(bytes);
                }
            }
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final IOException | RuntimeException ex)
        {
            // A full disk fails the write half way: leave no partial temporary file behind (the index is only a
            // shortcut; the segment itself is rescanned when its index is missing).
            AuditFiles.deleteQuietly(temp);
            throw ex;
        }
    }

    /**
     * Reads an index file.
     *
     * @param path        where.
     * @param interval    the interval to keep using when the index grows.
     * @param segmentSize the segment's size.
     * @return the index, or null when the file is missing or damaged.
     */
    public static SparseIndex read(final Path path, final int interval, final long segmentSize)
    {
        try (FileChannel channel = AuditFiles.openRead(path))
        {
            final long size = channel.size();
            if (size < HEADER_LENGTH || size > HEADER_LENGTH + (segmentSize / 8 + 2) * ENTRY_LENGTH)
            {
                return null;
            }
            final ByteBuffer bytes = ByteBuffer.allocate((int)size).order(ByteOrder.LITTLE_ENDIAN);
            while (bytes.hasRemaining())
            {
                if (channel.read(bytes) < 0)
                {
                    return null;
                }
            }
            final int count = bytes.getInt(8);
            if (bytes.getInt(0) != MAGIC || bytes.getInt(4) != VERSION || count < 0 ||
                (long)count * ENTRY_LENGTH != size - HEADER_LENGTH)
            {
                return null;
            }
            final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            crc.update(bytes.array(), HEADER_LENGTH, count * ENTRY_LENGTH);
            if ((int)crc.getValue() != bytes.getInt(12))
            {
                return null;
            }
            final SparseIndex index = new SparseIndex(interval, Math.max(segmentSize, (long)count * interval));
            for (int i = 0; i < count; i++)
            {
                final int at = HEADER_LENGTH + i * ENTRY_LENGTH;
                index.sequences[i] = bytes.getLong(at);
                index.timestamps[i] = bytes.getLong(at + 8);
                index.offsets[i] = bytes.getLong(at + 16);
            }
            index.count = count;
            index.nextOffset = count == 0 ? 0 : (index.offsets[count - 1] / interval + 1) * interval;
            return index;
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
    }

    /**
     * Builds an index by scanning a segment's valid records from the start.
     *
     * @param decoder     a decoder.
     * @param segment     the segment's bytes.
     * @param limit       bytes to scan.
     * @param interval    bytes per entry.
     * @param segmentSize the segment's size.
     * @return the index.
     */
    public static SparseIndex build(
        final AuditSegmentDecoder decoder,
        final DirectBuffer segment,
        final int limit,
        final int interval,
        final long segmentSize)
    {
        final SparseIndex index = new SparseIndex(interval, segmentSize);
        decoder.wrap(segment, limit);
        if (decoder.decodeHeader() != AuditSegmentDecoder.OK)
        {
            return index;
        }
        long expected = decoder.firstSequence();
        int offset = AuditSegmentDescriptor.HEADER_LENGTH;
        while (decoder.decodeRecord(offset, limit) == AuditSegmentDecoder.OK && decoder.sequence() == expected)
        {
            index.onRecord(expected, decoder.timestamp(), offset);
            expected++;
            offset = decoder.nextOffset();
        }
        return index;
    }
}
