package io.ipcgateway.examples.gateway.spool;

import static io.ipcgateway.examples.gateway.spool.SpoolTestSupport.append;
import static io.ipcgateway.examples.gateway.spool.SpoolTestSupport.collect;
import static io.ipcgateway.examples.gateway.spool.SpoolTestSupport.drainAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.audit.AuditVerifier;
import io.ipcgateway.audit.AuditVerifyReport;
import io.ipcgateway.audit.DurabilityPolicy;
import io.ipcgateway.examples.gateway.spool.SpoolTestSupport.Got;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PublishSpoolTest
{
    private static final DurabilityPolicy GROUP_COMMIT = DurabilityPolicy.everyNanos(TimeUnit.MILLISECONDS.toNanos(1));

    @TempDir
    Path dir;

    private SpoolConfig.Builder config()
    {
        return SpoolConfig.builder(dir.resolve("spool")).segmentSize(4096).durability(GROUP_COMMIT);
    }

    private static String subject(final int i)
    {
        return i % 5 == 0 ? "orders.ünïcode." + i % 3 : "orders.created." + i % 3;
    }

    private static String headers(final int i)
    {
        return i % 4 == 0 ? null : i % 4 == 1 ? "" : "trace-id=" + i;
    }

    private static String payload(final int i)
    {
        return "message " + i + " " + "x".repeat(i % 97);
    }

    private static Got expected(final long sequence, final int i)
    {
        return new Got(sequence, subject(i), headers(i), payload(i));
    }

    @Test
    void shouldDeliverEveryMessageOnceInOrderAcrossManyAppendsAndPartialDrainsAndSegments()
    {
        final List<Got> expected = new ArrayList<>();
        final List<Got> got = new ArrayList<>();
        try (PublishSpool spool = PublishSpool.open(config().build()))
        {
            int i = 0;
            for (int round = 0; round < 40; round++)
            {
                for (int k = 0; k < 1 + round % 13; k++, i++)
                {
                    final long sequence = append(spool, subject(i), headers(i), payload(i));
                    assertThat(sequence).isEqualTo(i + 1);
                    expected.add(expected(sequence, i));
                }
                spool.drain(collect(got), 1 + round % 5);
                assertThat(spool.depth()).isEqualTo(expected.size() - got.size());
            }
            got.addAll(drainAll(spool));
            assertThat(spool.depth()).isZero();
            assertThat(spool.bytes()).isZero();
            assertThat(spool.drain(collect(got), 10)).isZero();
            assertThat(spool.deliveredSequence()).isEqualTo(i);
        }
        assertThat(got).containsExactlyElementsOf(expected);
    }

    @Test
    void shouldDeliverAFullBatchOnEveryDrainCallAcrossSegmentBoundaries()
    {
        try (PublishSpool spool = PublishSpool.open(config().durability(DurabilityPolicy.none()).build()))
        {
            for (int i = 0; i < 500; i++)
            {
                append(spool, subject(i), headers(i), payload(i));
            }
            final List<Got> got = new ArrayList<>();
            while (got.size() < 500)
            {
                final int before = got.size();
                assertThat(spool.drain(collect(got), 7)).as("after %d", before).isEqualTo(Math.min(7, 500 - before));
            }
            assertThat(got).extracting(Got::sequence).doesNotHaveDuplicates().isSorted();
            assertThat(spool.depth()).isZero();
        }
    }

    @Test
    void shouldStopAtTheDeclinedMessageAndOfferItAgainFirstOnTheNextDrain()
    {
        try (PublishSpool spool = PublishSpool.open(config().build()))
        {
            for (int i = 0; i < 10; i++)
            {
                append(spool, "s", null, "m" + i);
            }
            final List<Long> offered = new ArrayList<>();
            final int delivered = spool.drain((sequence, subject, headers, payload, offset, length) ->
            {
                offered.add(sequence);
                return sequence < 4;
            }, 10);
            assertThat(delivered).isEqualTo(3);
            assertThat(offered).containsExactly(1L, 2L, 3L, 4L);
            assertThat(spool.depth()).isEqualTo(7);
            assertThat(spool.deliveredSequence()).isEqualTo(3);

            assertThat(spool.drain((sequence, subject, headers, payload, offset, length) -> false, 10)).isZero();

            final List<Got> rest = new ArrayList<>();
            assertThat(spool.drain(collect(rest), 2)).isEqualTo(2);
            assertThat(rest).extracting(Got::payload).containsExactly("m3", "m4");
            assertThat(rest).extracting(Got::sequence).containsExactly(4L, 5L);
        }
    }

    @Test
    void shouldKeepTheMessageAtTheHeadWhenTheSinkThrows()
    {
        try (PublishSpool spool = PublishSpool.open(config().build()))
        {
            append(spool, "s", null, "a");
            append(spool, "s", null, "b");
            final IllegalStateException boom = new IllegalStateException("nats gone");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> spool.drain(
                (sequence, subject, headers, payload, offset, length) ->
                {
                    if (sequence == 2)
                    {
                        throw boom;
                    }
                    return true;
                }, 10)).isSameAs(boom);
            assertThat(spool.deliveredSequence()).isEqualTo(1);
            assertThat(drainAll(spool)).extracting(Got::payload).containsExactly("b");
        }
    }

    @Test
    void shouldReturnSpoolFullAtMaxMessagesStoreNothingThenAndLoseNothingAccepted()
    {
        final List<Got> accepted = new ArrayList<>();
        try (PublishSpool spool = PublishSpool.open(config().maxMessages(50).build()))
        {
            for (int i = 0; i < 60; i++)
            {
                final long sequence = append(spool, subject(i), headers(i), payload(i));
                if (i < 50)
                {
                    assertThat(sequence).isEqualTo(i + 1);
                    accepted.add(expected(sequence, i));
                }
                else
                {
                    assertThat(sequence).isEqualTo(PublishSpool.SPOOL_FULL);
                }
            }
            assertThat(spool.depth()).isEqualTo(50);
            assertThat(spool.lastSequence()).isEqualTo(50);
            final List<Got> got = new ArrayList<>();
            assertThat(spool.drain(collect(got), 5)).isEqualTo(5);
            for (int i = 60; i < 70; i++)
            {
                final long sequence = append(spool, subject(i), headers(i), payload(i));
                if (i < 65)
                {
                    assertThat(sequence).isEqualTo(i - 9);
                    accepted.add(expected(sequence, i));
                }
                else
                {
                    assertThat(sequence).isEqualTo(PublishSpool.SPOOL_FULL);
                }
            }
            got.addAll(drainAll(spool));
            assertThat(got).containsExactlyElementsOf(accepted);
        }
    }

    @Test
    void shouldReturnSpoolFullWhenStoredBytesWouldExceedMaxBytes()
    {
        final String payload = "p".repeat(100);
        // Each message is stored as one audit record: its header, then 8 + subject (1) + payload (100), padded.
        final int stored = io.ipcgateway.audit.AuditSegmentDescriptor.alignedFrameLength(8 + 1 + 100);
        try (PublishSpool spool = PublishSpool.open(config().maxBytes(stored * 10L + 100).build()))
        {
            for (int i = 0; i < 10; i++)
            {
                assertThat(append(spool, "s", null, payload)).isEqualTo(i + 1);
            }
            assertThat(spool.bytes()).isEqualTo(stored * 10L);
            assertThat(append(spool, "s", null, payload)).isEqualTo(PublishSpool.SPOOL_FULL);
            assertThat(append(spool, "s", null, "tiny")).isEqualTo(11);
            assertThat(spool.depth()).isEqualTo(11);
            assertThat(drainAll(spool)).hasSize(11);
            assertThat(spool.bytes()).isZero();
            assertThat(append(spool, "s", null, payload)).isEqualTo(12);
        }
    }

    @Test
    void shouldResumeAtTheFirstUnconfirmedMessageAfterCloseAndReopen()
    {
        final List<Got> got = new ArrayList<>();
        final long bytesBefore;
        try (PublishSpool spool = PublishSpool.open(config().build()))
        {
            for (int i = 0; i < 300; i++)
            {
                append(spool, subject(i), headers(i), payload(i));
            }
            assertThat(spool.drain(collect(got), 120)).isEqualTo(120);
            bytesBefore = spool.bytes();
        }
        try (PublishSpool spool = PublishSpool.open(config().build()))
        {
            assertThat(spool.depth()).isEqualTo(180);
            assertThat(spool.bytes()).isEqualTo(bytesBefore);
            assertThat(spool.deliveredSequence()).isEqualTo(120);
            assertThat(append(spool, subject(300), headers(300), payload(300))).isEqualTo(301);
            got.addAll(drainAll(spool));
        }
        final List<Got> expected = new ArrayList<>();
        for (int i = 0; i <= 300; i++)
        {
            expected.add(expected(i + 1, i));
        }
        assertThat(got).containsExactlyElementsOf(expected);
        try (PublishSpool spool = PublishSpool.open(config().build()))
        {
            assertThat(spool.depth()).isZero();
            assertThat(spool.drain(collect(got), 10)).isZero();
            assertThat(append(spool, "after", null, "all")).isEqualTo(302);
        }
    }

    @Test
    void shouldDeleteSegmentsOnceEveryMessageInThemIsDeliveredAndKeepTheLogVerifiable() throws Exception
    {
        final Path folder = dir.resolve("spool");
        try (PublishSpool spool = PublishSpool.open(config().build()))
        {
            for (int i = 0; i < 400; i++)
            {
                append(spool, subject(i), headers(i), payload(i));
            }
            final long full = segments(folder);
            assertThat(full).isGreaterThan(10);
            spool.drain(collect(new ArrayList<>()), 200);
            final long half = segments(folder);
            assertThat(half).isLessThan(full).isGreaterThan(1);
            drainAll(spool);
            assertThat(segments(folder)).isEqualTo(1);
        }
        final AuditVerifyReport report = AuditVerifier.verify(folder, PublishSpool.LOG_NAME, null);
        assertThat(report.ok()).as(report.toString()).isTrue();
        assertThat(report.lastSequence()).isEqualTo(400);
    }

    @Test
    void shouldBeDurableWithAForcePerMessage()
    {
        try (PublishSpool spool = PublishSpool.open(config().durability(DurabilityPolicy.everyRecord()).build()))
        {
            for (int i = 0; i < 20; i++)
            {
                assertThat(append(spool, subject(i), headers(i), payload(i))).isEqualTo(i + 1);
            }
            assertThat(drainAll(spool)).hasSize(20);
        }
    }

    @Test
    void shouldRefuseAMessageLongerThanASegmentAndReturnClosedAfterClose()
    {
        final PublishSpool spool = PublishSpool.open(config().build());
        final org.agrona.concurrent.UnsafeBuffer big =
            new org.agrona.concurrent.UnsafeBuffer(new byte[spool.maxMessageLength()]);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> spool.append("s", null, big, 0, big.capacity()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("segmentSize");
        assertThat(spool.append("s", null, big, 0, spool.maxMessageLength() - 9)).isEqualTo(1);
        assertThat(spool.depth()).isEqualTo(1);
        spool.close();
        spool.close();
        assertThat(append(spool, "s", null, "late")).isEqualTo(PublishSpool.CLOSED);
        assertThat(spool.drain(collect(new ArrayList<>()), 1)).isZero();
        try (PublishSpool again = PublishSpool.open(config().build()))
        {
            assertThat(again.depth()).isEqualTo(1);
        }
        assertThat(Files.exists(dir.resolve("spool"))).isTrue();
    }

    @Test
    void shouldNotAllocatePerAppendWithAnAsciiSubject()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        try (PublishSpool spool = PublishSpool.open(config().segmentSize(64L << 20)
            .durability(DurabilityPolicy.none()).build()))
        {
            final org.agrona.concurrent.UnsafeBuffer payload = new org.agrona.concurrent.UnsafeBuffer(new byte[64]);
            final byte[] headers = "trace-id=1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            final long self = Thread.currentThread().getId();
            for (int round = 0; round < 5; round++)
            {
                final long before = threads.getThreadAllocatedBytes(self);
                for (int i = 0; i < 20_000; i++)
                {
                    if (spool.append("orders.created.eu", headers, payload, 0, 64) < 0)
                    {
                        throw new AssertionError("append refused");
                    }
                }
                final long allocated = threads.getThreadAllocatedBytes(self) - before;
                if (round >= 2)
                {
                    // Under a byte per append (the smallest object is 16 bytes): nothing is allocated per append.
                    assertThat(allocated).as("round %d", round).isLessThan(20_000);
                }
            }
        }
    }

    private static long segments(final Path folder) throws Exception
    {
        try (var files = Files.list(folder))
        {
            return files.filter(p -> p.getFileName().toString().matches("spool-\\d{20}\\.log")).count();
        }
    }
}
