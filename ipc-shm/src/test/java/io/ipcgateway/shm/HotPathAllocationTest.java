package io.ipcgateway.shm;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.MessageClaim;
import io.ipcgateway.core.MessageHandler;
import io.ipcgateway.core.OfferResult;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hot path allocates nothing: measured with the thread's allocated-bytes counter around 100k operations after
 * a warm-up (the JMH {@code -prof gc} proof lives in ipc-bench).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HotPathAllocationTest
{
    private static final int OPERATIONS = 100_000;

    /** Slack for one-off allocations outside our code (e.g. JIT deoptimisation bookkeeping); 100k messages would
     *  allocate megabytes if anything per message leaked. */
    private static final long SLACK_BYTES = 16 * 1024;

    /**
     * Per heartbeat interval of a requesting thread: it runs the client's heartbeat duties, whose check of the server
     * file (a stat, about 300 bytes) is per elapsed interval, not per request, so a slow machine (100k requests in
     * 5-25 s under a load average of 25) allocates more in the same number of requests.
     */
    private static final long HEARTBEAT_SLACK_BYTES = 1024;

    @TempDir
    Path dir;

    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[32]);
    private final long[] sink = new long[3];
    private final MessageHandler onResponse = (typeId, buffer, offset, length) -> sink[0] += buffer.getLong(offset);
    private final ResponseListener asyncListener = (context, result, typeId, buffer, offset, length) ->
    {
        if (result != OfferResult.OK || buffer.getLong(offset) != context)
        {
            sink[2]++;
        }
        sink[1]++;
    };

    @ParameterizedTest
    @EnumSource(value = IdleMode.class, names = {"SPIN", "BLOCK"})
    void shouldNotAllocateWhenOfferingOrClaiming(final IdleMode mode)
    {
        try (ShmServer server = ShmServer.launch(context(mode), new EchoHandler());
            ShmClient client = ShmClient.connect(clientContext(mode)))
        {
            assertThat(server.sessionCount()).isEqualTo(1);
            final MessageClaim claim = new MessageClaim();
            offers(client, claim, OPERATIONS);
            final long before = allocatedBytes();
            offers(client, claim, OPERATIONS);
            final long allocated = allocatedBytes() - before;
            assertThat(allocated).as("bytes allocated by %d offers and claims", 2 * OPERATIONS)
                .isLessThan(SLACK_BYTES);
        }
    }

    @ParameterizedTest
    @EnumSource(value = IdleMode.class, names = {"SPIN", "BLOCK"})
    void shouldNotAllocateWhenRequesting(final IdleMode mode)
    {
        try (ShmServer server = ShmServer.launch(context(mode), new EchoHandler());
            ShmClient client = ShmClient.connect(clientContext(mode)))
        {
            assertThat(server.sessionCount()).isEqualTo(1);
            requests(client, OPERATIONS / 4);
            final long before = allocatedBytes();
            final long startNs = System.nanoTime();
            requests(client, OPERATIONS);
            final long allocated = allocatedBytes() - before;
            final long heartbeats = (System.nanoTime() - startNs) / ShmConfiguration.HEARTBEAT_INTERVAL_DEFAULT_NS + 1;
            assertThat(allocated).as("bytes allocated by %d requests over %d heartbeat intervals", OPERATIONS,
                heartbeats).isLessThan(SLACK_BYTES + heartbeats * HEARTBEAT_SLACK_BYTES);
        }
    }

    /**
     * The listener variant of the async request, sent and delivered on this one thread (no receiver thread: this
     * thread polls), so the counter sees the send, the delivery and the listener.
     */
    @ParameterizedTest
    @EnumSource(value = IdleMode.class, names = {"SPIN", "BLOCK"})
    void shouldNotAllocateWhenRequestingAsyncWithAListener(final IdleMode mode)
    {
        try (ShmServer server = ShmServer.launch(context(mode), new EchoHandler());
            ShmClient client = ShmClient.connect(clientContext(mode)))
        {
            assertThat(server.sessionCount()).isEqualTo(1);
            client.agent(); // this thread polls for the client (as an application's AgentInvoker would)
            asyncRequests(client, OPERATIONS / 4);
            final long before = allocatedBytes();
            final long startNs = System.nanoTime();
            asyncRequests(client, OPERATIONS);
            final long allocated = allocatedBytes() - before;
            final long heartbeats = (System.nanoTime() - startNs) / ShmConfiguration.HEARTBEAT_INTERVAL_DEFAULT_NS + 1;
            assertThat(allocated).as("bytes allocated by %d async requests over %d heartbeat intervals", OPERATIONS,
                heartbeats).isLessThan(SLACK_BYTES + heartbeats * HEARTBEAT_SLACK_BYTES);
            assertThat(sink[1]).as("outcomes delivered").isEqualTo(OPERATIONS / 4 + OPERATIONS);
            assertThat(sink[2]).as("outcomes other than the request's own echo").isZero();
        }
    }

    @Test
    void shouldMeasureAllocationsOnThisThread()
    {
        final long before = allocatedBytes();
        sink[0] += new byte[64 * 1024].length;
        assertThat(allocatedBytes() - before).isGreaterThanOrEqualTo(64 * 1024);
    }

    private void offers(final ShmClient client, final MessageClaim claim, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            payload.putLong(0, i);
            while (client.offer(1, payload, 0, 32) == OfferResult.BACK_PRESSURED)
            {
                Thread.onSpinWait();
            }
            while (client.tryClaim(1, 32, claim) == OfferResult.BACK_PRESSURED)
            {
                Thread.onSpinWait();
            }
            claim.buffer().putLong(claim.offset(), i);
            claim.commit();
        }
    }

    private void requests(final ShmClient client, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            payload.putLong(0, i);
            final long result = client.request(2, payload, 0, 32, onResponse, TimeUnit.SECONDS.toNanos(10));
            if (result != OfferResult.OK)
            {
                throw new AssertionError("request " + i + ": " + OfferResult.describe(result));
            }
        }
    }

    /** Up to 16 requests in flight at once, each answered to {@link #asyncListener}; this thread polls. */
    private void asyncRequests(final ShmClient client, final int count)
    {
        final long target = sink[1] + count;
        int sent = 0;
        while (sink[1] < target)
        {
            if (sent < count && sent - (sink[1] - (target - count)) < 16)
            {
                payload.putLong(0, sent);
                final long result =
                    client.requestAsync(2, payload, 0, 32, TimeUnit.SECONDS.toNanos(10), asyncListener, sent);
                if (result == OfferResult.OK)
                {
                    sent++;
                }
                else if (result != OfferResult.BACK_PRESSURED)
                {
                    throw new AssertionError("request " + sent + ": " + OfferResult.describe(result));
                }
            }
            client.poll();
        }
    }

    private ServerContext context(final IdleMode mode)
    {
        return new ServerContext().serviceName("alloc").baseDirectory(dir).idleMode(mode);
    }

    private ClientContext clientContext(final IdleMode mode)
    {
        return new ClientContext().serviceName("alloc").baseDirectory(dir).idleMode(mode);
    }

    private static long allocatedBytes()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        return threads.getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
