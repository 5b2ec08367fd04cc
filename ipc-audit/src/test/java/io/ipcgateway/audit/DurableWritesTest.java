package io.ipcgateway.audit;

import static io.ipcgateway.audit.AuditTestSupport.collect;
import static io.ipcgateway.audit.AuditTestSupport.payload;
import static io.ipcgateway.audit.AuditTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.audit.AuditTestSupport.Read;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Under a durable policy records go to the file through the segment's channel (staged, then written): what is read
 * back, when readers see it and when a ticket completes.
 */
@Timeout(120)
class DurableWritesTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"record", "records:3", "interval:1ms"})
    void shouldReadBackRecordsOfMixedLengthsAcrossRotationIncludingOneLargerThanTheStaging(final String policy)
    {
        final Path folder = dir.resolve("log");
        final List<String> written = new ArrayList<>();
        try (AuditLog log = AuditLog.open(AuditLogConfig.builder(folder).segmentSize(512 * 1024)
            .durability(DurabilityPolicy.parse(policy)).build()))
        {
            for (int i = 0; i < 600; i++)
            {
                // Lengths that leave different padding, so a longer record's bytes would show in a shorter one's.
                final String text = i == 300 ? "L".repeat(300 * 1024) : i + ":" + "x".repeat((i * 37) % 1500);
                final UnsafeBuffer buffer = payload(text);
                assertThat(log.append(1, i, buffer, 0, buffer.capacity())).isEqualTo(i + 1);
                written.add(text);
            }
            assertThat(log.durableSequence()).isEqualTo(600);
        }
        final List<Read> read = readAll(folder, "audit");
        assertThat(read).extracting(Read::payload).containsExactlyElementsOf(written);
        final AuditVerifyReport report = AuditVerifier.verify(folder, AuditLogConfig.DEFAULT_NAME, null);
        assertThat(report.ok()).as("verify: %s", report).isTrue();
        assertThat(report.segments()).as("rotated at least once").isGreaterThan(1);
    }

    @Test
    void shouldShowAsyncRecordsToReadersBeforeALongGroupCommitIsDueAndCompleteTheirTicketsOnlyAfterIt()
        throws Exception
    {
        final Path folder = dir.resolve("log");
        try (AuditLog log = AuditLog.open(AuditLogConfig.builder(folder)
            .durability(DurabilityPolicy.everyNanos(TimeUnit.SECONDS.toNanos(3))).build());
            AuditReader reader = AuditReader.open(folder, AuditLogConfig.DEFAULT_NAME))
        {
            final AsyncAuditAppender appender = AsyncAuditAppender.start(log);
            final long opened = System.nanoTime();
            final List<Read> seen = new ArrayList<>();
            long last = 0;
            for (int i = 0; i < 10; i++)
            {
                final UnsafeBuffer buffer = payload("record " + i);
                last = appender.append(1, 0, buffer, 0, buffer.capacity(), TIMEOUT_NS);
                assertThat(last).isPositive();
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (seen.size() < 10 && System.nanoTime() < deadline)
            {
                if (reader.poll(collect(seen), 100) == 0)
                {
                    Thread.sleep(1);
                }
            }
            final boolean durableWhenSeen = appender.isDurable(last);
            final long seenAfterNs = System.nanoTime() - opened;
            assertThat(seen).as("seen by a reader within 2 s").hasSize(10);
            if (seenAfterNs < TimeUnit.SECONDS.toNanos(3))
            {
                assertThat(durableWhenSeen).as("durable before the 3 s group commit was due").isFalse();
            }
            assertThat(appender.awaitDurable(last, TIMEOUT_NS)).isTrue();
            assertThat(log.durableSequence()).isEqualTo(10);
            appender.close();
        }
    }
}
