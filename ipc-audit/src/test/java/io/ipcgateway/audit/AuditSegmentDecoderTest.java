package io.ipcgateway.audit;

import static io.ipcgateway.audit.AuditTestSupport.append;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditSegmentDecoderTest
{
    private static final int SEGMENT = 512 * 1024;

    @TempDir
    Path dir;

    @Test
    void shouldFindARecordHiddenAnywhereInTheFreeSpaceOfAMappedOrAnArrayBuffer() throws Exception
    {
        try (AuditLog log = AuditLog.open(AuditLogConfig.builder(dir).segmentSize(SEGMENT).build()))
        {
            append(log, 1, "hidden after the end");
        }
        final byte[] file = Files.readAllBytes(SegmentBytes.segment(dir, AuditLogConfig.DEFAULT_NAME, 1));
        final int record = AuditSegmentDescriptor.HEADER_LENGTH;
        final int length = SegmentBytes.endOfRecords(SegmentBytes.segment(dir, AuditLogConfig.DEFAULT_NAME, 1))
            - record;
        // Either side of the 64 KiB steps the free space is scanned in, and the last offset a record fits at.
        final int[] places = {record + 8, 64 * 1024 - 8, 64 * 1024, 3 * 64 * 1024 + 4096, SEGMENT - length};
        for (final int place : places)
        {
            final byte[] bytes = new byte[SEGMENT];
            System.arraycopy(file, 0, bytes, 0, record);
            System.arraycopy(file, record, bytes, place, length);
            final ByteBuffer direct = ByteBuffer.allocateDirect(SEGMENT);
            direct.put(0, bytes);
            final UnsafeBuffer[] buffers = {new UnsafeBuffer(bytes), new UnsafeBuffer(direct)};
            for (final UnsafeBuffer buffer : buffers)
            {
                final AuditSegmentDecoder decoder = new AuditSegmentDecoder().wrap(buffer, SEGMENT);
                assertThat(decoder.decodeRecord(record, SEGMENT)).isEqualTo(AuditSegmentDecoder.END);
                assertThat(decoder.resynchronise(record, SEGMENT)).as("record at %d, direct=%s", place,
                    buffer.byteBuffer() != null).isEqualTo(place);
                assertThat(decoder.sequence()).isEqualTo(1);
                assertThat(decoder.resynchronise(place + 8, SEGMENT)).as("nothing after it").isEqualTo(-1);
            }
        }
    }
}
