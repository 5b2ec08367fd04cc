package io.ipcgateway.examples.gateway.spool;

import static io.ipcgateway.examples.gateway.spool.SpoolTestSupport.collect;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.ipcgateway.audit.DurabilityPolicy;
import io.ipcgateway.examples.gateway.spool.SpoolTestSupport.Got;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpoolConcurrencyTest
{
    private static final int THREADS = 4;
    private static final int PER_THREAD = 500;

    @TempDir
    Path dir;

    @Test
    void shouldDeliverEveryMessageOfConcurrentAppendersInSequenceOrderWhileDraining() throws Exception
    {
        final Map<Long, String> acknowledged = new ConcurrentHashMap<>();
        final List<Got> got = new ArrayList<>();
        final SpoolConfig config = SpoolConfig.builder(dir.resolve("spool")).segmentSize(16 * 1024)
            .durability(DurabilityPolicy.everyNanos(TimeUnit.MILLISECONDS.toNanos(1))).build();
        try (PublishSpool spool = PublishSpool.open(config))
        {
            final CountDownLatch start = new CountDownLatch(1);
            final AtomicBoolean failed = new AtomicBoolean();
            final List<Thread> appenders = new ArrayList<>();
            for (int t = 0; t < THREADS; t++)
            {
                final int thread = t;
                final Thread appender = new Thread(() ->
                {
                    try
                    {
                        start.await();
                        for (int i = 0; i < PER_THREAD; i++)
                        {
                            final String text = "t" + thread + "-" + i;
                            final UnsafeBuffer payload = new UnsafeBuffer(text.getBytes(StandardCharsets.UTF_8));
                            final long sequence = spool.append("t" + thread, null, payload, 0, payload.capacity());
                            if (sequence < 0 || acknowledged.put(sequence, text) != null)
                            {
                                failed.set(true);
                            }
                        }
                    }
                    catch (final InterruptedException | RuntimeException ex)
                    {
                        failed.set(true);
                    }
                });
                appender.start();
                appenders.add(appender);
            }
            start.countDown();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (got.size() < THREADS * PER_THREAD && System.nanoTime() < deadline)
            {
                if (spool.drain(collect(got), 64) == 0)
                {
                    Thread.yield();
                }
            }
            for (final Thread appender : appenders)
            {
                appender.join();
            }
            assertThat(failed).isFalse();
            assertThat(spool.depth()).isZero();
            assertThat(spool.bytes()).isZero();
        }
        assertThat(got).hasSize(THREADS * PER_THREAD);
        final int[] nextPerThread = new int[THREADS];
        for (int k = 0; k < got.size(); k++)
        {
            final Got message = got.get(k);
            assertThat(message.sequence()).isEqualTo(k + 1);
            assertThat(message.payload()).isEqualTo(acknowledged.get(message.sequence()));
            final int thread = Integer.parseInt(message.subject().substring(1));
            assertThat(message.payload()).isEqualTo("t" + thread + "-" + nextPerThread[thread]++);
        }
    }
}
