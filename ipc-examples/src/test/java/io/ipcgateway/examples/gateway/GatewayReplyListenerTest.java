package io.ipcgateway.examples.gateway;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

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
 * The outcomes a {@link GatewayReplyListener} gets, each exactly once: the gateway's error status with its message,
 * {@link GatewayStatus#LOCAL_TIMEOUT} when nothing answers, {@link GatewayStatus#GATEWAY_UNAVAILABLE} for a request
 * pending when the client closes; against a shared-memory service playing the gateway by subject.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GatewayReplyListenerTest
{
    @TempDir
    Path dir;

    private final List<String> outcomes = new CopyOnWriteArrayList<>();
    private final GatewayReplyListener listener = (context, status, buffer, offset, length) ->
        outcomes.add(context + " " + status + " " + buffer.getStringWithoutLengthUtf8(offset, length));

    @Test
    void shouldHandTheGatewaysErrorStatusAndMessageToTheListener() throws Exception
    {
        try (ShmServer server = ShmServer.launch(serverContext(), new PlayedGateway());
            GatewayClient client = GatewayClient.connect(clientContext()))
        {
            assertThat(server.sessionCount()).isEqualTo(1);
            assertThat(send(client, "svc.fail", 1, Duration.ofSeconds(5))).isEqualTo(GatewayStatus.OK);
            assertThat(send(client, "svc.echo", 2, Duration.ofSeconds(5))).isEqualTo(GatewayStatus.OK);
            awaitOutcomes(2);
            assertThat(outcomes).containsExactlyInAnyOrder("1 BREAKER_OPEN breaker open", "2 OK hello");
        }
    }

    @Test
    void shouldReportLocalTimeoutOnceWhenNothingAnswers() throws Exception
    {
        try (ShmServer server = ShmServer.launch(serverContext(), new PlayedGateway());
            GatewayClient client = GatewayClient.connect(clientContext()))
        {
            assertThat(server.sessionCount()).isEqualTo(1);
            // 1 ms for NATS plus the local slack (500 ms) before the client gives up.
            assertThat(send(client, "svc.silent", 3, Duration.ofMillis(1))).isEqualTo(GatewayStatus.OK);
            awaitOutcomes(1);
            Thread.sleep(200);
            assertThat(outcomes).containsExactly("3 LOCAL_TIMEOUT ");
        }
    }

    @Test
    void shouldReportGatewayUnavailableOnceForARequestPendingAtClose() throws Exception
    {
        try (ShmServer server = ShmServer.launch(serverContext(), new PlayedGateway()))
        {
            final GatewayClient client = GatewayClient.connect(clientContext());
            assertThat(server.sessionCount()).isEqualTo(1);
            assertThat(send(client, "svc.silent", 4, Duration.ofSeconds(30))).isEqualTo(GatewayStatus.OK);
            client.close();
            awaitOutcomes(1);
            assertThat(send(client, "svc.echo", 5, Duration.ofSeconds(1))).as("closed: not sent")
                .isEqualTo(GatewayStatus.GATEWAY_UNAVAILABLE);
            Thread.sleep(100);
            assertThat(outcomes).containsExactly("4 GATEWAY_UNAVAILABLE ");
        }
    }

    private GatewayStatus send(final GatewayClient client, final String subject, final long context,
        final Duration timeout)
    {
        final UnsafeBuffer payload = new UnsafeBuffer("hello".getBytes(StandardCharsets.UTF_8));
        return client.requestAsync(subject, null, payload, 0, payload.capacity(), timeout, listener, context);
    }

    private void awaitOutcomes(final int count) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + 30_000;
        while (outcomes.size() < count && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(1);
        }
        assertThat(outcomes).hasSizeGreaterThanOrEqualTo(count);
    }

    private ServerContext serverContext()
    {
        return new ServerContext().serviceName("gw-listener").baseDirectory(dir);
    }

    private ClientContext clientContext()
    {
        return new ClientContext().serviceName("gw-listener").baseDirectory(dir);
    }

    /** Answers by subject: {@code svc.fail} with an error status, {@code svc.silent} never, others with a reply. */
    private static final class PlayedGateway implements ServerHandler
    {
        private final GatewayFrame frame = new GatewayFrame();

        @Override
        public void onRequest(final ClientSession session, final long correlationId, final int typeId,
            final DirectBuffer buffer, final int offset, final int length)
        {
            if (!frame.wrap(buffer, offset, length))
            {
                session.respondError(correlationId, GatewayStatus.MALFORMED_FRAME.code(), "malformed");
                return;
            }
            switch (frame.subject())
            {
                case "svc.fail" -> session.respondError(correlationId, GatewayStatus.BREAKER_OPEN.code(),
                    "breaker open");
                case "svc.silent" ->
                {
                    // Never answered.
                }
                // The request frame is a well-formed reply frame carrying the same payload.
                default -> session.respond(correlationId, GatewayProtocol.REPLY, buffer, offset, length);
            }
        }
    }
}
