package io.ipcgateway.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ipcgateway.core.CorruptionException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;

import static io.ipcgateway.audit.AuditSegmentDescriptor.HEADER_LENGTH;
import static io.ipcgateway.audit.AuditSegmentDescriptor.RECORD_ALIGNMENT;
import static io.ipcgateway.audit.AuditSegmentDescriptor.RECORD_HEADER_LENGTH;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing (Jazzer) of everything that decodes audit segments: the decoder on arbitrary bytes, and the
 * verifier and a reader on a real log whose files the fuzzer damages (flipped bytes, overwritten runs, a truncated,
 * deleted or swapped segment). They may report damage (statuses, problems, {@link CorruptionException}), never fail
 * otherwise, read out of bounds or hang.
 * <p>
 * A plain test run replays the seed corpus in
 * {@code src/test/resources/io/ipcgateway/audit/AuditDecoderFuzzTestInputs/<target>/}; the build also fuzzes each
 * target for a bounded time, one per JVM ({@code JAZZER_FUZZ=1}, see ipc-audit's pom). Buffers are heap arrays with
 * Agrona's bounds checks on, so any access outside them throws.
 */
class AuditDecoderFuzzTest
{
    private static final String MAX_DURATION = "10s";
    private static final int MAX_FRAME = 4096;
    private static final long SEGMENT_BYTES = 8 * 1024;
    /** Every record read or skipped moves forward by at least the alignment, so a walk ends within this many. */
    private static final int MAX_STEPS = (int)(SEGMENT_BYTES / RECORD_ALIGNMENT) + 2;

    private static Path template;
    private static Path scratch;

    @AfterAll
    static void deleteFiles()
    {
        delete(template);
        delete(scratch);
        template = null;
        scratch = null;
    }

    /**
     * Arbitrary bytes as a segment: the header decodes to a status; walking the records from the header on, with
     * resynchronisation after a bad one, only yields records inside the bytes and always ends.
     */
    @FuzzTest(maxDuration = MAX_DURATION)
    void decoderStaysInsideTheBytesAndAlwaysEnds(final FuzzedDataProvider data)
    {
        final int limitCut = data.consumeInt(0, 64);
        final byte[] bytes = data.consumeRemainingAsBytes();
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final AuditSegmentDecoder decoder =
            new AuditSegmentDecoder().wrap(buffer, Math.max(0, bytes.length - limitCut));
        final int limit = decoder.limit();
        assertThat(limit).isBetween(0, bytes.length);
        final int header = decoder.decodeHeader();
        assertThat(header).isBetween(AuditSegmentDecoder.OK, AuditSegmentDecoder.BAD_ALGORITHM);
        assertThat(AuditSegmentDecoder.statusName(header)).isNotBlank();
        int offset = HEADER_LENGTH;
        for (int step = 0; offset >= 0 && offset < limit; step++)
        {
            assertThat(step).as("record walk ends").isLessThan(limit / RECORD_ALIGNMENT + 2);
            final int status = decoder.decodeRecord(offset, MAX_FRAME);
            if (status == AuditSegmentDecoder.OK)
            {
                assertThat(decoder.recordOffset()).isEqualTo(offset);
                assertThat(decoder.frameLength()).isBetween(RECORD_HEADER_LENGTH, MAX_FRAME);
                assertThat((long)decoder.payloadOffset() + decoder.payloadLength()).isLessThanOrEqualTo(limit);
                assertThat(decoder.nextOffset()).isGreaterThan(offset);
                final byte[] payload = new byte[decoder.payloadLength()];
                buffer.getBytes(decoder.payloadOffset(), payload);
                offset = decoder.nextOffset();
            }
            else if (status == AuditSegmentDecoder.END || status == AuditSegmentDecoder.TRUNCATED)
            {
                break;
            }
            else
            {
                assertThat(status).isIn(AuditSegmentDecoder.BAD_LENGTH, AuditSegmentDecoder.BAD_CRC);
                final int next = decoder.resynchronise(offset + RECORD_ALIGNMENT, MAX_FRAME);
                if (next != -1)
                {
                    assertThat(next).isGreaterThan(offset).isLessThan(limit);
                }
                offset = next;
            }
        }
    }

    /**
     * A real log of several segments, damaged by the fuzzer: the verifier returns a report (problems with a segment
     * name and an offset inside that file), and a reader delivers records in sequence order or throws
     * {@link CorruptionException}; neither fails otherwise nor hangs.
     */
    @FuzzTest(maxDuration = MAX_DURATION)
    void verifierAndReaderReportDamageButNeverFail(final FuzzedDataProvider data) throws IOException
    {
        final Path dir = freshCopy();
        final List<Path> segments = segments(dir);
        final int edits = data.consumeInt(1, 6);
        for (int i = 0; i < edits && !segments.isEmpty(); i++)
        {
            final Path segment = segments.get(data.consumeInt(0, segments.size() - 1));
            if (!Files.exists(segment))
            {
                continue;
            }
            final byte[] bytes = Files.readAllBytes(segment);
            switch (data.consumeInt(0, 4))
            {
                case 0 ->
                {
                    final int at = data.consumeInt(0, Math.max(0, bytes.length - 1));
                    if (bytes.length > 0)
                    {
                        bytes[at] ^= (byte)(1 << data.consumeInt(0, 7));
                    }
                    Files.write(segment, bytes);
                }
                case 1 ->
                {
                    final byte[] run = data.consumeBytes(data.consumeInt(1, 256));
                    final int at = data.consumeInt(0, Math.max(0, bytes.length - run.length));
                    System.arraycopy(run, 0, bytes, at, Math.min(run.length, bytes.length - at));
                    Files.write(segment, bytes);
                }
                case 2 -> Files.write(segment, Arrays.copyOf(bytes, data.consumeInt(0, bytes.length)));
                case 3 -> Files.delete(segment);
                default ->
                {
                    final Path other = segments.get(data.consumeInt(0, segments.size() - 1));
                    if (Files.exists(other) && !other.equals(segment))
                    {
                        final Path swap = dir.resolve("swap.tmp");
                        Files.move(segment, swap);
                        Files.move(other, segment);
                        Files.move(swap, other);
                    }
                }
            }
        }
        final AuditVerifyReport report = AuditVerifier.verify(dir, AuditLogConfig.DEFAULT_NAME, null);
        assertThat(report.problems().size()).isLessThanOrEqualTo(AuditVerifier.MAX_PROBLEMS);
        for (final AuditProblem problem : report.problems())
        {
            assertThat(problem.segment()).isNotBlank();
            assertThat(problem.offset()).isBetween(0L, SEGMENT_BYTES);
        }
        final long[] previous = {0};
        try (AuditReader reader = AuditReader.open(dir, AuditLogConfig.DEFAULT_NAME))
        {
            for (int step = 0; step < MAX_STEPS * segments.size(); step++)
            {
                if (reader.poll((type, flags, timestamp, sequence, buffer, offset, length) ->
                {
                    assertThat(sequence).isGreaterThan(previous[0]);
                    previous[0] = sequence;
                    assertThat(length).isBetween(0, MAX_FRAME);
                }, 64) == 0)
                {
                    break;
                }
            }
        }
        catch (final CorruptionException expected)
        {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    private static synchronized Path freshCopy() throws IOException
    {
        if (template == null)
        {
            template = Files.createTempDirectory("audit-fuzz-template");
            final Path log = template.resolve("log");
            final AuditLogConfig config =
                AuditLogConfig.builder(log).segmentSize(SEGMENT_BYTES).indexInterval(512).build();
            try (AuditLog writer = AuditLog.open(config))
            {
                final UnsafeBuffer payload = new UnsafeBuffer(new byte[300]);
                for (int i = 0; i < 90; i++)
                {
                    payload.putInt(0, i);
                    writer.append(i % 3, 0, payload, 0, 17 + (i * 37) % 280);
                }
            }
            scratch = Files.createTempDirectory("audit-fuzz");
        }
        final Path dir = scratch.resolve("log");
        delete(dir);
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(template.resolve("log")))
        {
            for (final Path file : files.toList())
            {
                Files.copy(file, dir.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }

    private static List<Path> segments(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter(p -> p.getFileName().toString().endsWith(AuditSegmentDescriptor.SEGMENT_SUFFIX))
                .sorted().toList();
        }
    }

    private static void delete(final Path dir)
    {
        if (dir == null || !Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
