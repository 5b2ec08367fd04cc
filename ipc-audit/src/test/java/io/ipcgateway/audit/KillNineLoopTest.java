package io.ipcgateway.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A writing JVM killed with SIGKILL in a loop, at random moments, while two threads append: after each kill the
 * log is reopened (which truncates a torn tail) and every record whose append had returned, that is whose
 * durability policy was met, must be there with its payload intact; the log verifies; and the next writer resumes
 * at the next sequence, with no gap. Policies alternate between an fsync per record and a 1 ms group commit.
 * (SIGKILL keeps the page cache, so this proves crash consistency of the files, not power-loss durability.)
 */
class KillNineLoopTest
{
    private static final int ROUNDS = 8;
    private static final String[] POLICIES = {"record", "interval:1ms"};

    @TempDir
    Path dir;

    @Test
    void shouldKeepEveryAcknowledgedRecordAndResumeAtTheNextSequenceAfterEachKillNine() throws Exception
    {
        long expectedNext = 1;
        long totalAcknowledged = 0;
        for (int round = 0; round < ROUNDS; round++)
        {
            final Map<Long, long[]> acknowledged = new ConcurrentHashMap<>();
            final Process child = ChildJvms.start(CrashingWriterMain.class, dir.toString(),
                POLICIES[round % POLICIES.length], "2");
            try
            {
                final BufferedReader out = ChildJvms.stdout(child);
                final String start = out.readLine();
                assertThat(start).as("round %d: the writer's first line", round).isEqualTo("START " + expectedNext);
                final Thread pump = new Thread(() -> readAcks(out, acknowledged), "ack-pump");
                pump.setDaemon(true);
                pump.start();
                Thread.sleep(ThreadLocalRandom.current().nextInt(150, 600));
                ChildJvms.kill9(child);
                pump.join(TimeUnit.SECONDS.toMillis(30));
                assertThat(pump.isAlive()).as("the child's output ends when it dies").isFalse();
            }
            finally
            {
                ChildJvms.kill9(child);
            }
            totalAcknowledged += acknowledged.size();
            final long last = checkAfterCrash(round, acknowledged, expectedNext);
            expectedNext = last + 1;
        }
        assertThat(totalAcknowledged).as("records acknowledged over all rounds").isPositive();
        try (AuditLog log = AuditLog.open(AuditLogConfig.builder(dir).segmentSize(64 * 1024).build()))
        {
            final byte[] bytes = {1, 2, 3};
            assertThat(log.append(7, 0, new UnsafeBuffer(bytes), 0, bytes.length)).isEqualTo(expectedNext);
        }
        assertThat(AuditVerifier.verify(dir, AuditLogConfig.DEFAULT_NAME, null).ok()).isTrue();
    }

    private long checkAfterCrash(final int round, final Map<Long, long[]> acknowledged, final long firstOfRound)
        throws IOException
    {
        final long last;
        try (AuditLog log = AuditLog.open(AuditLogConfig.builder(dir).segmentSize(64 * 1024).build()))
        {
            last = log.lastSequence();
        }
        final long maxAcknowledged = acknowledged.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
        assertThat(last).as("round %d: last sequence after reopen", round).isGreaterThanOrEqualTo(maxAcknowledged)
            .isGreaterThanOrEqualTo(firstOfRound - 1);
        final Map<Long, Object[]> found = new HashMap<>();
        try (AuditReader reader = AuditReader.open(dir, AuditLogConfig.DEFAULT_NAME))
        {
            reader.replay(1, (type, flags, timestamp, sequence, buffer, offset, length) ->
            {
                final byte[] payload = new byte[length];
                buffer.getBytes(offset, payload);
                found.put(sequence, new Object[] {flags, payload});
            });
        }
        assertThat(found).as("round %d: every sequence from 1 to the last, no gap", round).hasSize((int)last);
        for (final Map.Entry<Long, long[]> ack : acknowledged.entrySet())
        {
            final Object[] record = found.get(ack.getKey());
            assertThat(record).as("round %d: acknowledged record %d", round, ack.getKey()).isNotNull();
            final int thread = (int)ack.getValue()[0];
            assertThat(record[0]).isEqualTo(thread);
            assertThat((byte[])record[1]).as("payload of record %d", ack.getKey())
                .isEqualTo(CrashingWriterMain.payload(thread, ack.getValue()[1]));
        }
        final AuditVerifyReport report = AuditVerifier.verify(dir, AuditLogConfig.DEFAULT_NAME, null);
        assertThat(report.ok()).as("round %d: verify after the crash: %s", round, report).isTrue();
        return last;
    }

    private static void readAcks(final BufferedReader out, final Map<Long, long[]> acknowledged)
    {
        try
        {
            String line;
            while ((line = out.readLine()) != null)
            {
                final String[] parts = line.split(" ");
                // A line cut by the kill (no final "end") is not an acknowledgement the writer finished giving.
                if (parts.length == 5 && "ACK".equals(parts[0]) && "end".equals(parts[4]))
                {
                    acknowledged.put(Long.parseLong(parts[1]),
                        new long[] {Long.parseLong(parts[2]), Long.parseLong(parts[3])});
                }
            }
        }
        catch (final IOException | NumberFormatException ignore)
        {
            // The child died mid-line: what was read completely counts.
        }
    }
}
