package io.ipcgateway.audit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A full disk, for real: the log lives on a 512 KiB tmpfs that a filler file has mostly used. Appending until the
 * filesystem is full must fail with {@link AuditDiskFullException} naming the folder and the bytes needed, with
 * nothing half-written (the log verifies, every record appended before is readable); after the filler is deleted
 * appending resumes at the next sequence. Needs root (see {@link TmpfsMount}).
 */
class FullDiskTest
{
    private static final long FILESYSTEM_BYTES = 512 * 1024;
    private static final long SEGMENT_BYTES = 64 * 1024;
    private static final int FILLER_BYTES = 320 * 1024;

    @TempDir
    Path temp;

    @Test
    void shouldFailNamingTheFolderAndBytesKeepEverythingWrittenAndResumeWhenSpaceIsFreed() throws Exception
    {
        try (TmpfsMount tmpfs = TmpfsMount.mountOrSkip(temp.resolve("tmpfs"), FILESYSTEM_BYTES))
        {
            final Path filler = tmpfs.path().resolve("filler");
            Files.write(filler, new byte[FILLER_BYTES]);
            final Path dir = tmpfs.path().resolve("audit");
            final AuditLogConfig config = AuditLogConfig.builder(dir).segmentSize(SEGMENT_BYTES).build();
            final List<byte[]> written = new ArrayList<>();
            AuditDiskFullException full = null;
            try (AuditLog log = AuditLog.open(config))
            {
                while (full == null)
                {
                    final byte[] payload = payload(written.size() + 1);
                    try
                    {
                        assertThat(log.append(1, 0, new UnsafeBuffer(payload), 0, payload.length))
                            .isEqualTo(written.size() + 1);
                        written.add(payload);
                    }
                    catch (final AuditDiskFullException ex)
                    {
                        full = ex;
                    }
                    assertThat(written.size()).as("the 512 KiB filesystem must fill up").isLessThan(100_000);
                }
                assertThat(full.getMessage()).contains(dir.toString()).contains(Long.toString(full.bytesNeeded()));
                assertThat(full.bytesNeeded()).isPositive();
                assertThat(Path.of(full.directory())).isEqualTo(dir);
                assertThat(written).as("records that fitted before the disk was full").isNotEmpty();

                final byte[] more = payload(written.size() + 1);
                assertThatThrownBy(() -> log.append(1, 0, new UnsafeBuffer(more), 0, more.length))
                    .as("still full: still refused, not half-written").isInstanceOf(AuditDiskFullException.class);
                assertThat(log.lastSequence()).isEqualTo(written.size());
                assertThat(readAll(dir)).as("everything written stays readable").containsExactlyElementsOf(written);
                assertThat(AuditVerifier.verify(dir, config.name(), null).ok()).isTrue();

                Files.delete(filler);
                final long next = log.append(1, 0, new UnsafeBuffer(more), 0, more.length);
                assertThat(next).as("appending resumes at the next sequence once space is freed")
                    .isEqualTo(written.size() + 1);
                written.add(more);
            }
            assertThat(readAll(dir)).containsExactlyElementsOf(written);
            final AuditVerifyReport report = AuditVerifier.verify(dir, config.name(), null);
            assertThat(report.ok()).as("verify after the full disk: %s", report).isTrue();
            assertThat(report.records()).isEqualTo(written.size());
            try (Stream<Path> files = Files.list(dir))
            {
                assertThat(files.map(p -> p.getFileName().toString()))
                    .as("only segments, their indexes and the writer's lock file: no partial or temporary file left")
                    .allMatch(n -> n.endsWith(AuditSegmentDescriptor.SEGMENT_SUFFIX)
                        || n.endsWith(AuditSegmentDescriptor.INDEX_SUFFIX) || n.equals("." + config.name() + ".lock"));
            }
        }
    }

    private static byte[] payload(final int sequence)
    {
        return ("record " + sequence + " " + "p".repeat(sequence % 300)).getBytes(StandardCharsets.UTF_8);
    }

    private static List<byte[]> readAll(final Path dir)
    {
        final List<byte[]> records = new ArrayList<>();
        try (AuditReader reader = AuditReader.open(dir, AuditLogConfig.DEFAULT_NAME))
        {
            reader.replay(1, (type, flags, timestamp, sequence, buffer, offset, length) ->
            {
                final byte[] payload = new byte[length];
                buffer.getBytes(offset, payload);
                records.add(payload);
            });
        }
        return records;
    }
}
