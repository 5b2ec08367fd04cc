package io.ipcgateway.shm;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.core.PeerDeadException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A server killed with SIGKILL while a request with a timeout shorter than the liveness timeout is in flight (issue
 * 17, bug 5): when the request times out, the client checks the server's pid and start time before it reports, so
 * the request fails with {@code PEER_DEAD}, at its own timeout, not {@code TIMED_OUT}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InFlightServerDeathIT
{
    private static final long LIVENESS_NS = TimeUnit.SECONDS.toNanos(3);
    private static final long REQUEST_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);
    /** Slack on top of the request's timeout for the outcome to arrive (a bound, not a speed measurement). */
    private static final long SLACK_NS = TimeUnit.SECONDS.toNanos(1);

    @TempDir
    Path dir;

    @Test
    void shouldFailBlockingRequestWithPeerDeadWhenServerIsKilledWhileItIsInFlight() throws Exception
    {
        final Process server = startServer("sync");
        try
        {
            final BadCallProcesses.Lines lines = new BadCallProcesses.Lines(server);
            assertThat(lines.await("READY", 60_000)).as(lines.log()).isNotNull();
            try (ShmClient client = ShmClient.connect(new ClientContext().serviceName("sync").baseDirectory(dir)
                .idleMode(IdleMode.BLOCK).livenessTimeoutNs(LIVENESS_NS)))
            {
                final UnsafeBuffer request = new UnsafeBuffer(new byte[8]);
                final long[] result = {Long.MIN_VALUE};
                final long[] elapsedNs = new long[1];
                final Thread requester = new Thread(() ->
                {
                    final long startNs = System.nanoTime();
                    result[0] = client.request(BadCallProcesses.SILENT, request, 0, 8, (t, b, o, l) -> { },
                        REQUEST_TIMEOUT_NS);
                    elapsedNs[0] = System.nanoTime() - startNs;
                });
                requester.start();
                // In flight: the server has read it (and will never answer).
                assertThat(lines.await("GOT " + BadCallProcesses.SILENT, 30_000)).as(lines.log()).isNotNull();
                server.destroyForcibly();
                assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();

                requester.join(TimeUnit.NANOSECONDS.toMillis(REQUEST_TIMEOUT_NS + SLACK_NS) + 10_000);
                assertThat(OfferResult.describe(result[0])).isEqualTo("PEER_DEAD");
                assertThat(elapsedNs[0]).as("outcome within the request's timeout plus slack, before the liveness "
                    + "timeout").isLessThan(REQUEST_TIMEOUT_NS + SLACK_NS);
                assertThat(client.isConnected()).isFalse();
                assertThat(client.offer(BadCallProcesses.ECHO, request, 0, 8)).isEqualTo(OfferResult.PEER_DEAD);
            }
        }
        finally
        {
            TestProcesses.destroy(server);
        }
    }

    @Test
    void shouldFailAsyncRequestWithPeerDeadWhenServerIsKilledWhileItIsInFlight() throws Exception
    {
        final Process server = startServer("async");
        try
        {
            final BadCallProcesses.Lines lines = new BadCallProcesses.Lines(server);
            assertThat(lines.await("READY", 60_000)).as(lines.log()).isNotNull();
            try (ShmClient client = ShmClient.connect(new ClientContext().serviceName("async").baseDirectory(dir)
                .idleMode(IdleMode.BLOCK).livenessTimeoutNs(LIVENESS_NS).receiverThread(true)))
            {
                final long startNs = System.nanoTime();
                final CompletableFuture<ShmResponse> future = client.requestAsync(BadCallProcesses.SILENT,
                    new UnsafeBuffer(new byte[8]), 0, 8, REQUEST_TIMEOUT_NS);
                assertThat(lines.await("GOT " + BadCallProcesses.SILENT, 30_000)).as(lines.log()).isNotNull();
                server.destroyForcibly();
                assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();

                assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(PeerDeadException.class).hasMessageContaining("is gone");
                assertThat(System.nanoTime() - startNs).isLessThan(REQUEST_TIMEOUT_NS + SLACK_NS);
                assertThat(client.isConnected()).isFalse();
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
