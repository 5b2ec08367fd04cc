package io.ipcgateway.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;

/** Reads and edits segment files byte by byte, for the recovery and tamper tests. */
final class SegmentBytes
{
    private SegmentBytes()
    {
    }

    static Path segment(final Path dir, final String name, final long firstSequence)
    {
        return dir.resolve(AuditSegmentDescriptor.segmentFileName(name, firstSequence));
    }

    /** Offsets of the valid records of a segment, in file order. */
    static List<Integer> recordOffsets(final Path segment) throws IOException
    {
        final byte[] bytes = Files.readAllBytes(segment);
        final AuditSegmentDecoder decoder = new AuditSegmentDecoder().wrap(new UnsafeBuffer(bytes), bytes.length);
        final List<Integer> offsets = new ArrayList<>();
        int offset = AuditSegmentDescriptor.HEADER_LENGTH;
        while (decoder.decodeRecord(offset, bytes.length) == AuditSegmentDecoder.OK)
        {
            offsets.add(offset);
            offset = decoder.nextOffset();
        }
        return offsets;
    }

    /** Offset just past the last valid record. */
    static int endOfRecords(final Path segment) throws IOException
    {
        final byte[] bytes = Files.readAllBytes(segment);
        final AuditSegmentDecoder decoder = new AuditSegmentDecoder().wrap(new UnsafeBuffer(bytes), bytes.length);
        int offset = AuditSegmentDescriptor.HEADER_LENGTH;
        while (decoder.decodeRecord(offset, bytes.length) == AuditSegmentDecoder.OK)
        {
            offset = decoder.nextOffset();
        }
        return offset;
    }

    /** Recomputes the CRC of the record at an offset (what an editor who knows the format does). */
    static void fixCrc(final byte[] bytes, final int offset)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final int length = buffer.getInt(offset + AuditSegmentDescriptor.LENGTH_OFFSET);
        buffer.putInt(offset + AuditSegmentDescriptor.CRC_OFFSET,
            new AuditSegmentDecoder().crcOf(buffer, offset, length));
    }
}
