package io.ipcgateway.examples.gateway.spool;

import static io.ipcgateway.examples.gateway.spool.SpoolTestSupport.append;
import static io.ipcgateway.examples.gateway.spool.SpoolTestSupport.drainAll;
import static io.ipcgateway.examples.gateway.spool.SpoolTestSupport.got;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.ipcgateway.audit.DurabilityPolicy;
import io.ipcgateway.examples.gateway.spool.SpoolTestSupport.Got;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link PublishSpool#drain(AsyncSpoolSink, int, int)}: a window of unconfirmed sends, confirmed in order only. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpoolPipelinedDrainTest
{
    private final ScheduledExecutorService bus = Executors.newSingleThreadScheduledExecutor();

    @TempDir
    Path dir;

    @AfterEach
    void stopBus()
    {
        bus.shutdownNow();
    }

    private PublishSpool open()
    {
        return PublishSpool.open(SpoolConfig.builder(dir.resolve("spool")).segmentSize(4096)
            .durability(DurabilityPolicy.everyNanos(TimeUnit.MILLISECONDS.toNanos(1))).build());
    }

    private static void appendMessages(final PublishSpool spool, final int count)
    {
        for (int i = 1; i <= count; i++)
        {
            assertThat(append(spool, "s." + i % 3, null, "m" + i)).isEqualTo(i);
        }
    }

    /** Answers each send on another thread after a random short delay, so answers come out of order. */
    private AsyncSpoolSink shuffledBus(final List<Got> sent, final long failSequence)
    {
        return (sequence, timestamp, subject, headers, payload, offset, length) ->
        {
            sent.add(got(sequence, subject, headers, payload, offset, length));
            final CompletableFuture<Void> answer = new CompletableFuture<>();
            bus.schedule(() -> sequence == failSequence ?
                answer.completeExceptionally(new IllegalStateException("no PubAck for " + sequence)) :
                answer.complete(null), ThreadLocalRandom.current().nextInt(2_000), TimeUnit.MICROSECONDS);
            return answer;
        };
    }

    @Test
    void shouldKeepUpToTheWindowUnconfirmedAndDeliverEveryMessageInOrder()
    {
        final int total = 300;
        try (PublishSpool spool = open())
        {
            appendMessages(spool, total);
            final List<Got> sent = new ArrayList<>();
            final AtomicInteger outstanding = new AtomicInteger();
            final AtomicInteger most = new AtomicInteger();
            final AsyncSpoolSink counting = (sequence, timestamp, subject, headers, payload, offset, length) ->
            {
                sent.add(got(sequence, subject, headers, payload, offset, length));
                most.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
                final CompletableFuture<Void> answer = new CompletableFuture<>();
                bus.schedule(() -> answer.complete(null), ThreadLocalRandom.current().nextInt(500),
                    TimeUnit.MICROSECONDS);
                return answer.whenComplete((ok, failure) -> outstanding.decrementAndGet());
            };
            int confirmed = 0;
            while (spool.depth() > 0)
            {
                confirmed += spool.drain(counting, 100, 8);
            }
            assertThat(confirmed).isEqualTo(total);
            assertThat(most.get()).as("most sends unconfirmed at once").isBetween(2, 8);
            assertThat(spool.deliveredSequence()).isEqualTo(total);
            assertThat(sent).hasSize(total);
            for (int k = 0; k < total; k++)
            {
                assertThat(sent.get(k).sequence()).isEqualTo(k + 1);
                assertThat(sent.get(k).payload()).isEqualTo("m" + (k + 1));
            }
        }
    }

    @Test
    void shouldConfirmOnlyTheAcknowledgedPrefixWhenAMessageInTheWindowFailsAndResendFromIt()
    {
        try (PublishSpool spool = open())
        {
            appendMessages(spool, 40);
            final List<Got> sent = new ArrayList<>();
            // Message 7 fails while later ones in its window are acknowledged (out of order).
            assertThat(spool.drain(shuffledBus(sent, 7), 40, 5)).isEqualTo(6);
            assertThat(spool.deliveredSequence()).isEqualTo(6);
            assertThat(spool.depth()).isEqualTo(34);
            // Nothing after the failed one was sent beyond its window.
            assertThat(sent.get(sent.size() - 1).sequence()).isLessThanOrEqualTo(7 + 4);

            // The spool survives a restart with the cursor at the prefix, and resumes at the failed message.
            final List<Got> again = new ArrayList<>();
            assertThat(spool.drain(shuffledBus(again, -1), 40, 5)).isEqualTo(34);
            assertThat(again.get(0).sequence()).isEqualTo(7);
            for (int k = 0; k < again.size(); k++)
            {
                assertThat(again.get(k).sequence()).isEqualTo(7 + k);
            }
            assertThat(spool.depth()).isZero();
        }
    }

    @Test
    void shouldResumeAfterTheLastConfirmationWhenReopenedAfterADrainStoppedMidWindow()
    {
        try (PublishSpool spool = open())
        {
            appendMessages(spool, 30);
            assertThat(spool.drain(shuffledBus(new ArrayList<>(), 12), 30, 6)).isEqualTo(11);
        }
        try (PublishSpool spool = open())
        {
            assertThat(spool.deliveredSequence()).isEqualTo(11);
            assertThat(spool.depth()).isEqualTo(19);
            final List<Got> rest = drainAll(spool);
            assertThat(rest).extracting(Got::sequence).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(12, 30).boxed().toList());
        }
    }

    @Test
    void shouldKeepADeclinedMessageAtTheHeadAndConfirmTheOnesSentBeforeIt()
    {
        try (PublishSpool spool = open())
        {
            appendMessages(spool, 10);
            final List<Got> sent = new ArrayList<>();
            final AsyncSpoolSink declinesFifth = (sequence, timestamp, subject, headers, payload, offset, length) ->
            {
                if (sequence == 5)
                {
                    return null;
                }
                sent.add(got(sequence, subject, headers, payload, offset, length));
                return CompletableFuture.completedFuture(null);
            };
            assertThat(spool.drain(declinesFifth, 10, 3)).isEqualTo(4);
            assertThat(spool.deliveredSequence()).isEqualTo(4);
            final List<Got> rest = drainAll(spool);
            assertThat(rest).extracting(Got::sequence).containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
        }
    }

    @Test
    void shouldWaitForTheWindowAndKeepTheMessageWhenTheSinkThrows()
    {
        try (PublishSpool spool = open())
        {
            appendMessages(spool, 10);
            final AsyncSpoolSink throwsAtSixth = (sequence, timestamp, subject, headers, payload, offset, length) ->
            {
                if (sequence == 6)
                {
                    throw new IllegalStateException("bus gone");
                }
                final CompletableFuture<Void> answer = new CompletableFuture<>();
                bus.schedule(() -> answer.complete(null), 1, TimeUnit.MILLISECONDS);
                return answer;
            };
            assertThatThrownBy(() -> spool.drain(throwsAtSixth, 10, 4)).hasMessage("bus gone");
            assertThat(spool.deliveredSequence()).isEqualTo(5);
            assertThat(drainAll(spool)).extracting(Got::sequence).containsExactly(6L, 7L, 8L, 9L, 10L);
        }
    }

    @Test
    void shouldTellTheSinkOfEachConfirmationOnceInOrderEvenWhenMessagesAreSentAgain()
    {
        try (PublishSpool spool = open())
        {
            appendMessages(spool, 10);
            final List<Long> confirmed = new ArrayList<>();
            final List<Got> sent = new ArrayList<>();
            final AsyncSpoolSink failsThirdOnce = new AsyncSpoolSink()
            {
                private boolean failed;

                @Override
                public CompletableFuture<?> send(final long sequence, final long timestamp, final String subject,
                    final byte[] headers, final org.agrona.DirectBuffer payload, final int offset, final int length)
                {
                    sent.add(got(sequence, subject, headers, payload, offset, length));
                    if (sequence == 3 && !failed)
                    {
                        failed = true;
                        return CompletableFuture.failedFuture(new IllegalStateException("lost"));
                    }
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public void onConfirmed(final long sequence)
                {
                    confirmed.add(sequence);
                }
            };
            assertThat(spool.drain(failsThirdOnce, 10, 4)).isEqualTo(2);
            assertThat(spool.drain(failsThirdOnce, 10, 4)).isEqualTo(8);
            assertThat(confirmed).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            // 4 to 6 were sent (and acknowledged) in the failed message's window, and sent again after it.
            assertThat(sent).extracting(Got::sequence)
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        }
    }

    @Test
    void shouldRejectAWindowBelowOne()
    {
        try (PublishSpool spool = open())
        {
            assertThatThrownBy(() -> spool.drain(shuffledBus(new ArrayList<>(), -1), 10, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window=0");
        }
    }
}
