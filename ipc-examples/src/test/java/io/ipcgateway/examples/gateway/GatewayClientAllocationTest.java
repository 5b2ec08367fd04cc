package io.ipcgateway.examples.gateway;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.ipcgateway.core.OfferResult;
import io.ipcgateway.shm.ClientContext;
import io.ipcgateway.shm.ClientSession;
import io.ipcgateway.shm.ServerContext;
import io.ipcgateway.shm.ServerHandler;
import io.ipcgateway.shm.ShmConfiguration;
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
    private static final int REQUESTS = 20_000;
    /** Per heartbeat interval of the receiver thread (its duties stat the server file, about 300 bytes). */
    private static final long HEARTBEAT_SLACK_BYTES = 1024;

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

    /**
     * The listener variant of {@code requestAsync}: neither the sending thread nor the client's receiver thread
     * (which delivers the replies to the listener) allocates per request; the receiver's heartbeat duties may, per
     * elapsed interval (a stat of the server file).
     */
    @Test
    void shouldRequestAsyncWithAListenerWithoutAllocating() throws Exception
    {
        final ServerHandler replier = new ServerHandler()
        {
            @Override
            public void onRequest(final ClientSession session, final long correlationId, final int typeId,
                final DirectBuffer buffer, final int offset, final int length)
            {
                // The request frame (argument, subject, headers, payload) is a well-formed reply frame too.
                while (session.respond(correlationId, GatewayProtocol.REPLY, buffer, offset, length) ==
                    OfferResult.BACK_PRESSURED)
                {
                    Thread.onSpinWait();
                }
            }
        };
        final long[] outcomes = new long[2];
        final GatewayReplyListener listener = (context, status, buffer, offset, length) ->
        {
            if (status != GatewayStatus.OK || length != 16 || buffer.getLong(offset) != context)
            {
                outcomes[1]++;
            }
            outcomes[0]++;
        };
        try (ShmServer server = ShmServer.launch(new ServerContext().serviceName("gw-async").baseDirectory(dir),
            replier);
            GatewayClient client = GatewayClient.connect(new ClientContext().serviceName("gw-async")
                .baseDirectory(dir)))
        {
            assertThat(server.sessionCount()).isEqualTo(1);
            final Thread receiver = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("ipc-client-gw-async-" + client.shmClient().sessionId()))
                .findFirst().orElseThrow(() -> new AssertionError("no receiver thread named ipc-client-gw-async-"
                + client.shmClient().sessionId() + " in " + Thread.getAllStackTraces().keySet()));
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
            final Duration timeout = Duration.ofSeconds(10);
            for (int round = 0; round < WARM_UP_ROUNDS; round++)
            {
                requests(client, payload, timeout, listener, outcomes, round * REQUESTS, REQUESTS);
            }
            final long before = allocatedBytes(Thread.currentThread());
            final long receiverBefore = allocatedBytes(receiver);
            final long startNs = System.nanoTime();
            requests(client, payload, timeout, listener, outcomes, WARM_UP_ROUNDS * REQUESTS, REQUESTS);
            final long allocated = allocatedBytes(Thread.currentThread()) - before;
            final long receiverAllocated = allocatedBytes(receiver) - receiverBefore;
            final long heartbeats = (System.nanoTime() - startNs) / ShmConfiguration.HEARTBEAT_INTERVAL_DEFAULT_NS + 1;
            assertThat(outcomes[1]).as("outcomes other than the request's own payload").isZero();
            assertThat(allocated).as("bytes allocated by the sender for %d requests", REQUESTS)
                .isLessThan(SLACK_BYTES);
            assertThat(receiverAllocated).as("bytes allocated by the receiver for %d replies over %d heartbeat "
                + "intervals", REQUESTS, heartbeats).isLessThan(SLACK_BYTES + heartbeats * HEARTBEAT_SLACK_BYTES);
        }
    }

    private static void requests(final GatewayClient client, final UnsafeBuffer payload, final Duration timeout,
        final GatewayReplyListener listener, final long[] outcomes, final long first, final int count)
        throws InterruptedException
    {
        final long done = outcomes[0] + count;
        for (long i = first; i < first + count; i++)
        {
            payload.putLong(0, i);
            GatewayStatus status;
            while ((status = client.requestAsync("svc.echo", null, payload, 0, 16, timeout, listener, i)) ==
                GatewayStatus.BACK_PRESSURED)
            {
                Thread.yield();
            }
            if (status != GatewayStatus.OK)
            {
                throw new AssertionError("request " + i + ": " + status);
            }
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (outcomes[0] < done && System.nanoTime() - deadline < 0)
        {
            // outcomes is written by the receiver thread: a sleep is a crude but sufficient fence for a test count.
            Thread.sleep(1);
        }
        assertThat(outcomes[0]).isEqualTo(done);
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
        return allocatedBytes(Thread.currentThread());
    }

    @SuppressWarnings("deprecation")
    private static long allocatedBytes(final Thread thread)
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        return threads.getThreadAllocatedBytes(thread.getId());
    }
}
