package io.ipcgateway.examples.gateway;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.ipcgateway.shm.ClientContext;
import io.ipcgateway.shm.ClientSession;
import io.ipcgateway.shm.ServerContext;
import io.ipcgateway.shm.ServerHandler;
import io.ipcgateway.shm.ShmServer;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link GatewayClient#publish} allocates nothing per message, from a byte array or a buffer (the frame written in
 * place into the gateway's inbox): measured with the thread's allocated-bytes counter around many publishes after a
 * warm-up, against a shared-memory service that only counts the frames.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GatewayClientAllocationTest
{
    private static final int PUBLISHES = 50_000;
    /** Slack for one-off allocations outside our code (JIT bookkeeping); 50k leaking publishes would take MBs. */
    private static final long SLACK_BYTES = 16 * 1024;
    private static final int WARM_UP_ROUNDS = 5;

    @TempDir
    Path dir;

    @Test
    void shouldPublishWithoutAllocating()
    {
        final AtomicLong frames = new AtomicLong();
        final GatewayFrame frame = new GatewayFrame();
        final ServerHandler counter = new ServerHandler()
        {
            @Override
            public void onMessage(final ClientSession session, final int typeId, final DirectBuffer buffer,
                final int offset, final int length)
            {
                if (typeId == GatewayProtocol.PUBLISH && frame.wrap(buffer, offset, length))
                {
                    frames.incrementAndGet();
                }
            }
        };
        try (ShmServer server = ShmServer.launch(new ServerContext().serviceName("gw-alloc").baseDirectory(dir),
            counter);
            GatewayClient client = GatewayClient.connect(new ClientContext().serviceName("gw-alloc")
                .baseDirectory(dir)))
        {
            final byte[] small = new byte[64];
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
            // Warm-up long enough for the JIT to compile the publish path (escape analysis removes the per-thread
            // view's temporaries only in compiled code; a loaded machine compiles late).
            for (int round = 0; round < WARM_UP_ROUNDS; round++)
            {
                publish(client, small, buffer, PUBLISHES);
            }
            final long before = allocatedBytes();
            publish(client, small, buffer, PUBLISHES);
            final long allocated = allocatedBytes() - before;
            assertThat(allocated).as("bytes allocated by %d publishes", 2 * PUBLISHES).isLessThan(SLACK_BYTES);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (frames.get() < 2L * (WARM_UP_ROUNDS + 1) * PUBLISHES && System.nanoTime() - deadline < 0)
            {
                Thread.onSpinWait();
            }
            assertThat(frames.get()).isEqualTo(2L * (WARM_UP_ROUNDS + 1) * PUBLISHES);
            assertThat(server.sessionCount()).isEqualTo(1);
        }
    }

    private static void publish(final GatewayClient client, final byte[] small, final UnsafeBuffer buffer,
        final int count)
    {
        for (int i = 0; i < count; i++)
        {
            buffer.putInt(0, i);
            while (client.publish("orders.eu.created", small) == GatewayStatus.BACK_PRESSURED)
            {
                Thread.onSpinWait();
            }
            while (client.publish("orders.eu.created", null, buffer, 0, buffer.capacity()) ==
                GatewayStatus.BACK_PRESSURED)
            {
                Thread.onSpinWait();
            }
        }
    }

    private static long allocatedBytes()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        return threads.getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
