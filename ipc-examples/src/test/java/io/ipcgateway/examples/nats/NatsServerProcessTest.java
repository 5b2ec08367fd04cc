package io.ipcgateway.examples.nats;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The nats-server fixture with the real jnats client: what the gateway's tests will build on.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NatsServerProcessTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private final List<Connection> connections = new ArrayList<>();

    @Test
    void shouldListenOnLoopbackOnlyWithJetStreamStoreInTheTestFolder() throws Exception
    {
        try (NatsServerProcess server = NatsServerProcess.start(dir))
        {
            assertThat(server.url()).isEqualTo("nats://127.0.0.1:" + server.port());
            assertThat(server.isAlive()).isTrue();
            assertThat(server.storeDir()).startsWith(dir).isDirectory();
            final Connection connection = connect(options(server));
            assertThat(connection.getServerInfo().isJetStreamAvailable()).isTrue();
            assertThat(connection.getServerInfo().getHost()).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void shouldAnswerRequestThroughDispatcherResponder() throws Exception
    {
        try (NatsServerProcess server = NatsServerProcess.start(dir))
        {
            final Connection responder = connect(options(server));
            final Connection client = connect(options(server));
            final Dispatcher dispatcher = responder.createDispatcher(
                message -> responder.publish(message.getReplyTo(), reversed(message.getData())));
            dispatcher.subscribe("echo.reverse");
            responder.flush(TIMEOUT);

            final Message reply = client.request("echo.reverse", bytes("abc"), TIMEOUT);

            assertThat(reply).as("reply within %s", TIMEOUT).isNotNull();
            assertThat(new String(reply.getData(), StandardCharsets.UTF_8)).isEqualTo("cba");
        }
    }

    @Test
    void shouldAcknowledgeJetStreamPublishOnStreamTheTestCreates() throws Exception
    {
        try (NatsServerProcess server = NatsServerProcess.start(dir))
        {
            final Connection connection = connect(options(server));
            final JetStreamManagement management = connection.jetStreamManagement();
            management.addStream(StreamConfiguration.builder()
                .name("ORDERS").subjects("orders.>").storageType(StorageType.File).build());
            final JetStream jetStream = connection.jetStream();

            final PublishAck first = jetStream.publish("orders.new", bytes("one"));
            final PublishAck second = jetStream.publish("orders.new", bytes("two"));

            assertThat(first.getStream()).isEqualTo("ORDERS");
            assertThat(first.getSeqno()).isEqualTo(1);
            assertThat(second.getSeqno()).isEqualTo(2);
            final StreamInfo info = management.getStreamInfo("ORDERS");
            assertThat(info.getStreamState().getMsgCount()).isEqualTo(2);
        }
    }

    @Test
    void shouldLetClientReconnectAndKeepJetStreamDataWhenKilledAndRestartedOnSamePort() throws Exception
    {
        final BlockingQueue<ConnectionListener.Events> events = new LinkedBlockingQueue<>();
        try (NatsServerProcess server = NatsServerProcess.start(dir))
        {
            final Connection connection = connect(options(server)
                .connectionListener((conn, event) -> events.add(event)));
            connection.jetStreamManagement().addStream(StreamConfiguration.builder()
                .name("EVENTS").subjects("events.>").storageType(StorageType.File).build());
            connection.jetStream().publish("events.a", bytes("before"));
            final int port = server.port();
            final long firstPid = server.pid();

            server.kill();
            assertThat(server.isAlive()).isFalse();
            assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            awaitEvent(events, ConnectionListener.Events.DISCONNECTED);

            server.restart();
            assertThat(server.port()).isEqualTo(port);
            assertThat(server.pid()).isNotEqualTo(firstPid);
            awaitEvent(events, ConnectionListener.Events.RECONNECTED);

            assertThat(connection.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            final PublishAck after = connection.jetStream().publish("events.a", bytes("after"));
            assertThat(after.getSeqno()).as("the stream and its message survived SIGKILL").isEqualTo(2);
        }
    }

    @Test
    void shouldStopServerInClose() throws Exception
    {
        final NatsServerProcess server = NatsServerProcess.start(dir);
        final long pid = server.pid();

        server.close();
        server.close();

        assertThat(server.isAlive()).isFalse();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    /** Connection.close() throws InterruptedException, so connections are closed here, not by try-with-resources. */
    @AfterEach
    void closeConnections() throws InterruptedException
    {
        for (final Connection connection : connections)
        {
            connection.close();
        }
    }

    private Connection connect(final Options.Builder options) throws Exception
    {
        final Connection connection = Nats.connect(options.build());
        connections.add(connection);
        return connection;
    }

    private static Options.Builder options(final NatsServerProcess server)
    {
        return Options.builder()
            .server(server.url())
            .connectionTimeout(TIMEOUT)
            .reconnectWait(Duration.ofMillis(100))
            .maxReconnects(-1);
    }

    private static void awaitEvent(final BlockingQueue<ConnectionListener.Events> events,
        final ConnectionListener.Events wanted) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline)
        {
            final ConnectionListener.Events event = events.poll(100, TimeUnit.MILLISECONDS);
            if (event == wanted)
            {
                return;
            }
        }
        throw new AssertionError("no " + wanted + " event within 30 s");
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] reversed(final byte[] data)
    {
        final byte[] out = new byte[data.length];
        for (int i = 0; i < data.length; i++)
        {
            out[i] = data[data.length - 1 - i];
        }
        return out;
    }
}
