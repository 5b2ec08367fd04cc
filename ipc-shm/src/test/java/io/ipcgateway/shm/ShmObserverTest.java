package io.ipcgateway.shm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.ipcgateway.core.CounterKind;
import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.OfferResult;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShmObserverTest
{
    @TempDir
    Path dir;

    @Test
    void shouldShowRequestersAsleepWhileTheyWaitAndNoneOnceAnswered() throws Exception
    {
        final ConcurrentLinkedQueue<Object[]> unanswered = new ConcurrentLinkedQueue<>();
        final ServerHandler holdRequests = new ServerHandler()
        {
            @Override
            public void onRequest(final ClientSession session, final long correlationId, final int typeId,
                final DirectBuffer buffer, final int offset, final int length)
            {
                unanswered.add(new Object[] {session, correlationId});
            }
        };
        final int threads = 3;
        try (ShmServer server = ShmServer.launch(
                new ServerContext().serviceName("waits").baseDirectory(dir).idleMode(IdleMode.BLOCK), holdRequests);
            ShmClient client = ShmClient.connect(new ClientContext().serviceName("waits").baseDirectory(dir)
                .idleMode(IdleMode.BLOCK).receiverThread(false).waitCores(0)))
        {
            assertThat(server.sessionCount()).isEqualTo(1);
            final AtomicLong answered = new AtomicLong();
            final List<Thread> requesters = new ArrayList<>();
            for (int i = 0; i < threads; i++)
            {
                final Thread requester = new Thread(() ->
                {
                    final UnsafeBuffer message = new UnsafeBuffer(new byte[8]);
                    if (client.request(1, message, 0, 8, (t, b, o, l) -> { }, TimeUnit.SECONDS.toNanos(30))
                        == OfferResult.OK)
                    {
                        answered.incrementAndGet();
                    }
                });
                requester.start();
                requesters.add(requester);
            }
            final ShmObserver observer = new ShmObserver(dir);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            List<ChannelSnapshot> snapshots = observer.snapshot();
            while ((unanswered.size() < threads || serverOf(snapshots).parkedRequesters() < threads)
                && System.nanoTime() < deadline)
            {
                Thread.sleep(5);
                snapshots = observer.snapshot();
            }

            // waitCores(0): no waiter spins, every one is asleep (the poller on the notifier, the others parked).
            assertThat(serverOf(snapshots).waitingRequesters()).isEqualTo(threads);
            assertThat(serverOf(snapshots).parkedRequesters()).isEqualTo(threads);
            final ChannelSnapshot clientChannel = snapshots.get(1);
            assertThat(clientChannel.fileType()).isEqualTo("client");
            assertThat(clientChannel.waitingRequesters()).as("the client's share").isEqualTo(threads);
            assertThat(clientChannel.parkedRequesters()).isEqualTo(threads);

            final UnsafeBuffer response = new UnsafeBuffer(new byte[8]);
            for (Object[] request = unanswered.poll(); request != null; request = unanswered.poll())
            {
                assertThat(((ClientSession)request[0]).respond((Long)request[1], 1, response, 0, 8))
                    .isEqualTo(OfferResult.OK);
            }
            for (final Thread requester : requesters)
            {
                requester.join(TimeUnit.SECONDS.toMillis(20));
            }
            assertThat(answered.get()).isEqualTo(threads);
            snapshots = observer.snapshot();
            assertThat(serverOf(snapshots).waitingRequesters()).isZero();
            assertThat(serverOf(snapshots).parkedRequesters()).isZero();
            assertThat(snapshots.get(1).waitingRequesters()).isZero();
            assertThat(snapshots.get(1).parkedRequesters()).isZero();
        }
    }

    @Test
    void shouldReadCountersOccupancyAndLivenessOfRunningChannels() throws Exception
    {
        try (ShmServer server = ShmServer.launch(
                new ServerContext().serviceName("observed").baseDirectory(dir).idleMode(IdleMode.BLOCK),
                new EchoHandler());
            ShmClient client = ShmClient.connect(
                new ClientContext().serviceName("observed").baseDirectory(dir).idleMode(IdleMode.BLOCK)))
        {
            assertThat(server.sessionCount()).isEqualTo(1);
            final UnsafeBuffer message = new UnsafeBuffer(new byte[100]);
            for (int i = 0; i < 1000; i++)
            {
                while (client.offer(1, message, 0, 100) == OfferResult.BACK_PRESSURED)
                {
                    Thread.onSpinWait();
                }
            }
            final long[] responses = new long[1];
            for (int i = 0; i < 10; i++)
            {
                assertThat(client.request(2, message, 0, 8, (t, b, o, l) -> responses[0]++,
                    TimeUnit.SECONDS.toNanos(5))).isEqualTo(OfferResult.OK);
            }

            final ShmObserver observer = new ShmObserver(dir);
            List<ChannelSnapshot> snapshots = observer.snapshot();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            // The client publishes what it sent every 64 messages and at its watchdog's pass (a quarter of the
            // liveness timeout, at most 1 s): 1010 is not a multiple of 64, so this also waits for that pass.
            while ((serverOf(snapshots).counter(CounterKind.MESSAGES_RECEIVED) < 1010 ||
                clientOf(snapshots).counter(CounterKind.MESSAGES_SENT) < 1010) && System.nanoTime() < deadline)
            {
                Thread.sleep(10);
                snapshots = observer.snapshot();
            }

            assertThat(observer.problems()).isEmpty();
            assertThat(snapshots).hasSize(2);
            final ChannelSnapshot serverChannel = serverOf(snapshots);
            final ChannelSnapshot clientChannel = clientOf(snapshots);
            assertThat(serverChannel.service()).isEqualTo("observed");
            assertThat(serverChannel.fileType()).isEqualTo("server");
            assertThat(serverChannel.ownerPid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(serverChannel.ownerAlive()).isTrue();
            assertThat(serverChannel.heartbeatAgeNs()).isLessThan(TimeUnit.SECONDS.toNanos(5));
            assertThat(serverChannel.counter(CounterKind.MESSAGES_RECEIVED)).isEqualTo(1010);
            assertThat(serverChannel.counter(CounterKind.BYTES_RECEIVED)).isEqualTo(1000 * 100 + 10 * 8);
            assertThat(serverChannel.ringCapacity()).isEqualTo(ShmConfiguration.SERVER_RING_CAPACITY_DEFAULT);
            assertThat(serverChannel.occupancyBytes()).isBetween(0L, (long)serverChannel.ringCapacity());

            assertThat(clientChannel.fileType()).isEqualTo("client");
            assertThat(clientChannel.channel()).startsWith("client-" + ProcessHandle.current().pid() + "-");
            assertThat(clientChannel.counter(CounterKind.MESSAGES_SENT)).isEqualTo(1010);
            assertThat(clientChannel.counter(CounterKind.MESSAGES_RECEIVED)).isEqualTo(10);
            assertThat(clientChannel.occupancyRatio()).isBetween(0.0, 1.0);
        }
    }

    @Test
    void shouldReportCorruptFilesInsteadOfFailing() throws Exception
    {
        final Path service = Files.createDirectories(dir.resolve("broken"));
        final byte[] garbage = new byte[ChannelDescriptor.HEADER_LENGTH + 4096];
        for (int i = 0; i < garbage.length; i++)
        {
            garbage[i] = (byte)(i * 31 + 7);
        }
        Files.write(service.resolve("server.ipc"), garbage);
        Files.write(service.resolve("client-1-1.ipc"), new byte[16]);

        final ShmObserver observer = new ShmObserver(dir);
        final List<ChannelSnapshot> snapshots = observer.snapshot();

        assertThat(snapshots).isEmpty();
        assertThat(observer.problems()).hasSize(1);
        assertThat(observer.problems().get(0)).contains("server.ipc").contains("magic");
    }

    @Test
    void shouldSeeNothingInAMissingOrEmptyBaseDirectory()
    {
        final ShmObserver missing = new ShmObserver(dir.resolve("nope"));
        assertThat(missing.snapshot()).isEmpty();
        assertThat(missing.problems()).isEmpty();
        assertThat(new ShmObserver(dir, "absent").snapshot()).isEmpty();
    }

    private static ChannelSnapshot serverOf(final List<ChannelSnapshot> snapshots)
    {
        return snapshots.stream().filter(ChannelSnapshot::isServer).findFirst().orElseThrow();
    }

    private static ChannelSnapshot clientOf(final List<ChannelSnapshot> snapshots)
    {
        return snapshots.stream().filter(snapshot -> !snapshot.isServer()).findFirst().orElseThrow();
    }
}
