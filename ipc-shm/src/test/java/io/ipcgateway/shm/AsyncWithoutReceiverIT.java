package io.ipcgateway.shm;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.RequestTimeoutException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code requestAsync} on a client without a receiver thread, with no thread polling it (issue 17, bug 4): the client
 * watchdog completes the future at its timeout, with a message that says why no response came, instead of leaving
 * a future that can never complete.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AsyncWithoutReceiverIT
{
    private static final long TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(300);
    /** Slack on top of the timeout for the outcome to arrive (a bound, not a speed measurement). */
    private static final long SLACK_NS = TimeUnit.SECONDS.toNanos(2);

    @TempDir
    Path dir;

    @Test
    void shouldTimeOutAsyncRequestWhenNoThreadPollsTheClient() throws Exception
    {
        final Process server = TestProcesses.start(BadCallProcesses.StrictServerMain.class, List.of(),
            dir.toString(), "quiet");
        try
        {
            final BadCallProcesses.Lines lines = new BadCallProcesses.Lines(server);
            assertThat(lines.await("READY", 60_000)).as(lines.log()).isNotNull();
            try (ShmClient client = ShmClient.connect(new ClientContext().serviceName("quiet").baseDirectory(dir)
                .idleMode(IdleMode.BLOCK)))
            {
                // Never answered, and nobody polls: the watchdog times the future out, saying why.
                final long startNs = System.nanoTime();
                final CompletableFuture<ShmResponse> silent = client.requestAsync(BadCallProcesses.SILENT,
                    new UnsafeBuffer(new byte[8]), 0, 8, TIMEOUT_NS);
                assertThat(lines.await("GOT " + BadCallProcesses.SILENT, 30_000)).as(lines.log()).isNotNull();
                assertThatThrownBy(() -> silent.get(TIMEOUT_NS + SLACK_NS, TimeUnit.NANOSECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(RequestTimeoutException.class)
                    .hasMessageContaining("no thread polls this client");
                assertThat(System.nanoTime() - startNs).isGreaterThanOrEqualTo(TIMEOUT_NS);
                assertThat(client.inFlightRequests()).isZero();

                // Answered, but the response sits unread unless the one poll requestAsync makes found it: either
                // way the future completes, with the response or with the timeout.
                final CompletableFuture<ShmResponse> echo = client.requestAsync(BadCallProcesses.ECHO,
                    new UnsafeBuffer(new byte[8]), 0, 8, TIMEOUT_NS);
                try
                {
                    assertThat(echo.get(TIMEOUT_NS + SLACK_NS, TimeUnit.NANOSECONDS).typeId())
                        .isEqualTo(BadCallProcesses.ECHO);
                }
                catch (final ExecutionException ex)
                {
                    assertThat(ex.getCause()).isInstanceOf(RequestTimeoutException.class);
                }
                assertThat(client.inFlightRequests()).isZero();
                assertThat(client.isConnected()).isTrue();
            }
        }
        finally
        {
            server.getOutputStream().close();
            TestProcesses.destroy(server);
        }
    }
}
