package io.ipcgateway.audit;

import static io.ipcgateway.audit.AuditTestSupport.append;
import static io.ipcgateway.audit.AuditTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

import io.ipcgateway.audit.AuditTestSupport.Read;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditRecoveryTest
{
    @TempDir
    Path dir;

    private AuditLogConfig config(final Path folder)
    {
        return AuditLogConfig.builder(folder).segmentSize(16 * 1024).durability(DurabilityPolicy.none())
            .build();
    }

    @Test
    void shouldTruncateTornLastRecordAndResumeAtItsSequenceWhateverByteTheFileWasCutAt() throws Exception
    {
        final Path original = dir.resolve("original");
        try (AuditLog log = AuditLog.open(config(original)))
        {
            append(log, 1, "first record");
            append(log, 1, "second record");
            append(log, 1, "the third and last record, which gets cut");
        }
        final Path segment = SegmentBytes.segment(original, "audit", 1);
        final List<Integer> offsets = SegmentBytes.recordOffsets(segment);
        assertThat(offsets).hasSize(3);
        final int lastStart = offsets.get(2);
        // Cutting in the padding after the record's last byte leaves the record whole: cut anywhere before that.
        final int lastEnd = lastStart + new org.agrona.concurrent.UnsafeBuffer(Files.readAllBytes(segment))
            .getInt(lastStart + AuditSegmentDescriptor.LENGTH_OFFSET);

        for (int cut = lastStart; cut < lastEnd; cut++)
        {
            final Path copy = dir.resolve("cut-" + cut);
            Files.createDirectory(copy);
            Files.copy(segment, copy.resolve(segment.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            try (FileChannel channel = FileChannel.open(copy.resolve(segment.getFileName()), StandardOpenOption.WRITE))
            {
                channel.truncate(cut);
            }

            try (AuditLog log = AuditLog.open(config(copy)))
            {
                assertThat(log.lastSequence()).as("cut=%d", cut).isEqualTo(2);
                assertThat(log.truncatedBytesOnOpen()).as("cut=%d", cut).isBetween(0L, (long)cut - lastStart);
                assertThat(append(log, 2, "appended after recovery")).as("cut=%d", cut).isEqualTo(3);
            }
            final List<Read> records = readAll(copy, "audit");
            assertThat(records).as("cut=%d", cut).extracting(Read::payload)
                .containsExactly("first record", "second record", "appended after recovery");
            final AuditVerifyReport report = AuditVerifier.verify(copy, "audit", null);
            assertThat(report.ok()).as("cut=%d %s", cut, report).isTrue();
            assertThat(report.lastSequence()).isEqualTo(3);
        }
    }

    @Test
    void shouldKeepEveryRecordWhenTheTailIsIntact() throws Exception
    {
        final Path folder = dir.resolve("log");
        try (AuditLog log = AuditLog.open(config(folder)))
        {
            for (int i = 0; i < 100; i++)
            {
                append(log, 1, "record " + i);
            }
        }
        try (AuditLog log = AuditLog.open(config(folder)))
        {
            assertThat(log.truncatedBytesOnOpen()).isZero();
            assertThat(log.lastSequence()).isEqualTo(100);
        }
    }

    @Test
    void shouldSaveDamagedBytesBesideTheSegmentWhenValidRecordsFollowTheDamage() throws Exception
    {
        final Path folder = dir.resolve("log");
        try (AuditLog log = AuditLog.open(config(folder)))
        {
            for (int i = 1; i <= 5; i++)
            {
                append(log, 1, "record " + i);
            }
        }
        final Path segment = SegmentBytes.segment(folder, "audit", 1);
        final int third = SegmentBytes.recordOffsets(segment).get(2);
        final byte[] bytes = Files.readAllBytes(segment);
        bytes[third + AuditSegmentDescriptor.RECORD_HEADER_LENGTH] ^= 1;
        Files.write(segment, bytes);

        try (AuditLog log = AuditLog.open(config(folder)))
        {
            assertThat(log.lastSequence()).isEqualTo(2);
            assertThat(append(log, 1, "after")).isEqualTo(3);
        }
        assertThat(folder.resolve(segment.getFileName() + ".damaged-" + third)).exists();
    }

    @Test
    void shouldDropASegmentWhoseHeaderWasNeverWrittenAndContinueTheChain() throws Exception
    {
        final Path folder = dir.resolve("log");
        try (AuditLog log = AuditLog.open(config(folder)))
        {
            append(log, 1, "a");
            append(log, 1, "b");
        }
        // A crash while the next segment was being reserved leaves a file of zeros.
        Files.write(SegmentBytes.segment(folder, "audit", 3), new byte[16 * 1024]);
        try (AuditLog log = AuditLog.open(config(folder)))
        {
            assertThat(log.lastSequence()).isEqualTo(2);
            assertThat(append(log, 1, "c")).isEqualTo(3);
        }
        assertThat(AuditVerifier.verify(folder, "audit", null).ok()).isTrue();
        assertThat(readAll(folder, "audit")).extracting(Read::payload).containsExactly("a", "b", "c");
    }
}
