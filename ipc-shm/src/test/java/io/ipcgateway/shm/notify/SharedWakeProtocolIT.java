package io.ipcgateway.shm.notify;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The shared wake word ({@link SharedWake}): consumers sleep on one futex word with {@code FUTEX_WAIT_BITSET} and a bit
 * each, and a producer that plays the server's duty cycle answers them in passes that end with one
 * {@code FUTEX_WAKE_BITSET}. A failsafe test because the futex needs the jar's Java 22 layer; skipped where the futex
 * is unavailable (the JDK 17 run).
 */
class SharedWakeProtocolIT
{
    private static final int SEQUENCE_OFFSET = 64;
    private static final int FIRST_AREA_OFFSET = 128;
    private static final long LONG_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);

    @TempDir
    Path dir;

    private final UnsafeBuffer header = new UnsafeBuffer(ByteBuffer.allocateDirect(8192));
    private final List<Notifier> opened = new ArrayList<>();
    private SharedWake shared;

    @BeforeEach
    void offerTheWord()
    {
        assumeTrue(Notifiers.autoKind() == NotifierKind.FUTEX, "futex is not available on this JVM");
        shared = SharedWake.offer(header, SEQUENCE_OFFSET);
        assertThat(shared).as("a JVM with the futex offers the word").isNotNull();
    }

    @AfterEach
    void closeNotifiers()
    {
        opened.forEach(Notifier::close);
    }

    private Notifier consumer(final int index, final NotifierKind kind)
    {
        final Notifier notifier =
            Notifiers.open(header, areaOf(index), dir.resolve("ch" + index), true, kind);
        opened.add(notifier);
        return notifier;
    }

    private Notifier producer(final int index)
    {
        final Notifier notifier =
            Notifiers.open(header, areaOf(index), dir.resolve("ch" + index), false, NotifierKind.AUTO, shared);
        opened.add(notifier);
        return notifier;
    }

    private static int areaOf(final int index)
    {
        return FIRST_AREA_OFFSET + index * NotifierDescriptor.AREA_LENGTH;
    }

    private int waiterWord(final int index)
    {
        return header.getIntVolatile(areaOf(index) + NotifierDescriptor.WAITER_OFFSET);
    }

    @Test
    void shouldOfferAndJoinTheWordAndPublishTheConsumersBit()
    {
        final Notifier consumer = consumer(0, NotifierKind.FUTEX);

        assertThat(header.getInt(SEQUENCE_OFFSET + SharedWake.OFFERED_DELTA)).isEqualTo(SharedWake.OFFERED);
        assertThat(SharedWake.join(header, SEQUENCE_OFFSET)).isNotNull();
        assertThat(consumer.sleepOn(SharedWake.join(header, SEQUENCE_OFFSET), SharedWake.bitOf(37))).isTrue();
        assertThat(header.getInt(areaOf(0) + NotifierDescriptor.SHARED_WAKE_BIT_OFFSET)).isEqualTo(1 << 5);
    }

    @Test
    void shouldHandOutAllThirtyTwoBitsRoundRobinBeforeAnyRepeats()
    {
        final SharedWake first = SharedWake.join(header, SEQUENCE_OFFSET);
        final SharedWake second = SharedWake.join(header, SEQUENCE_OFFSET);
        int seen = 0;
        for (int i = 0; i < 32; i++)
        {
            final int bit = (i % 2 == 0 ? first : second).nextBit();
            assertThat(Integer.bitCount(bit)).isEqualTo(1);
            assertThat(seen & bit).as("bit %d handed out twice among the first 32", Integer.numberOfTrailingZeros(bit))
                .isZero();
            seen |= bit;
        }

        assertThat(seen).isEqualTo(-1);
        assertThat(first.nextBit()).as("the 33rd client shares the first bit").isEqualTo(1);
    }

    @Test
    void shouldNotJoinAWordTheServerDidNotOffer()
    {
        final UnsafeBuffer other = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));

        assertThat(SharedWake.join(other, SEQUENCE_OFFSET)).isNull();
    }

    @Test
    void shouldKeepTheSocketConsumerOnItsOwnWakeUp() throws InterruptedException
    {
        final Notifier consumer = consumer(0, NotifierKind.UNIX_SOCKET);
        final Notifier producer = producer(0);

        assertThat(consumer.sleepOn(SharedWake.join(header, SEQUENCE_OFFSET), SharedWake.bitOf(1))).isFalse();
        assertThat(header.getInt(areaOf(0) + NotifierDescriptor.SHARED_WAKE_BIT_OFFSET)).isZero();

        final AtomicBoolean result = new AtomicBoolean();
        final Thread sleeper = new Thread(() -> result.set(consumer.await(() -> false, LONG_TIMEOUT_NS)));
        sleeper.start();
        awaitSleeps(consumer, 1);
        assertThat(producer.signalCollecting()).as("a socket consumer is woken at once, not collected").isZero();
        sleeper.join();

        assertThat(result.get()).as("woken by the socket, not the 20 s timeout").isTrue();
    }

    @Test
    @Timeout(30)
    void shouldNotBlockWhenTheAnswerCameBetweenTheSequenceReadAndTheWait()
    {
        // The race the stress test can only hope to hit, made deterministic: the consumer has announced its sleep,
        // read the sequence and seen its waiter word still set; the producer clears it and wakes before the consumer
        // is queued in the kernel. The bump makes the consumer's wait return at once (EAGAIN) instead of sleeping
        // to its deadline with a wake-up that already went by.
        final Notifier consumer = consumer(0, NotifierKind.FUTEX);
        final SharedWake joined = SharedWake.join(header, SEQUENCE_OFFSET);
        consumer.sleepOn(joined, SharedWake.bitOf(9));
        final Notifier producer = producer(0);
        header.putIntVolatile(areaOf(0) + NotifierDescriptor.WAITER_OFFSET, NotifierDescriptor.SLEEPING);
        final int sequence = joined.sequence();
        assertThat(waiterWord(0)).isEqualTo(NotifierDescriptor.SLEEPING);

        final int mask = producer.signalCollecting();
        shared.wake(mask);
        final long startNs = System.nanoTime();
        final boolean waited = joined.await(sequence, startNs + TimeUnit.SECONDS.toNanos(10), mask);
        final long elapsedNs = System.nanoTime() - startNs;

        assertThat(mask).isEqualTo(1 << 9);
        assertThat(waited).isTrue();
        assertThat(elapsedNs).as("returned at once, not at the 10 s deadline").isLessThan(TimeUnit.SECONDS.toNanos(5));
        assertThat(waiterWord(0)).isEqualTo(NotifierDescriptor.AWAKE);
    }

    @Test
    @Timeout(30)
    void shouldEndASleepOnTheSharedWordByItsTimeoutWhenNobodyWakesIt()
    {
        // FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline: a relative one would sleep for decades.
        final Notifier consumer = consumer(0, NotifierKind.FUTEX);
        consumer.sleepOn(SharedWake.join(header, SEQUENCE_OFFSET), SharedWake.bitOf(7));
        final long timeoutNs = TimeUnit.MILLISECONDS.toNanos(50);

        final long startNs = System.nanoTime();
        final boolean signalled = consumer.await(() -> false, timeoutNs);
        final long elapsedNs = System.nanoTime() - startNs;

        assertThat(signalled).isFalse();
        assertThat(elapsedNs).isGreaterThanOrEqualTo(timeoutNs).isLessThan(TimeUnit.SECONDS.toNanos(10));
        assertThat(consumer.timeouts()).isEqualTo(1);
        assertThat(waiterWord(0)).isEqualTo(NotifierDescriptor.AWAKE);
        assertThat(header.getInt(areaOf(0) + NotifierDescriptor.SHARED_WAKE_BIT_OFFSET))
            .as("still on the shared word: the wait did not fail").isEqualTo(1 << 7);
    }

    @Test
    @Timeout(60)
    void shouldWakeOnlyTheAnsweredConsumerAndPutACollidingOneBackToSleep() throws InterruptedException
    {
        // Sessions 3 and 35 share bit 3; session 4 has its own.
        final Notifier answered = consumer(0, NotifierKind.FUTEX);
        final Notifier colliding = consumer(1, NotifierKind.FUTEX);
        final Notifier other = consumer(2, NotifierKind.FUTEX);
        answered.sleepOn(SharedWake.join(header, SEQUENCE_OFFSET), SharedWake.bitOf(3));
        colliding.sleepOn(SharedWake.join(header, SEQUENCE_OFFSET), SharedWake.bitOf(35));
        other.sleepOn(SharedWake.join(header, SEQUENCE_OFFSET), SharedWake.bitOf(4));
        final Notifier producer = producer(0);
        final AtomicIntegerArray results = new AtomicIntegerArray(3);
        final List<Thread> sleepers = new ArrayList<>();
        final Notifier[] consumers = {answered, colliding, other};
        for (int i = 0; i < consumers.length; i++)
        {
            final int index = i;
            final Thread thread = new Thread(() ->
                results.set(index, consumers[index].await(() -> false, LONG_TIMEOUT_NS) ? 1 : 2));
            thread.start();
            sleepers.add(thread);
        }
        awaitSleeps(answered, 1);
        awaitSleeps(colliding, 1);
        awaitSleeps(other, 1);

        final int mask = producer.signalCollecting();
        assertThat(mask).isEqualTo(1 << 3);
        shared.wake(mask);
        sleepers.get(0).join();
        // The colliding consumer was woken too (same bit), found its waiter word still set and went back to sleep.
        sleepers.get(1).join(200);
        sleepers.get(2).join(200);

        assertThat(results.get(0)).as("the answered consumer returns signalled").isEqualTo(1);
        assertThat(sleepers.get(1).isAlive()).as("the colliding consumer sleeps on").isTrue();
        assertThat(sleepers.get(2).isAlive()).as("the consumer of another bit was never woken").isTrue();
        assertThat(waiterWord(0)).isEqualTo(NotifierDescriptor.AWAKE);
        assertThat(waiterWord(1)).isEqualTo(NotifierDescriptor.SLEEPING);

        // Now answer the two others in one pass: both return signalled, nobody by the 20 s timeout.
        final int rest = producer(1).signalCollecting() | producer(2).signalCollecting();
        assertThat(rest).isEqualTo((1 << 3) | (1 << 4));
        shared.wake(rest);
        sleepers.get(1).join();
        sleepers.get(2).join();

        assertThat(results.get(1)).isEqualTo(1);
        assertThat(results.get(2)).isEqualTo(1);
        assertThat(answered.timeouts() + colliding.timeouts() + other.timeouts()).isZero();
    }

    @Test
    @Timeout(120)
    void shouldLoseNoWakeUpWhenManyConsumersRaceTheirSleepWithBatchedAnswersAndShareBits() throws Exception
    {
        // Eight consumers on four bits (sessions i and i + 32 collide), each a closed loop of requests; one producer
        // thread answers in passes like the server's duty cycle: write every requested answer, collect the bits, one
        // wake for the pass; now and then a single answer is woken at once (a push from another thread).
        final int consumers = 8;
        final int rounds = Integer.getInteger("ipc.test.sharedWake.rounds", 40_000);
        final SharedWake joined = SharedWake.join(header, SEQUENCE_OFFSET);
        final Notifier[] sleepers = new Notifier[consumers];
        final Notifier[] producers = new Notifier[consumers];
        final OneToOneRingBuffer[] rings = new OneToOneRingBuffer[consumers];
        final AtomicIntegerArray requested = new AtomicIntegerArray(consumers);
        final AtomicLong lostWakeUps = new AtomicLong();
        final AtomicLong received = new AtomicLong();
        final AtomicBoolean wrongAnswer = new AtomicBoolean();
        for (int i = 0; i < consumers; i++)
        {
            sleepers[i] = consumer(i, NotifierKind.FUTEX);
            final int session = (i / 2) + (i % 2) * 32;
            assertThat(sleepers[i].sleepOn(SharedWake.join(header, SEQUENCE_OFFSET), SharedWake.bitOf(session)))
                .isTrue();
            producers[i] = producer(i);
            rings[i] = new OneToOneRingBuffer(
                new UnsafeBuffer(ByteBuffer.allocateDirect(4096 + RingBufferDescriptor.TRAILER_LENGTH)));
        }
        assertThat(joined).isNotNull();

        final List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < consumers; i++)
        {
            final int index = i;
            final Thread thread = new Thread(() ->
            {
                final OneToOneRingBuffer ring = rings[index];
                final Notifier notifier = sleepers[index];
                final long[] answer = new long[1];
                for (int round = 0; round < rounds; round++)
                {
                    answer[0] = -1;
                    requested.set(index, round + 1);
                    while (ring.read((type, buffer, offset, length) -> answer[0] = buffer.getLong(offset)) == 0)
                    {
                        final long timeoutsBefore = notifier.timeouts();
                        notifier.await(() -> ring.size() > 0, TimeUnit.SECONDS.toNanos(1));
                        // The producer answers every request at once: a timeout that finds the answer is lost.
                        if (notifier.timeouts() != timeoutsBefore && ring.size() > 0)
                        {
                            lostWakeUps.incrementAndGet();
                        }
                    }
                    if (answer[0] != round + 1)
                    {
                        wrongAnswer.set(true);
                    }
                    received.incrementAndGet();
                }
            }, "consumer-" + i);
            thread.start();
            threads.add(thread);
        }

        final UnsafeBuffer message = new UnsafeBuffer(new byte[8]);
        final SplittableRandom random = new SplittableRandom(42);
        final long total = (long)consumers * rounds;
        while (received.get() < total)
        {
            int mask = 0;
            for (int i = 0; i < consumers; i++)
            {
                final int request = requested.getAndSet(i, 0);
                if (request != 0)
                {
                    message.putLong(0, request);
                    assertThat(rings[i].write(1, message, 0, 8)).isTrue();
                    if (random.nextInt(16) == 0)
                    {
                        producers[i].signal();
                    }
                    else
                    {
                        mask |= producers[i].signalCollecting();
                    }
                }
            }
            if (mask != 0)
            {
                shared.wake(mask);
            }
            if (random.nextInt(64) == 0)
            {
                // Let the consumers fall asleep now and then, so every phase of the sleep meets an answer.
                Thread.sleep(0, random.nextInt(50_000));
            }
            else if (random.nextInt(4) == 0)
            {
                Thread.onSpinWait();
            }
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }

        long sleeps = 0;
        long wakeups = 0;
        for (int i = 0; i < consumers; i++)
        {
            sleeps += sleepers[i].sleeps();
            wakeups += sleepers[i].wakeups();
        }
        System.out.printf("shared wake: %d rounds x %d consumers, %d sleeps, %d wake-ups, sequence %d%n",
            rounds, consumers, sleeps, wakeups, header.getIntVolatile(SEQUENCE_OFFSET));
        assertThat(received.get()).isEqualTo(total);
        assertThat(wrongAnswer.get()).isFalse();
        assertThat(lostWakeUps.get()).as("timeouts that found the answer waiting").isZero();
        assertThat(sleeps).as("the consumers slept, so the shared wake path ran").isPositive();
        assertThat(wakeups).isPositive();
        assertThat(header.getIntVolatile(SEQUENCE_OFFSET)).as("passes bumped the sequence").isNotZero();
    }

    private static void awaitSleeps(final Notifier notifier, final long sleeps) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + LONG_TIMEOUT_NS;
        while (notifier.sleeps() < sleeps && System.nanoTime() < deadlineNs)
        {
            Thread.sleep(1);
        }
        assertThat(notifier.sleeps()).isGreaterThanOrEqualTo(sleeps);
        // The sleep counter moves just before the futex wait: give the thread time to be queued in the kernel.
        Thread.sleep(50);
    }
}
