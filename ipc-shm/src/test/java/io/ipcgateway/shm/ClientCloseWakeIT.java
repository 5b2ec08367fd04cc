package io.ipcgateway.shm;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.shm.notify.SharedWake;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client closing while its receiver thread sleeps on the server's shared wake word ({@link SharedWake}, JDK 22+)
 * wakes that thread at once: its own close signal goes through the shared word, not its own waiter word, which the
 * sleeping thread does not wait on. Before, the close waited for the receiver's sleep to time out (up to the maximum
 * sleep, 1 s by default, per client: a harness closing 32 clients was killed before it finished).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClientCloseWakeIT
{
    private static final String SERVICE = "closewake";
    /** Far beyond the bound below, so a close that waits for the sleep's timeout fails the test. */
    private static final long MAX_SLEEP_NS = TimeUnit.SECONDS.toNanos(60);
    /** A bound, not a speed measurement: a woken receiver stops within milliseconds. */
    private static final long CLOSE_BOUND_NS = TimeUnit.SECONDS.toNanos(10);

    @TempDir
    Path dir;

    @Test
    void shouldWakeSleepingReceiverOnCloseWhenItSleepsOnTheSharedWord() throws Exception
    {
        try (ShmServer server = ShmServer.launch(new ServerContext().serviceName(SERVICE).baseDirectory(dir)
            .idleMode(IdleMode.BLOCK), new EchoHandler()))
        {
            for (int round = 0; round < 3; round++)
            {
                final ShmClient client = ShmClient.connect(new ClientContext().serviceName(SERVICE).baseDirectory(dir)
                    .idleMode(IdleMode.BLOCK).receiverThread(true).maxSleepNs(MAX_SLEEP_NS));
                final UnsafeBuffer request = new UnsafeBuffer(new byte[8]);
                request.putLong(0, round);
                final long[] echoed = {-1};
                assertThat(client.request(1, request, 0, 8, (t, b, o, l) -> echoed[0] = b.getLong(o),
                    TimeUnit.SECONDS.toNanos(30))).isEqualTo(OfferResult.OK);
                assertThat(echoed[0]).isEqualTo(round);
                if (Runtime.version().feature() >= 22)
                {
                    // The packaged jar on JDK 22+ calls the futex: the server offered the word, so the client joined.
                    assertThat(offered()).isEqualTo(SharedWake.OFFERED);
                }
                // Idle long enough for the receiver thread to spin out and fall asleep on the notifier.
                TimeUnit.MILLISECONDS.sleep(300);

                final long startNs = System.nanoTime();
                client.close();
                assertThat(System.nanoTime() - startNs).as("close of round %d", round).isLessThan(CLOSE_BOUND_NS);
                assertThat(client.isConnected()).isFalse();
                // The close told the server: the session is freed without waiting for the liveness timeout.
                final long freedByNs = System.nanoTime() + CLOSE_BOUND_NS;
                while (server.sessionCount() > 0 && System.nanoTime() - freedByNs < 0)
                {
                    TimeUnit.MILLISECONDS.sleep(5);
                }
                assertThat(server.sessionCount()).as("sessions after round %d", round).isZero();
            }
        }
    }

    private int offered()
    {
        final ChannelFile file = ChannelFile.open(ServiceDirectory.serverFile(dir.resolve(SERVICE)),
            ChannelDescriptor.TYPE_SERVER);
        try
        {
            return file.header().getIntVolatile(ChannelDescriptor.SERVER_WAKE_OFFERED_OFFSET);
        }
        finally
        {
            file.close();
        }
    }
}
