package io.ipcgateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import io.ipcgateway.audit.AuditProblem.Kind;
import io.ipcgateway.core.IpcException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditVerifierTest
{
    private static final int RECORDS = 100;
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();

    @TempDir
    Path dir;

    private Path folder;
    private Path first;
    private byte[] bytes;
    private List<Integer> offsets;

    @BeforeEach
    void writeLog() throws Exception
    {
        folder = dir.resolve("log");
        try (AuditLog log = AuditLog.open(AuditLogConfig.builder(folder).segmentSize(4096).build()))
        {
            for (int i = 1; i <= RECORDS; i++)
            {
                AuditTestSupport.append(log, 3, String.format("record %04d of the tamper test.......", i));
            }
        }
        assertThat(AuditFilesView.segments(folder)).hasSize(3);
        first = SegmentBytes.segment(folder, "audit", 1);
        bytes = Files.readAllBytes(first);
        offsets = SegmentBytes.recordOffsets(first);
        assertThat(AuditVerifier.verify(folder, "audit", null).ok()).isTrue();
    }

    private AuditProblem firstProblem()
    {
        final AuditVerifyReport report = AuditVerifier.verify(folder, "audit", null);
        assertThat(report.ok()).isFalse();
        return report.problems().get(0);
    }

    private void assertProblem(final AuditProblem p, final Kind kind, final Path segment, final long offset,
        final long sequence)
    {
        assertThat(p.kind()).as(p.toString()).isEqualTo(kind);
        assertThat(p.segment()).as(p.toString()).isEqualTo(segment.getFileName().toString());
        assertThat(p.offset()).as(p.toString()).isEqualTo(offset);
        assertThat(p.sequence()).as(p.toString()).isEqualTo(sequence);
    }

    private void assertReaderDoesNotCrashOrHang()
    {
        assertThatCode(() ->
        {
            try (AuditReader reader = AuditReader.open(folder, "audit"))
            {
                reader.replay(1, (t, f, ts, s, b, o, l) -> { });
            }
            catch (final IpcException expected)
            {
                // A damaged log may be reported; it must not crash or hang the reader.
            }
        }).doesNotThrowAnyException();
    }

    @Test
    void shouldReportFlippedBitWithSegmentOffsetAndSequence() throws Exception
    {
        bytes[offsets.get(4) + AuditSegmentDescriptor.RECORD_HEADER_LENGTH + 3] ^= 0x10;
        Files.write(first, bytes);
        final AuditVerifyReport report = AuditVerifier.verify(folder, "audit", null);
        assertProblem(report.problems().get(0), Kind.BAD_CRC, first, offsets.get(4), 5);
        assertThat(report.problemCount()).isEqualTo(1);
        assertReaderDoesNotCrashOrHang();
    }

    @Test
    void shouldReportEditedRecordWhoseCrcWasFixedAsBrokenChain() throws Exception
    {
        final int at = offsets.get(4) + AuditSegmentDescriptor.RECORD_HEADER_LENGTH;
        bytes[at] = (byte)'R';
        SegmentBytes.fixCrc(bytes, offsets.get(4));
        Files.write(first, bytes);
        final AuditVerifyReport report = AuditVerifier.verify(folder, "audit", null);
        assertProblem(report.problems().get(0), Kind.CHAIN_BROKEN, first, offsets.get(4), 5);
        assertThat(report.problemCount()).isEqualTo(1);
    }

    @Test
    void shouldReportEveryBreakInFileOrderWhenTheChainIsCheckedOnSeveralCores() throws Exception
    {
        // Enough records that the chain is hashed in batches split across threads (thousands per batch).
        final Path big = dir.resolve("big");
        try (AuditLog log = AuditLog.open(AuditLogConfig.builder(big).segmentSize(1024 * 1024).build()))
        {
            for (int i = 1; i <= 20_000; i++)
            {
                AuditTestSupport.append(log, 3, String.format("record %05d", i));
            }
        }
        final Path segment = SegmentBytes.segment(big, "audit", 1);
        final byte[] data = Files.readAllBytes(segment);
        final List<Integer> at = SegmentBytes.recordOffsets(segment);
        assertThat(at).hasSizeGreaterThan(12_000);
        // Edits with fixed CRCs (chain breaks) early, in the middle and late in a batch and in a later batch, then a
        // flipped bit (a CRC error) after them: each must be reported once, in file order.
        final int[] edited = {10, 3_000, 7_900, 9_000};
        for (final int index : edited)
        {
            data[at.get(index) + AuditSegmentDescriptor.RECORD_HEADER_LENGTH] ^= 1;
            SegmentBytes.fixCrc(data, at.get(index));
        }
        data[at.get(11_000) + AuditSegmentDescriptor.RECORD_HEADER_LENGTH] ^= 1;
        Files.write(segment, data);
        final AuditVerifyReport report = AuditVerifier.verify(big, "audit", null);
        assertThat(report.problemCount()).as(report.toString()).isEqualTo(edited.length + 1);
        for (int i = 0; i < edited.length; i++)
        {
            assertProblem(report.problems().get(i), Kind.CHAIN_BROKEN, segment, at.get(edited[i]), edited[i] + 1);
        }
        assertProblem(report.problems().get(edited.length), Kind.BAD_CRC, segment, at.get(11_000), 11_001);
        assertThat(report.records()).isEqualTo(20_000 - 1);
    }

    @Test
    void shouldLetAVerifyingReaderReplayAnIntactLogAcrossSegments()
    {
        final java.util.List<Long> seen = new java.util.ArrayList<>();
        try (AuditReader reader = AuditReader.openVerifying(folder, "audit", null))
        {
            assertThat(reader.replay(1, (t, f, ts, s, b, o, l) -> seen.add(s))).isEqualTo(RECORDS);
            assertThat(reader.replay(60, (t, f, ts, s, b, o, l) -> seen.add(s))).isEqualTo(RECORDS - 59);
        }
        assertThat(seen).hasSize(RECORDS + RECORDS - 59);
    }

    @Test
    void shouldStopAVerifyingReaderAtAnEditedRecordNamingItsOffsetAndSequence() throws Exception
    {
        bytes[offsets.get(4) + AuditSegmentDescriptor.RECORD_HEADER_LENGTH] = (byte)'R';
        SegmentBytes.fixCrc(bytes, offsets.get(4));
        Files.write(first, bytes);
        final java.util.List<Long> seen = new java.util.ArrayList<>();
        try (AuditReader reader = AuditReader.openVerifying(folder, "audit", null))
        {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> reader.replay(1, (t, f, ts, s, b, o, l) -> seen.add(s)))
                .isInstanceOf(io.ipcgateway.core.CorruptionException.class)
                .hasMessageContaining(first.getFileName().toString())
                .hasMessageContaining("offset=" + offsets.get(4))
                .hasMessageContaining("sequence=5");
        }
        assertThat(seen).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void shouldReportDeletedRecord() throws Exception
    {
        final int start = offsets.get(4);
        final int length = offsets.get(5) - start;
        final byte[] edited = new byte[bytes.length];
        System.arraycopy(bytes, 0, edited, 0, start);
        System.arraycopy(bytes, start + length, edited, start, bytes.length - start - length);
        Files.write(first, edited);
        assertProblem(firstProblem(), Kind.SEQUENCE_GAP, first, start, 5);
        assertReaderDoesNotCrashOrHang();
    }

    @Test
    void shouldReportReorderedRecords() throws Exception
    {
        final int a = offsets.get(4);
        final int b = offsets.get(5);
        final int length = b - a;
        final byte[] edited = bytes.clone();
        System.arraycopy(bytes, b, edited, a, length);
        System.arraycopy(bytes, a, edited, b, length);
        Files.write(first, edited);
        final AuditVerifyReport report = AuditVerifier.verify(folder, "audit", null);
        assertProblem(report.problems().get(0), Kind.SEQUENCE_GAP, first, a, 5);
        assertThat(report.problems()).anySatisfy(p -> assertProblem(p, Kind.SEQUENCE_OUT_OF_ORDER, first, b, 5));
        assertReaderDoesNotCrashOrHang();
    }

    @Test
    void shouldReportInsertedRecord() throws Exception
    {
        // A copy of record 3 (a valid record, CRC and all) inserted after record 5.
        final int at = offsets.get(5);
        final int length = offsets.get(3) - offsets.get(2);
        final byte[] edited = new byte[bytes.length];
        System.arraycopy(bytes, 0, edited, 0, at);
        System.arraycopy(bytes, offsets.get(2), edited, at, length);
        System.arraycopy(bytes, at, edited, at + length, bytes.length - at - length);
        Files.write(first, edited);
        assertProblem(firstProblem(), Kind.SEQUENCE_OUT_OF_ORDER, first, at, 3);
        assertReaderDoesNotCrashOrHang();
    }

    @Test
    void shouldReportTruncatedMiddle() throws Exception
    {
        // Bytes from the middle of record 5 to the middle of record 8 are cut out (a multiple of the alignment, so
        // the records after the cut are found again; an unaligned cut loses the rest of the segment, reported as a
        // gap at the next segment).
        final int from = offsets.get(4) + 24;
        final int to = offsets.get(7) + 32;
        final byte[] edited = new byte[bytes.length];
        System.arraycopy(bytes, 0, edited, 0, from);
        System.arraycopy(bytes, to, edited, from, bytes.length - to);
        Files.write(first, edited);
        final AuditVerifyReport report = AuditVerifier.verify(folder, "audit", null);
        assertThat(report.problems().get(0).kind()).isIn(Kind.BAD_CRC, Kind.BAD_LENGTH);
        assertProblem(report.problems().get(0), report.problems().get(0).kind(), first, offsets.get(4), 5);
        // Record 9 is the first whole one after the cut: the gap is reported there, from the sequence expected.
        final int ninth = offsets.get(8) - (to - from);
        assertThat(report.problems()).anySatisfy(p -> assertProblem(p, Kind.SEQUENCE_GAP, first, ninth, 5));
        assertReaderDoesNotCrashOrHang();
    }

    @Test
    void shouldReportRemovedSegment() throws Exception
    {
        final long[] firsts = AuditFilesView.segments(folder);
        final Path middle = SegmentBytes.segment(folder, "audit", firsts[1]);
        Files.delete(middle);
        final Path last = SegmentBytes.segment(folder, "audit", firsts[2]);
        assertProblem(firstProblem(), Kind.SEGMENT_GAP, last, 0, firsts[1]);
        assertReaderDoesNotCrashOrHang();
    }

    @Test
    void shouldReportSwappedSegments() throws Exception
    {
        final long[] firsts = AuditFilesView.segments(folder);
        final Path a = SegmentBytes.segment(folder, "audit", firsts[1]);
        final Path b = SegmentBytes.segment(folder, "audit", firsts[2]);
        final byte[] aBytes = Files.readAllBytes(a);
        Files.write(a, Files.readAllBytes(b));
        Files.write(b, aBytes);
        final AuditProblem p = firstProblem();
        assertProblem(p, Kind.SEGMENT_NAME_MISMATCH, a, 0, firsts[2]);
        assertReaderDoesNotCrashOrHang();
    }

    @Test
    void shouldReportZeroedLengthWordAsDataAfterEnd() throws Exception
    {
        Arrays.fill(bytes, offsets.get(4), offsets.get(4) + 4, (byte)0);
        Files.write(first, bytes);
        assertProblem(firstProblem(), Kind.DATA_AFTER_END, first, offsets.get(4), 5);
        assertReaderDoesNotCrashOrHang();
    }

    @Test
    void shouldNotCrashOrHangOnGarbageSegment() throws Exception
    {
        final byte[] garbage = new byte[4096];
        new java.util.Random(42).nextBytes(garbage);
        Files.write(first, garbage);
        final AuditVerifyReport report = AuditVerifier.verify(folder, "audit", null);
        assertProblem(report.problems().get(0), Kind.BAD_HEADER, first, 0, -1);
        assertReaderDoesNotCrashOrHang();
    }

    @Test
    void shouldDetectRewrittenLogAgainstCheckpointKeptElsewhere() throws Exception
    {
        final AuditCheckpoint checkpoint;
        try (AuditLog log = AuditLog.open(AuditLogConfig.builder(folder).segmentSize(4096).build()))
        {
            checkpoint = log.checkpoint();
        }
        assertThat(checkpoint.sequence()).isEqualTo(RECORDS);
        assertThat(AuditVerifier.verify(folder, "audit", null, AuditCheckpoint.parse(checkpoint.toString())).ok())
            .isTrue();

        // An attacker rewrites the whole log with a payload edited and every hash and CRC recomputed.
        final Path other = dir.resolve("rewritten");
        try (AuditLog log = AuditLog.open(AuditLogConfig.builder(other).segmentSize(4096).build()))
        {
            for (int i = 1; i <= RECORDS; i++)
            {
                AuditTestSupport.append(log, 3, String.format("record %04d of the tamper test.......",
                    i == 5 ? 9999 : i));
            }
        }
        assertThat(AuditVerifier.verify(other, "audit", null).ok()).as("unkeyed chain alone").isTrue();
        final AuditVerifyReport report = AuditVerifier.verify(other, "audit", null, checkpoint);
        assertThat(report.problems()).singleElement()
            .satisfies(p -> assertThat(p.kind()).isEqualTo(Kind.CHECKPOINT_MISMATCH))
            .satisfies(p -> assertThat(p.sequence()).isEqualTo(RECORDS));
    }

    @Test
    void shouldProveKeyedLogAndSignedCheckpointOnlyWithTheKey() throws Exception
    {
        final Path keyed = dir.resolve("keyed");
        final AuditCheckpoint checkpoint;
        try (AuditLog log = AuditLog.open(AuditLogConfig.builder(keyed).segmentSize(4096).hashKey(KEY).build()))
        {
            for (int i = 1; i <= 50; i++)
            {
                AuditTestSupport.append(log, 3, "keyed " + i);
            }
            checkpoint = log.checkpoint();
        }
        assertThat(checkpoint.isSigned()).isTrue();
        assertThat(checkpoint.verifySignature(KEY)).isTrue();
        assertThat(AuditVerifier.verify(keyed, "audit", KEY, checkpoint).ok()).isTrue();

        final byte[] otherKey = KEY.clone();
        otherKey[0] ^= 1;
        final AuditVerifyReport wrongKey = AuditVerifier.verify(keyed, "audit", otherKey, checkpoint);
        assertThat(wrongKey.problems()).extracting(AuditProblem::kind)
            .contains(Kind.CHAIN_BROKEN, Kind.CHECKPOINT_SIGNATURE);
        assertThat(AuditVerifier.verify(keyed, "audit", null).problems()).extracting(AuditProblem::kind)
            .contains(Kind.ALGORITHM_MISMATCH);
    }

    /** Lists segment first sequences through the decoder-free name parser. */
    static final class AuditFilesView
    {
        static long[] segments(final Path folder)
        {
            return io.ipcgateway.audit.internal.AuditFiles.listSegments(folder, "audit");
        }
    }

    static UnsafeBuffer view(final byte[] b)
    {
        return new UnsafeBuffer(b);
    }
}
