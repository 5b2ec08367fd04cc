package io.ipcgateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.ipcgateway.core.IpcException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(300)
class AuditRobustnessTest
{
    @TempDir
    Path dir;

    @Test
    void shouldNeverCrashOrHangOnRandomlyDamagedSegments() throws Exception
    {
        final Path original = dir.resolve("original");
        try (AuditLog log = AuditLog.open(AuditLogConfig.builder(original).segmentSize(8192).preallocate(false)
            .build()))
        {
            for (int i = 1; i <= 200; i++)
            {
                AuditTestSupport.append(log, i % 7, "payload number " + i);
            }
        }
        final long[] firsts = io.ipcgateway.audit.internal.AuditFiles.listSegments(original, "audit");
        final Random random = new Random(20261206);
        final AuditSegmentDecoder decoder = new AuditSegmentDecoder();
        for (int round = 0; round < 100; round++)
        {
            final Path copy = Files.createDirectory(dir.resolve("r" + round));
            for (final long first : firsts)
            {
                final Path from = SegmentBytes.segment(original, "audit", first);
                final byte[] bytes = Files.readAllBytes(from);
                final int edits = 1 + random.nextInt(8);
                for (int e = 0; e < edits; e++)
                {
                    bytes[random.nextInt(bytes.length)] = (byte)random.nextInt(256);
                }
                final int keep = random.nextInt(4) == 0 ? random.nextInt(bytes.length) : bytes.length;
                final byte[] cut = java.util.Arrays.copyOf(bytes, keep);
                Files.write(copy.resolve(from.getFileName()), cut);

                // The decoder alone: every offset, any bytes, a status and no exception.
                decoder.wrap(new UnsafeBuffer(cut), cut.length);
                decoder.decodeHeader();
                for (int offset = -8; offset < cut.length + 8; offset++)
                {
                    assertThat(decoder.decodeRecord(offset, Integer.MAX_VALUE)).isBetween(0, 7);
                }
            }
            final AuditVerifyReport report = AuditVerifier.verify(copy, "audit", null);
            assertThat(report.segments()).isEqualTo(firsts.length);
            try (AuditReader reader = AuditReader.open(copy, "audit"))
            {
                reader.replay(1, (t, f, ts, s, b, o, l) -> { });
            }
            catch (final IpcException expected)
            {
                // Reported damage is fine; a crash, another exception or a hang is not.
            }
        }
    }

    @Test
    void shouldTailALiveWriterOnAnotherThreadSeeingEveryRecordWhole() throws Exception
    {
        final Path folder = dir.resolve("live");
        final int total = 20_000;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        try (AuditLog log = AuditLog.open(AuditLogConfig.builder(folder).segmentSize(64 * 1024).build());
            AuditReader reader = AuditReader.open(folder, "audit"))
        {
            final Thread writer = new Thread(() ->
            {
                try
                {
                    final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
                    for (int i = 1; i <= total; i++)
                    {
                        final int length = 8 + (i % 50);
                        buffer.setMemory(0, length, (byte)i);
                        buffer.putInt(0, i);
                        log.append(i, 0, buffer, 0, length);
                    }
                }
                catch (final Throwable t)
                {
                    failure.set(t);
                }
            });
            writer.start();
            final long[] expected = {1};
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (expected[0] <= total && failure.get() == null)
            {
                reader.poll((type, flags, timestamp, sequence, buffer, offset, length) ->
                {
                    assertThat(sequence).isEqualTo(expected[0]);
                    assertThat(type).isEqualTo((int)sequence);
                    assertThat(length).isEqualTo(8 + (int)(sequence % 50));
                    assertThat(buffer.getInt(offset)).isEqualTo((int)sequence);
                    assertThat(buffer.getByte(offset + length - 1)).isEqualTo((byte)sequence);
                    expected[0]++;
                }, 100);
                assertThat(System.nanoTime()).isLessThan(deadline);
            }
            writer.join();
            assertThat(failure.get()).isNull();
            assertThat(expected[0]).isEqualTo(total + 1);
        }
    }
}
