package io.ipcgateway.shm;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.ipcgateway.core.CounterKind;
import io.ipcgateway.core.IdleMode;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test plays a broken server: it completes the handshake by hand, then writes random frames into the client's
 * inbox. The client validates each, reports and counts the bad ones, and still delivers the valid push after them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileServerFramesTest
{
    private static final int SESSION_ID = 7;

    @TempDir
    Path dir;

    @Test
    void shouldSurviveRandomFramesFromTheServerSide() throws Exception
    {
        final Path serviceDirectory = dir.resolve("fake");
        ServiceDirectory.ensureDirectory(serviceDirectory);
        try (ChannelFile serverFile = ChannelFile.create(ServiceDirectory.serverFile(serviceDirectory),
            ChannelDescriptor.TYPE_SERVER, 64 * 1024, RingBufferDescriptor.TRAILER_LENGTH, 1 << 20, IdleMode.SPIN))
        {
            final ManyToOneRingBuffer serverInbox = new ManyToOneRingBuffer(serverFile.ring());
            final AtomicLong reported = new AtomicLong();
            final AtomicLong pushes = new AtomicLong();
            final CompletableFuture<ShmClient> connecting = CompletableFuture.supplyAsync(() -> ShmClient.connect(
                new ClientContext().serviceName("fake").baseDirectory(dir).idleMode(IdleMode.SPIN)
                    .errorHandler(ex -> reported.incrementAndGet())
                    .pushHandler((typeId, buffer, offset, length) ->
                    {
                        if (typeId == 99 && length == 8 && buffer.getLong(offset) == 4242)
                        {
                            pushes.incrementAndGet();
                        }
                    })));

            final String[] clientFileName = new String[1];
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (clientFileName[0] == null && System.nanoTime() < deadline)
            {
                serverInbox.read((kind, buffer, index, length) ->
                {
                    if (kind == FrameDescriptor.CONNECT_KIND)
                    {
                        clientFileName[0] = buffer.getStringWithoutLengthAscii(
                            index + FrameDescriptor.CONNECT_NAME_OFFSET,
                            buffer.getInt(index + FrameDescriptor.CONNECT_NAME_LENGTH_OFFSET));
                    }
                });
                Thread.yield();
            }
            assertThat(clientFileName[0]).isNotNull();

            try (ChannelFile clientFile = ChannelFile.open(
                serviceDirectory.resolve(clientFileName[0]), ChannelDescriptor.TYPE_CLIENT))
            {
                final FrameRing clientInbox = FrameRing.of(clientFile, false);
                final UnsafeBuffer frame = new UnsafeBuffer(new byte[512]);
                frame.putInt(FrameDescriptor.CONNECTED_SESSION_ID_OFFSET, SESSION_ID);
                frame.putInt(FrameDescriptor.CONNECTED_PROTOCOL_OFFSET, FrameDescriptor.PROTOCOL_VERSION);
                frame.putLong(FrameDescriptor.CONNECTED_SERVER_PID_OFFSET, ProcessHandle.current().pid());
                frame.putInt(FrameDescriptor.CONNECTED_MAX_MESSAGE_LENGTH_OFFSET, 1 << 20);
                assertThat(clientInbox.write(FrameDescriptor.CONNECTED_KIND, frame, 0,
                    FrameDescriptor.CONNECTED_LENGTH)).isTrue();

                try (ShmClient client = connecting.get(20, TimeUnit.SECONDS))
                {
                    assertThat(client.sessionId()).isEqualTo(SESSION_ID);
                    final SplittableRandom random = new SplittableRandom(7);
                    for (int i = 0; i < 20_000; i++)
                    {
                        final int length = random.nextInt(frame.capacity());
                        for (int b = 0; b < length; b += 4)
                        {
                            frame.putInt(b, random.nextBoolean() ? random.nextInt(-4, 64) : random.nextInt());
                        }
                        if (random.nextBoolean())
                        {
                            frame.putInt(FrameDescriptor.SESSION_ID_OFFSET, SESSION_ID);
                        }
                        final int kind = 1 + random.nextInt(12);
                        while (!clientInbox.write(kind, frame, 0, length))
                        {
                            client.poll();
                        }
                    }
                    frame.putInt(FrameDescriptor.SESSION_ID_OFFSET, SESSION_ID);
                    frame.putInt(FrameDescriptor.TYPE_ID_OFFSET, 99);
                    frame.putLong(FrameDescriptor.PUSH_HEADER_LENGTH, 4242);
                    final int pushLength = FrameDescriptor.PUSH_HEADER_LENGTH + 8;
                    while (!clientInbox.write(FrameDescriptor.PUSH_KIND, frame, 0, pushLength))
                    {
                        client.poll();
                    }
                    while (pushes.get() == 0 && System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(20))
                    {
                        client.poll();
                    }
                    assertThat(pushes.get()).isEqualTo(1);
                    assertThat(client.counters().get(CounterKind.ERRORS)).isPositive();
                    assertThat(reported.get()).isEqualTo(client.counters().get(CounterKind.ERRORS));
                }
            }
        }
    }
}
