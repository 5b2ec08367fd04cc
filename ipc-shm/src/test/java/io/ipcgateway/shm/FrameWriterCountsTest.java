package io.ipcgateway.shm;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.ipcgateway.core.CounterKind;
import io.ipcgateway.core.IpcCounters;
import io.ipcgateway.core.MessageClaim;
import io.ipcgateway.core.OfferResult;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The messages and bytes sent counters of {@link FrameWriter}: a sole sender accumulates them in the writer and
 * publishes every {@link FrameWriter#PUBLISH_EVERY} messages, at back pressure and on
 * {@link FrameWriter#publishCounts}; nothing is counted twice or lost, also when another thread publishes while the
 * sender sends, or several send.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FrameWriterCountsTest
{
    private static final Path FILE = Paths.get("/dev/shm/frame-writer-counts-test.ipc");
    private static final int CAPACITY = 64 * 1024;
    private static final int SIZE = 32;

    private final UnsafeBuffer ring =
        new UnsafeBuffer(ByteBuffer.allocateDirect(CAPACITY + RingBufferDescriptor.TRAILER_LENGTH));
    private final CheckedRingReader reader = new CheckedRingReader(ring, FILE, 4096);
    private final IpcCounters counters = IpcCounters.create(
        new UnsafeBuffer(ByteBuffer.allocateDirect(IpcCounters.metaDataLength())),
        new UnsafeBuffer(ByteBuffer.allocateDirect(IpcCounters.valuesLength())), "test");
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[SIZE]);

    private FrameWriter writer(final boolean concurrent)
    {
        return new FrameWriter(new FrameRing(ring, FILE, 4096, concurrent, false), null, concurrent, 1 << 20,
            TimeUnit.SECONDS.toNanos(1), counters);
    }

    private long sent()
    {
        return counters.get(CounterKind.MESSAGES_SENT);
    }

    private long bytesSent()
    {
        return counters.get(CounterKind.BYTES_SENT);
    }

    @Test
    void shouldPublishSoleSendersCountsEveryPublishEveryMessagesAndWhenAsked()
    {
        final FrameWriter writer = writer(true);
        final int messages = FrameWriter.PUBLISH_EVERY + 10;
        for (int i = 0; i < messages; i++)
        {
            assertThat(writer.send(FrameDescriptor.MESSAGE_KIND, 7, 1, 0, payload, 0, SIZE)).isEqualTo(OfferResult.OK);
            reader.read((type, buffer, index, length) -> { }, 100);
            // Never ahead of what was sent, never more than PUBLISH_EVERY - 1 messages behind.
            assertThat(sent()).isBetween((long)i + 1 - (FrameWriter.PUBLISH_EVERY - 1), (long)i + 1);
        }
        assertThat(sent()).isEqualTo(FrameWriter.PUBLISH_EVERY);
        assertThat(bytesSent()).isEqualTo((long)FrameWriter.PUBLISH_EVERY * SIZE);

        writer.publishCounts();
        assertThat(sent()).isEqualTo(messages);
        assertThat(bytesSent()).isEqualTo((long)messages * SIZE);
        writer.publishCounts();
        assertThat(sent()).isEqualTo(messages);
    }

    @Test
    void shouldCountZeroCopyClaimsOnCommitAndTheirBytesOnClaim()
    {
        final FrameWriter writer = writer(false);
        final MessageClaim claim = new MessageClaim();
        assertThat(writer.tryClaim(FrameDescriptor.MESSAGE_KIND, 7, 1, 0, SIZE, claim)).isEqualTo(OfferResult.OK);
        claim.commit();
        assertThat(writer.tryClaim(FrameDescriptor.MESSAGE_KIND, 7, 1, 0, SIZE, claim)).isEqualTo(OfferResult.OK);
        claim.abort();

        writer.publishCounts();
        assertThat(sent()).isEqualTo(1);
        // Bytes count at the claim, as before: an aborted claim's bytes are counted too.
        assertThat(bytesSent()).isEqualTo(2L * SIZE);
    }

    @Test
    void shouldPublishWhenTheRingIsFull()
    {
        final FrameWriter writer = writer(true);
        long accepted = 0;
        while (writer.send(FrameDescriptor.MESSAGE_KIND, 7, 1, 0, payload, 0, SIZE) == OfferResult.OK)
        {
            accepted++;
        }
        assertThat(accepted % FrameWriter.PUBLISH_EVERY).as("a count the periodic publication leaves behind")
            .isNotZero();
        assertThat(sent()).isEqualTo(accepted);
        assertThat(counters.get(CounterKind.BACK_PRESSURE_EVENTS)).isEqualTo(1);
    }

    @Test
    void shouldNeitherLoseNorDoubleCountWhenAnotherThreadPublishesWhileOneSends() throws Exception
    {
        final FrameWriter writer = writer(true);
        final int messages = 300_000;
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicReference<String> fault = new AtomicReference<>();
        final AtomicLong publications = new AtomicLong();
        final CountersReader view = counters.reader();
        final int sentId = CounterKind.MESSAGES_SENT.ordinal();
        final Thread publisher = new Thread(() ->
        {
            long last = 0;
            while (!done.get())
            {
                writer.publishCounts();
                publications.incrementAndGet();
                final long now = view.getCounterValue(sentId);
                if (now < last || now > messages)
                {
                    fault.compareAndSet(null, "counter went from " + last + " to " + now);
                }
                last = now;
            }
        });
        publisher.start();
        try
        {
            for (int i = 0; i < messages; i++)
            {
                while (writer.send(FrameDescriptor.MESSAGE_KIND, 7, 1, 0, payload, 0, SIZE) != OfferResult.OK)
                {
                    reader.read((type, buffer, index, length) -> { }, 1000);
                }
            }
        }
        finally
        {
            done.set(true);
            publisher.join();
        }
        writer.publishCounts();

        assertThat(fault.get()).isNull();
        assertThat(publications.get()).isPositive();
        assertThat(sent()).isEqualTo(messages);
        assertThat(bytesSent()).isEqualTo((long)messages * SIZE);
    }

    @Test
    void shouldCountEverySendOfSeveralThreadsExactly() throws Exception
    {
        final FrameWriter writer = writer(true);
        final int perThread = 100_000;
        final AtomicBoolean done = new AtomicBoolean();
        final Thread consumer = new Thread(() ->
        {
            while (!done.get())
            {
                reader.read((type, buffer, index, length) -> { }, 1000);
            }
        });
        consumer.start();
        final Thread[] senders = new Thread[3];
        for (int t = 0; t < senders.length; t++)
        {
            senders[t] = new Thread(() ->
            {
                final UnsafeBuffer own = new UnsafeBuffer(new byte[SIZE]);
                for (int i = 0; i < perThread; i++)
                {
                    while (writer.send(FrameDescriptor.MESSAGE_KIND, 7, 1, 0, own, 0, SIZE) != OfferResult.OK)
                    {
                        Thread.yield();
                    }
                }
            });
            senders[t].start();
        }
        for (final Thread sender : senders)
        {
            sender.join();
        }
        done.set(true);
        consumer.join();
        writer.publishCounts();

        assertThat(sent()).isEqualTo((long)perThread * senders.length);
        assertThat(bytesSent()).isEqualTo((long)perThread * senders.length * SIZE);
    }
}
