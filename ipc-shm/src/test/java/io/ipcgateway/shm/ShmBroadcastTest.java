package io.ipcgateway.shm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.OfferResult;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ShmBroadcastTest
{
    @TempDir
    Path dir;

    private BroadcastContext context()
    {
        return new BroadcastContext().name("prices").baseDirectory(dir).capacity(4096);
    }

    @Test
    void shouldDeliverEveryMessageToEveryReaderThatKeepsUp()
    {
        try (ShmBroadcastPublisher publisher = ShmBroadcastPublisher.create(context());
            ShmBroadcastSubscriber first = ShmBroadcastSubscriber.open(context());
            ShmBroadcastSubscriber second = ShmBroadcastSubscriber.open(context()))
        {
            final UnsafeBuffer message = new UnsafeBuffer(new byte[24]);
            final List<Long> firstSeen = new ArrayList<>();
            final List<Long> secondSeen = new ArrayList<>();
            for (long i = 0; i < 1000; i++)
            {
                message.putLong(0, i);
                assertThat(publisher.offer(5, message, 0, 24)).isEqualTo(OfferResult.OK);
                first.poll((typeId, buffer, offset, length) -> firstSeen.add(buffer.getLong(offset) + typeId), 10);
                second.poll((typeId, buffer, offset, length) -> secondSeen.add(buffer.getLong(offset)), 10);
            }
            assertThat(firstSeen).hasSize(1000).first().isEqualTo(5L);
            assertThat(secondSeen).hasSize(1000).last().isEqualTo(999L);
            assertThat(first.lostMessages()).isZero();
            assertThat(second.lappedCount()).isZero();
            assertThat(publisher.published()).isEqualTo(1000);
        }
    }

    @Test
    void shouldTellLappedReaderHowManyMessagesItLost()
    {
        try (ShmBroadcastPublisher publisher = ShmBroadcastPublisher.create(context());
            ShmBroadcastSubscriber slow = ShmBroadcastSubscriber.open(context()))
        {
            final UnsafeBuffer message = new UnsafeBuffer(new byte[32]);
            message.putLong(0, 0);
            publisher.offer(1, message, 0, 32);
            final long[] lastSeen = new long[1];
            assertThat(slow.poll((typeId, buffer, offset, length) -> lastSeen[0] = buffer.getLong(offset), 10))
                .isEqualTo(1);

            // 4 KiB buffer, 48-byte records: 1000 messages lap the reader many times over.
            for (long i = 1; i <= 1000; i++)
            {
                message.putLong(0, i);
                publisher.offer(1, message, 0, 32);
            }
            int total = 0;
            int delivered;
            while ((delivered = slow.poll((typeId, buffer, offset, length) -> lastSeen[0] = buffer.getLong(offset),
                100)) > 0)
            {
                total += delivered;
            }
            assertThat(lastSeen[0]).isEqualTo(1000);
            assertThat(slow.lappedCount()).isPositive();
            assertThat(slow.lostMessages()).isEqualTo(1000 - total);
            assertThat(slow.received()).isEqualTo(1 + total);
        }
    }

    @Test
    void shouldRefuseMessageLargerThanOneRecordAndCleanUp()
    {
        try (ShmBroadcastPublisher publisher = ShmBroadcastPublisher.create(context()))
        {
            final UnsafeBuffer big = new UnsafeBuffer(new byte[publisher.maxMessageLength() + 1]);
            assertThat(publisher.offer(1, big, 0, big.capacity())).isEqualTo(OfferResult.TOO_LARGE);
            assertThat(publisher.offer(-1, big, 0, 1)).isEqualTo(OfferResult.INVALID_ARGUMENT);
            final UnsafeBuffer eight = new UnsafeBuffer(new byte[8]);
            assertThat(publisher.offer(1, eight, 4, 16)).as("beyond the buffer")
                .isEqualTo(OfferResult.INVALID_ARGUMENT);
            assertThat(publisher.offer(1, eight, -4, 8)).as("negative offset").isEqualTo(OfferResult.INVALID_ARGUMENT);
            assertThat(publisher.offer(1, null, 0, 8)).as("no buffer").isEqualTo(OfferResult.INVALID_ARGUMENT);
            assertThat(publisher.offer(1, big, 0, publisher.maxMessageLength())).isEqualTo(OfferResult.OK);
        }
        assertThat(Files.exists(dir.resolve("prices"))).isFalse();
    }

    @Test
    void shouldFailClearlyWhenNoPublisherExists()
    {
        assertThatThrownBy(() -> ShmBroadcastSubscriber.open(context()))
            .isInstanceOf(ChannelFileException.class)
            .hasMessageContaining("broadcast.ipc");
    }
}
