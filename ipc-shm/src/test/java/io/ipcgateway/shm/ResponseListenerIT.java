package io.ipcgateway.shm;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.OfferResult;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The allocation-free async request against a server in another process: every response reaches its listener exactly
 * once, and a server killed with SIGKILL while requests are pending fails each of them exactly once with
 * {@code PEER_DEAD}, at their timeout (the client checks the server's pid then), not {@code TIMED_OUT}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ResponseListenerIT
{
    private static final long LIVENESS_NS = TimeUnit.SECONDS.toNanos(20);
    private static final long REQUEST_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(4);
    /** Slack on top of the request's timeout for the outcome to arrive (a bound, not a speed measurement). */
    private static final long SLACK_NS = TimeUnit.SECONDS.toNanos(6);
    private static final int PENDING = 32;

    @TempDir
    Path dir;

    @Test
    void shouldDeliverEveryResponseOnceAcrossProcesses() throws Exception
    {
        final Process server = startServer("echo");
        try
        {
            final BadCallProcesses.Lines lines = new BadCallProcesses.Lines(server);
            assertThat(lines.await("READY", 60_000)).as(lines.log()).isNotNull();
            final int requests = 5_000;
            final AtomicIntegerArray calls = new AtomicIntegerArray(requests);
            final AtomicInteger wrong = new AtomicInteger();
            final AtomicInteger done = new AtomicInteger();
            try (ShmClient client = ShmClient.connect(new ClientContext().serviceName("echo").baseDirectory(dir)
                .idleMode(IdleMode.BLOCK).receiverThread(true).maxInFlight(64)))
            {
                final ResponseListener listener = (context, result, typeId, buffer, offset, length) ->
                {
                    calls.incrementAndGet((int)context);
                    if (result != OfferResult.OK || length != 8 || buffer.getLong(offset) != context)
                    {
                        wrong.incrementAndGet();
                    }
                    done.incrementAndGet();
                };
                final UnsafeBuffer request = new UnsafeBuffer(new byte[8]);
                for (int i = 0; i < requests; i++)
                {
                    request.putLong(0, i);
                    long sent;
                    while ((sent = client.requestAsync(BadCallProcesses.ECHO, request, 0, 8,
                        TimeUnit.SECONDS.toNanos(30), listener, i)) == OfferResult.BACK_PRESSURED)
                    {
                        Thread.yield();
                    }
                    assertThat(OfferResult.describe(sent)).isEqualTo("OK");
                }
                final long deadline = System.currentTimeMillis() + 60_000;
                while (done.get() < requests && System.currentTimeMillis() < deadline)
                {
                    Thread.sleep(1);
                }
                assertThat(done.get()).isEqualTo(requests);
                assertThat(wrong.get()).isZero();
                for (int i = 0; i < requests; i++)
                {
                    assertThat(calls.get(i)).as("calls for request %d", i).isEqualTo(1);
                }
            }
        }
        finally
        {
            TestProcesses.destroy(server);
        }
    }

    @Test
    void shouldFailEveryPendingRequestOnceWithPeerDeadWhenTheServerIsKilled() throws Exception
    {
        final Process server = startServer("killed");
        try
        {
            final BadCallProcesses.Lines lines = new BadCallProcesses.Lines(server);
            assertThat(lines.await("READY", 60_000)).as(lines.log()).isNotNull();
            final AtomicIntegerArray calls = new AtomicIntegerArray(PENDING);
            final List<Long> outcomes = new CopyOnWriteArrayList<>();
            try (ShmClient client = ShmClient.connect(new ClientContext().serviceName("killed").baseDirectory(dir)
                .idleMode(IdleMode.BLOCK).livenessTimeoutNs(LIVENESS_NS).receiverThread(true)))
            {
                final long startNs = System.nanoTime();
                for (int i = 0; i < PENDING; i++)
                {
                    assertThat(client.requestAsync(BadCallProcesses.SILENT, new UnsafeBuffer(new byte[8]), 0, 8,
                        REQUEST_TIMEOUT_NS, (context, result, typeId, buffer, offset, length) ->
                        {
                            calls.incrementAndGet((int)context);
                            outcomes.add(result);
                        }, i)).isEqualTo(OfferResult.OK);
                }
                for (int i = 0; i < PENDING; i++)
                {
                    assertThat(lines.await("GOT " + BadCallProcesses.SILENT, 30_000)).as(lines.log()).isNotNull();
                }
                server.destroyForcibly();
                assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();

                final long deadline = System.currentTimeMillis() + 30_000;
                while (outcomes.size() < PENDING && System.currentTimeMillis() < deadline)
                {
                    Thread.sleep(1);
                }
                final long elapsedNs = System.nanoTime() - startNs;
                Thread.sleep(200);
                assertThat(outcomes).hasSize(PENDING).containsOnly(OfferResult.PEER_DEAD);
                for (int i = 0; i < PENDING; i++)
                {
                    assertThat(calls.get(i)).as("calls for request %d", i).isEqualTo(1);
                }
                assertThat(elapsedNs).as("outcomes within the requests' timeout plus slack, before the liveness "
                    + "timeout").isLessThan(REQUEST_TIMEOUT_NS + SLACK_NS);
                assertThat(client.isConnected()).isFalse();
                assertThat(client.requestAsync(BadCallProcesses.ECHO, new UnsafeBuffer(new byte[8]), 0, 8,
                    REQUEST_TIMEOUT_NS, (context, result, typeId, buffer, offset, length) -> outcomes.add(result), 99))
                    .as("nothing sent to a dead server").isEqualTo(OfferResult.PEER_DEAD);
                assertThat(outcomes).hasSize(PENDING);
            }
        }
        finally
        {
            TestProcesses.destroy(server);
        }
    }

    private Process startServer(final String service) throws Exception
    {
        return TestProcesses.start(BadCallProcesses.StrictServerMain.class, List.of(), dir.toString(), service);
    }
}
