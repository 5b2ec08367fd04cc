package io.ipcgateway.shm;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.ipcgateway.core.CounterKind;
import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.OfferResult;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hostile or broken client writes random frames straight into the service's inbox ring: the server validates
 * each one, reports and counts the bad ones, and keeps serving a well-behaved client.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileFramesTest
{
    private static final int FRAMES = 20_000;

    @TempDir
    Path dir;

    @Test
    void shouldSurviveRandomFramesAndKeepServingOtherClients()
    {
        final AtomicLong reported = new AtomicLong();
        final EchoHandler handler = new EchoHandler();
        try (ShmServer server = ShmServer.launch(new ServerContext().serviceName("fuzz").baseDirectory(dir)
            .idleMode(IdleMode.BLOCK).maxMessageLength(1 << 20).errorHandler(ex -> reported.incrementAndGet()),
            handler);
            ShmClient client = ShmClient.connect(new ClientContext().serviceName("fuzz").baseDirectory(dir)
                .idleMode(IdleMode.BLOCK).errorHandler(ex -> { })))
        {
            assertThat(server.sessionCount()).isEqualTo(1);
            final SplittableRandom random = new SplittableRandom(42);
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
            try (ChannelFile inboxFile = ChannelFile.open(
                ServiceDirectory.serverFile(dir.resolve("fuzz")), ChannelDescriptor.TYPE_SERVER))
            {
                final FrameRing inbox = FrameRing.of(inboxFile, true);
                for (int i = 0; i < FRAMES; i++)
                {
                    final int length = random.nextInt(frame.capacity());
                    for (int b = 0; b < length; b += 4)
                    {
                        // Mostly small numbers, so session ids, kinds, lengths and offsets are sometimes plausible.
                        frame.putInt(b, random.nextBoolean() ? random.nextInt(-4, 64) : random.nextInt());
                    }
                    int kind = 1 + random.nextInt(12);
                    if (random.nextInt(4) == 0)
                    {
                        // Frames in the well-behaved client's name, except a disconnect: session ids are not
                        // secrets (all clients share the inbox), so a spoofed disconnect would end that session.
                        frame.putInt(FrameDescriptor.SESSION_ID_OFFSET, client.sessionId());
                        kind = kind == FrameDescriptor.DISCONNECT_KIND ? FrameDescriptor.MESSAGE_KIND : kind;
                    }
                    while (!inbox.write(kind, frame, 0, length))
                    {
                        Thread.yield();
                    }
                }
            }

            final UnsafeBuffer request = new UnsafeBuffer(new byte[16]);
            final long[] echoed = new long[1];
            for (long i = 0; i < 100; i++)
            {
                request.putLong(0, i);
                long result;
                do
                {
                    result = client.request(1, request, 0, 16, (t, b, o, l) -> echoed[0] = b.getLong(o),
                        TimeUnit.SECONDS.toNanos(10));
                }
                while (result == OfferResult.BACK_PRESSURED);
                assertThat(OfferResult.describe(result)).isEqualTo("OK");
                assertThat(echoed[0]).isEqualTo(i);
            }
            assertThat(server.sessionCount()).isGreaterThanOrEqualTo(1);
            assertThat(server.counters().get(CounterKind.ERRORS)).isPositive();
            assertThat(reported.get()).isEqualTo(server.counters().get(CounterKind.ERRORS));
        }
    }
}
