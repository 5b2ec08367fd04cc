package io.ipcgateway.shm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.CounterKind;
import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.OfferResult;
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
