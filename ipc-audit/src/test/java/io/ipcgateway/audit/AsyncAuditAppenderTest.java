package io.ipcgateway.audit;

import static io.ipcgateway.audit.AuditTestSupport.payload;
import static io.ipcgateway.audit.AuditTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.ipcgateway.audit.AuditTestSupport.Read;
import io.ipcgateway.core.OfferResult;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class AsyncAuditAppenderTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    @TempDir
    Path dir;

    @Test
    void shouldAppendFromManyThreadsKeepingEachThreadsOrderWithGapFreeSequences() throws Exception
    {
        final int threads = 4;
        final int perThread = 5_000;
        final Path folder = dir.resolve("log");
        try (AuditLog log = AuditLog.open(AuditLogConfig.builder(folder).segmentSize(256 * 1024).build()))
        {
            final AsyncAuditAppender appender = AsyncAuditAppender.start(log, 256, 64);
            final List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final int id = t;
                workers.add(new Thread(() ->
                {
                    final UnsafeBuffer buffer = new UnsafeBuffer(new byte[32]);
                    for (int i = 0; i < perThread; i++)
                    {
                        final int length = buffer.putStringWithoutLengthAscii(0, id + ":" + i);
                        final long ticket = appender.append(id, 0, buffer, 0, length, TIMEOUT_NS);
                        assertThat(ticket).isPositive();
                    }
                }));
            }
            workers.forEach(Thread::start);
            for (final Thread w : workers)
            {
                w.join();
            }
            appender.close();
            assertThat(log.lastSequence()).isEqualTo((long)threads * perThread);
        }
        final List<Read> records = readAll(folder, "audit");
        assertThat(records).hasSize(threads * perThread);
        final int[] next = new int[threads];
        for (int i = 0; i < records.size(); i++)
        {
            final Read r = records.get(i);
            assertThat(r.sequence()).isEqualTo(i + 1);
            final String[] parts = r.payload().split(":");
            assertThat(Integer.parseInt(parts[0])).isEqualTo(r.type());
            assertThat(Integer.parseInt(parts[1])).isEqualTo(next[r.type()]++);
        }
        assertThat(AuditVerifier.verify(folder, "audit", null).ok()).isTrue();
    }

    @Test
    void shouldReturnBackPressureWhenFullAndDropNothing() throws Exception
    {
        final AtomicBoolean block = new AtomicBoolean(false);
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch writerBlocked = new CountDownLatch(1);
        final AuditLogConfig config = AuditLogConfig.builder(dir.resolve("log")).clock(() ->
        {
            if (block.get())
            {
                writerBlocked.countDown();
                try
                {
                    release.await();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
            return System.currentTimeMillis() * 1_000_000L;
        }).segmentSize(64 * 1024).build();
        try (AuditLog log = AuditLog.open(config))
        {
            final AsyncAuditAppender appender = AsyncAuditAppender.start(log, 4, 16);
            final UnsafeBuffer buffer = payload("x");
            block.set(true);
            int accepted = 1;
            try
            {
                assertThat(appender.tryAppend(1, 0, buffer, 0, 1)).isPositive();
                assertThat(writerBlocked.await(10, TimeUnit.SECONDS)).isTrue();
                long result;
                while ((result = appender.tryAppend(1, 0, buffer, 0, 1)) > 0)
                {
                    accepted++;
                }
                assertThat(result).isEqualTo(OfferResult.BACK_PRESSURED);
                assertThat(accepted).isEqualTo(4); // one held by the blocked writer, three waiting in the queue
                assertThat(appender.append(1, 0, buffer, 0, 1, TimeUnit.MILLISECONDS.toNanos(20)))
                    .isEqualTo(OfferResult.BACK_PRESSURED);
                assertThat(appender.tryAppend(1, 0, new UnsafeBuffer(new byte[17]), 0, 17))
                    .isEqualTo(OfferResult.TOO_LARGE);
            }
            finally
            {
                block.set(false);
                release.countDown();
            }
            appender.close();
            assertThat(log.lastSequence()).isEqualTo(accepted);
            assertThat(appender.tryAppend(1, 0, buffer, 0, 1)).isEqualTo(OfferResult.CLOSED);
        }
    }

    @Test
    void shouldCompleteOnlyWhenDurabilityPolicyIsMet() throws Exception
    {
        for (final DurabilityPolicy policy : new DurabilityPolicy[] {
            DurabilityPolicy.everyRecord(), DurabilityPolicy.everyNanos(2_000_000), DurabilityPolicy.everyRecords(4),
            DurabilityPolicy.none()})
        {
            final Path folder = dir.resolve("log-" + policy.kind());
            try (AuditLog log = AuditLog.open(AuditLogConfig.builder(folder).segmentSize(64 * 1024)
                .durability(policy).build());
                AsyncAuditAppender appender = AsyncAuditAppender.start(log, 64, 64))
            {
                final UnsafeBuffer buffer = payload("durable");
                long ticket = 0;
                for (int i = 0; i < 10; i++)
                {
                    ticket = appender.append(1, 0, buffer, 0, buffer.capacity(), TIMEOUT_NS);
                }
                assertThat(appender.awaitDurable(ticket, TIMEOUT_NS)).as(policy.toString()).isTrue();
                assertThat(log.lastSequence()).isEqualTo(10);
                if (policy.kind() == DurabilityPolicy.Kind.EVERY_RECORD ||
                    policy.kind() == DurabilityPolicy.Kind.EVERY_INTERVAL)
                {
                    assertThat(log.durableSequence()).as(policy.toString()).isEqualTo(10);
                }
                final CompletableFuture<Long> future = appender.appendFuture(1, 0, buffer, 0, buffer.capacity());
                assertThat(future.get(30, TimeUnit.SECONDS)).isPositive();
                assertThat(appender.isDurable(future.get())).isTrue();
            }
        }
    }

    @Test
    void shouldNotAllocateOnTheCallersSide() throws Exception
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        try (AuditLog log = AuditLog.open(AuditLogConfig.builder(dir.resolve("log")).segmentSize(64L << 20).build());
            AsyncAuditAppender appender = AsyncAuditAppender.start(log, 1024, 64))
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
            final long self = Thread.currentThread().getId();
            for (int round = 0; round < 5; round++)
            {
                final long before = threads.getThreadAllocatedBytes(self);
                for (int i = 0; i < 20_000; i++)
                {
                    final long ticket = appender.append(1, 0, buffer, 0, 64, TIMEOUT_NS);
                    if (ticket <= 0)
                    {
                        throw new AssertionError("append failed: " + ticket);
                    }
                }
                final long allocated = threads.getThreadAllocatedBytes(self) - before;
                if (round >= 2)
                {
                    // Less than one byte per record (the smallest object is 16): nothing is allocated per record;
                    // the slack is for the JIT and the measurement, which the thread's counter also sees.
                    assertThat(allocated).as("round %d", round).isLessThan(20_000);
                }
            }
        }
    }

    @Test
    void shouldApplyDurabilityPolicyToSynchronousAppends()
    {
        try (AuditLog log = AuditLog.open(AuditLogConfig.builder(dir.resolve("every")).segmentSize(64 * 1024)
            .durability(DurabilityPolicy.everyRecord()).build()))
        {
            assertThat(AuditTestSupport.append(log, 1, "a")).isEqualTo(1);
            assertThat(log.durableSequence()).isEqualTo(1);
        }
        try (AuditLog log = AuditLog.open(AuditLogConfig.builder(dir.resolve("three")).segmentSize(64 * 1024)
            .durability(DurabilityPolicy.everyRecords(3)).build()))
        {
            AuditTestSupport.append(log, 1, "a");
            AuditTestSupport.append(log, 1, "b");
            assertThat(log.durableSequence()).isZero();
            AuditTestSupport.append(log, 1, "c");
            assertThat(log.durableSequence()).isEqualTo(3);
        }
        try (AuditLog log = AuditLog.open(AuditLogConfig.builder(dir.resolve("interval")).segmentSize(64 * 1024)
            .durability(DurabilityPolicy.everyNanos(2_000_000)).build()))
        {
            for (int i = 1; i <= 5; i++)
            {
                AuditTestSupport.append(log, 1, "x");
                assertThat(log.durableSequence()).isEqualTo(i);
            }
        }
        try (AuditLog log = AuditLog.open(AuditLogConfig.builder(dir.resolve("none")).segmentSize(64 * 1024)
            .durability(DurabilityPolicy.none()).build()))
        {
            AuditTestSupport.append(log, 1, "a");
            assertThat(log.durableSequence()).isZero();
            log.sync();
            assertThat(log.durableSequence()).isEqualTo(1);
        }
    }
}
