package io.ipcgateway.audit;

import static io.ipcgateway.audit.AuditTestSupport.append;
import static io.ipcgateway.audit.AuditTestSupport.readAll;
import static io.ipcgateway.audit.AuditTestSupport.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.ipcgateway.audit.AuditTestSupport.Read;
import io.ipcgateway.audit.internal.AuditFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log used as a queue: a reader that may decline a record, and deleting the segments a consumer is done with. */
class AuditConsumptionTest
{
    @TempDir
    Path dir;

    private AuditLogConfig config()
    {
        return AuditLogConfig.builder(dir.resolve("log")).segmentSize(4096).build();
    }

    private static String payload(final int i)
    {
        return String.format("record %05d ....................", i);
    }

    @Test
    void shouldDeleteOnlySealedSegmentsWhoseRecordsAreAllBelowTheSequenceNeverTheActiveOne()
    {
        final Path folder = dir.resolve("log");
        try (AuditLog log = AuditLog.open(config()))
        {
            for (int i = 1; i <= 200; i++)
            {
                append(log, 1, payload(i));
            }
            final long[] before = AuditFiles.listSegments(folder, "audit");
            assertThat(before.length).isGreaterThan(3);

            // Up to the second segment's last record: only the first segment is wholly below it.
            assertThat(log.deleteSegmentsBefore(before[2] - 1)).isEqualTo(1);
            assertThat(AuditFiles.listSegments(folder, "audit")).containsExactly(
                java.util.Arrays.copyOfRange(before, 1, before.length));
            assertThat(AuditFiles.indexPath(folder, "audit", before[0])).doesNotExist();
            assertThat(log.deleteSegmentsBefore(before[2] - 1)).isZero();

            // Beyond the last record: every sealed segment goes, the active one stays.
            assertThat(log.deleteSegmentsBefore(Long.MAX_VALUE)).isEqualTo(before.length - 2);
            assertThat(AuditFiles.listSegments(folder, "audit")).containsExactly(before[before.length - 1]);
            assertThat(log.firstSequence()).isEqualTo(before[before.length - 1]);
            assertThat(append(log, 1, payload(201))).isEqualTo(201);
        }
        try (AuditLog log = AuditLog.open(config()))
        {
            assertThat(log.lastSequence()).isEqualTo(201);
        }
        final List<Read> kept = readAll(folder, "audit");
        assertThat(kept.get(kept.size() - 1).payload()).isEqualTo(payload(201));
        final AuditVerifyReport report = AuditVerifier.verify(folder, "audit", null);
        assertThat(report.ok()).as(report.toString()).isTrue();
    }

    @Test
    void shouldRedeliverTheDeclinedRecordOnTheNextControlledPollAcrossSegmentsWithTheChainChecked()
    {
        final Path folder = dir.resolve("log");
        try (AuditLog log = AuditLog.open(config()))
        {
            for (int i = 1; i <= 150; i++)
            {
                append(log, 1, payload(i));
            }
        }
        final List<Long> taken = new ArrayList<>();
        final List<Long> offered = new ArrayList<>();
        try (AuditReader reader = AuditReader.openVerifying(folder, "audit", null))
        {
            int round = 0;
            while (taken.size() < 150)
            {
                final int declineAfter = 1 + round++ % 7;
                final int before = taken.size();
                final int n = reader.controlledPoll((type, flags, timestamp, sequence, buffer, offset, length) ->
                {
                    offered.add(sequence);
                    assertThat(text(buffer, offset, length)).isEqualTo(payload((int)sequence));
                    if (taken.size() - before == declineAfter)
                    {
                        return false;
                    }
                    taken.add(sequence);
                    return true;
                }, 10);
                assertThat(n).isEqualTo(taken.size() - before);
                assertThat(round).isLessThan(1000);
            }
            assertThat(reader.controlledPoll((type, flags, timestamp, sequence, buffer, offset, length) -> true, 10))
                .isZero();
        }
        final List<Long> expected = new ArrayList<>();
        for (long s = 1; s <= 150; s++)
        {
            expected.add(s);
        }
        assertThat(taken).containsExactlyElementsOf(expected);
        // Every declined record was offered again first by the next poll.
        for (int i = 1; i < offered.size(); i++)
        {
            assertThat(offered.get(i)).isBetween(offered.get(i - 1), offered.get(i - 1) + 1);
        }
    }

    @Test
    void shouldStopBeforeTheFirstRecordWhenItIsDeclinedAndStillDeliverItLater()
    {
        try (AuditLog log = AuditLog.open(config()))
        {
            append(log, 7, "only");
        }
        try (AuditReader reader = AuditReader.open(dir.resolve("log"), "audit"))
        {
            assertThat(reader.controlledPoll((type, flags, timestamp, sequence, buffer, offset, length) -> false, 5))
                .isZero();
            assertThat(reader.nextSequence()).isEqualTo(1);
            final List<String> got = new ArrayList<>();
            assertThat(reader.poll((type, flags, timestamp, sequence, buffer, offset, length) ->
                got.add(type + ":" + text(buffer, offset, length)), 5)).isEqualTo(1);
            assertThat(got).containsExactly("7:only");
        }
    }
}
