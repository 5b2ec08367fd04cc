package io.ipcgateway.audit;

import static io.ipcgateway.audit.AuditTestSupport.append;
import static io.ipcgateway.audit.AuditTestSupport.collect;
import static io.ipcgateway.audit.AuditTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.ipcgateway.audit.AuditTestSupport.Read;
import io.ipcgateway.audit.internal.AuditFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditRotationTest
{
    private static final long MS = 1_000_000L;

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(1_700_000_000_000_000_000L);

    private AuditLogConfig.Builder config()
    {
        return AuditLogConfig.builder(dir.resolve("log")).segmentSize(4096).clock(now::get);
    }

    private static String payload(final int i)
    {
        return String.format("record %05d ....................", i);
    }

    @Test
    void shouldRotateBySizeAndReplayAcrossSegmentsFromAnySequence()
    {
        try (AuditLog log = AuditLog.open(config().build()))
        {
            for (int i = 1; i <= 200; i++)
            {
                assertThat(append(log, 1, payload(i))).isEqualTo(i);
            }
        }
        final long[] segments = AuditFiles.listSegments(dir.resolve("log"), "audit");
        assertThat(segments.length).isGreaterThan(3);
        assertThat(segments[0]).isEqualTo(1);
        assertThat(readAll(dir.resolve("log"), "audit")).extracting(Read::sequence)
            .containsExactlyElementsOf(range(1, 200));
        for (final long from : new long[] {1, 2, segments[1] - 1, segments[1], segments[2] + 3, 199, 200})
        {
            final List<Read> out = new ArrayList<>();
            try (AuditReader reader = AuditReader.open(dir.resolve("log"), "audit"))
            {
                assertThat(reader.replay(from, collect(out))).isEqualTo(201 - from);
            }
            assertThat(out).extracting(Read::sequence).as("from=%d", from).containsExactlyElementsOf(range(from, 200));
            assertThat(out.get(0).payload()).isEqualTo(payload((int)from));
        }
        assertThat(AuditVerifier.verify(dir.resolve("log"), "audit", null).ok()).isTrue();
    }

    @Test
    void shouldRebuildMissingOrDamagedIndexOnOpen() throws Exception
    {
        try (AuditLog log = AuditLog.open(config().indexInterval(512).build()))
        {
            for (int i = 1; i <= 100; i++)
            {
                append(log, 1, payload(i));
            }
        }
        final Path folder = dir.resolve("log");
        final long[] segments = AuditFiles.listSegments(folder, "audit");
        final Path missing = AuditFiles.indexPath(folder, "audit", segments[0]);
        final Path damaged = AuditFiles.indexPath(folder, "audit", segments[1]);
        assertThat(missing).exists();
        final byte[] good = Files.readAllBytes(damaged);
        Files.delete(missing);
        final byte[] bad = good.clone();
        bad[bad.length - 1] ^= 1;
        Files.write(damaged, bad);
        try (AuditLog log = AuditLog.open(config().indexInterval(512).build()))
        {
            assertThat(log.lastSequence()).isEqualTo(100);
        }
        assertThat(missing).exists();
        assertThat(Files.readAllBytes(damaged)).isEqualTo(good);
        final List<Read> out = new ArrayList<>();
        try (AuditReader reader = AuditReader.open(folder, "audit"))
        {
            reader.replay(segments[1] + 2, collect(out));
        }
        assertThat(out.get(0).sequence()).isEqualTo(segments[1] + 2);
    }

    @Test
    void shouldRotateByTime()
    {
        try (AuditLog log = AuditLog.open(config().segmentSize(1 << 20).rotationIntervalNs(1000 * MS).build()))
        {
            append(log, 1, "a");
            now.addAndGet(500 * MS);
            append(log, 1, "b");
            now.addAndGet(600 * MS);
            append(log, 1, "c");
            append(log, 1, "d");
        }
        assertThat(AuditFiles.listSegments(dir.resolve("log"), "audit")).containsExactly(1, 3);
        assertThat(readAll(dir.resolve("log"), "audit")).extracting(Read::payload).containsExactly("a", "b", "c", "d");
    }

    @Test
    void shouldDeleteOldestSegmentsBySizeNeverTheActiveOne()
    {
        try (AuditLog log = AuditLog.open(config().retentionBytes(3 * 4096).build()))
        {
            for (int i = 1; i <= 300; i++)
            {
                append(log, 1, payload(i));
                assertThat(AuditFiles.listSegments(dir.resolve("log"), "audit").length).isBetween(1, 3);
            }
            assertThat(log.firstSequence()).isGreaterThan(1);
            final List<Read> out = new ArrayList<>();
            try (AuditReader reader = AuditReader.open(dir.resolve("log"), "audit"))
            {
                reader.replay(1, collect(out));
            }
            assertThat(out.get(0).sequence()).isEqualTo(log.firstSequence());
            assertThat(out).extracting(Read::sequence).containsExactlyElementsOf(range(log.firstSequence(), 300));
        }
        final AuditVerifyReport report = AuditVerifier.verify(dir.resolve("log"), "audit", null);
        assertThat(report.ok()).as(report.toString()).isTrue();
        assertThat(report.lastSequence()).isEqualTo(300);
    }

    @Test
    void shouldDeleteSegmentsOlderThanRetentionAge()
    {
        try (AuditLog log = AuditLog.open(config().segmentSize(1 << 16).rotationIntervalNs(1000 * MS)
            .retentionAgeNs(5000 * MS).build()))
        {
            for (int i = 1; i <= 20; i++)
            {
                append(log, 1, payload(i));
                now.addAndGet(1000 * MS);
            }
            // Segments hold one record each (one per second); those whose records are older than 5 s are gone.
            final long[] kept = AuditFiles.listSegments(dir.resolve("log"), "audit");
            assertThat(kept.length).isBetween(5, 7);
            assertThat(kept[kept.length - 1]).isEqualTo(20);
        }
    }

    @Test
    void shouldReplayFromTime()
    {
        final long start = now.get();
        try (AuditLog log = AuditLog.open(config().indexInterval(512).build()))
        {
            for (int i = 1; i <= 200; i++)
            {
                append(log, 1, payload(i));
                now.addAndGet(MS);
            }
        }
        for (final int target : new int[] {1, 17, 120, 200})
        {
            final List<Read> out = new ArrayList<>();
            try (AuditReader reader = AuditReader.open(dir.resolve("log"), "audit"))
            {
                reader.replayFromTime(start + (target - 1) * MS, collect(out));
            }
            assertThat(out.get(0).sequence()).as("target=%d", target).isEqualTo(target);
            assertThat(out).hasSize(201 - target);
        }
        final List<Read> between = new ArrayList<>();
        try (AuditReader reader = AuditReader.open(dir.resolve("log"), "audit"))
        {
            reader.replayFromTime(start + 49 * MS + 1, collect(between));
        }
        assertThat(between.get(0).sequence()).isEqualTo(51);
    }

    @Test
    void shouldTailNewRecordsWithinMillisecondsAcrossRotation() throws Exception
    {
        try (AuditLog log = AuditLog.open(AuditLogConfig.builder(dir.resolve("log")).segmentSize(4096).build());
            AuditReader reader = AuditReader.open(dir.resolve("log"), "audit"))
        {
            final List<Read> seen = new ArrayList<>();
            long worstNs = 0;
            for (int i = 1; i <= 120; i++)
            {
                append(log, 1, payload(i));
                final long appended = System.nanoTime();
                while (seen.size() < i)
                {
                    reader.poll(collect(seen), 10);
                    assertThat(System.nanoTime() - appended).as("record %d not seen", i)
                        .isLessThan(TimeUnit.SECONDS.toNanos(5));
                }
                worstNs = Math.max(worstNs, System.nanoTime() - appended);
            }
            assertThat(seen).extracting(Read::sequence).containsExactlyElementsOf(range(1, 120));
            assertThat(AuditFiles.listSegments(dir.resolve("log"), "audit").length).isGreaterThan(2);
        }
    }

    @Test
    void shouldPreallocateNextSegmentInBackgroundAndRemoveItOnClose() throws Exception
    {
        final Path folder = dir.resolve("log");
        try (AuditLog log = AuditLog.open(config().build()))
        {
            final Path reserved = awaitPreallocated(folder);
            assertThat(Files.size(reserved)).isEqualTo(4096);
            for (int i = 1; i <= 60; i++)
            {
                append(log, 1, payload(i));
            }
            assertThat(reserved).doesNotExist();
            assertThat(AuditFiles.listSegments(folder, "audit").length).isGreaterThan(1);
            awaitPreallocated(folder);
        }
        try (var files = Files.list(folder))
        {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".preallocated"));
        }
        assertThat(AuditVerifier.verify(folder, "audit", null).ok()).isTrue();
    }

    private static Path awaitPreallocated(final Path folder) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline)
        {
            try (var files = Files.list(folder))
            {
                final var found = files.filter(p -> p.getFileName().toString().endsWith(".preallocated")).findFirst();
                if (found.isPresent() && Files.size(found.get()) == 4096)
                {
                    return found.get();
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no preallocated segment in " + folder);
    }

    private static List<Long> range(final long from, final long to)
    {
        final List<Long> out = new ArrayList<>();
        for (long i = from; i <= to; i++)
        {
            out.add(i);
        }
        return out;
    }
}
