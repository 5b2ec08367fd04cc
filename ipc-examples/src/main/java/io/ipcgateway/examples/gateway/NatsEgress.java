package io.ipcgateway.examples.gateway;

import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.IntConsumer;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.MessageHandler;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.agrona.DirectBuffer;

/**
 * The gateway's NATS side: a small pool of connections shared by every local client (a subject always uses the same
 * connection, so publishes to one subject stay in order), JetStream contexts on them, and one dispatcher for the
 * shared subscriptions. Connection events go to {@link GatewayStats}. Nothing here blocks except {@link #connect} and
 * {@link #close}.
 * <p>
 * With {@code nats.mode: loopback} (benchmarks only) there is no connection: requests complete at once with their own
 * payload as the reply, publishes are dropped, JetStream publishes are acknowledged at once, and subscribing fails.
 */
final class NatsEgress implements AutoCloseable
{
    private final boolean loopback;
    private final List<Connection> connections;
    private final List<JetStream> jetStreams;
    private final Dispatcher dispatcher;
    private final GatewayStats stats;
    private final AtomicReference<IntConsumer> lostListener;
    private final AtomicReference<IntConsumer> restoredListener;

    private NatsEgress(
        final List<Connection> connections,
        final List<JetStream> jetStreams,
        final GatewayStats stats,
        final AtomicReference<IntConsumer> lostListener,
        final AtomicReference<IntConsumer> restoredListener)
    {
        this.lostListener = lostListener;
        this.restoredListener = restoredListener;
        this.loopback = connections.isEmpty();
        this.connections = connections;
        this.jetStreams = jetStreams;
        this.stats = stats;
        this.dispatcher = loopback ? null : connections.get(0).createDispatcher();
    }

    /**
     * Connects the pool.
     *
     * @param config the NATS settings (valid).
     * @param stats  where connection events are counted.
     * @return the connected pool.
     * @throws GatewayStartException when NATS is unreachable or refuses the connection.
     */
    static NatsEgress connect(final NatsConfig config, final GatewayStats stats)
    {
        // Read by the connection listener's thread while the pool is still being connected.
        final List<Connection> connections = new CopyOnWriteArrayList<>();
        final List<JetStream> jetStreams = new ArrayList<>();
        final AtomicReference<IntConsumer> lost = new AtomicReference<>(index -> { });
        final AtomicReference<IntConsumer> restored = new AtomicReference<>(index -> { });
        if (config.loopback())
        {
            stats.natsStatus(Connection.Status.CONNECTED.name());
            return new NatsEgress(connections, jetStreams, stats, lost, restored);
        }
        final ConnectionListener listener = (connection, event) ->
        {
            onEvent(connections, stats, event);
            if (event == ConnectionListener.Events.DISCONNECTED || event == ConnectionListener.Events.CLOSED)
            {
                final int index = connections.indexOf(connection);
                if (index >= 0)
                {
                    lost.get().accept(index);
                }
            }
            else if (event == ConnectionListener.Events.RECONNECTED ||
                event == ConnectionListener.Events.RESUBSCRIBED)
            {
                final int index = connections.indexOf(connection);
                if (index >= 0)
                {
                    restored.get().accept(index);
                }
            }
        };
        try
        {
            for (int i = 0; i < config.poolSize(); i++)
            {
                final Connection connection = Nats.connect(options(config, i, listener));
                connections.add(connection);
                jetStreams.add(connection.jetStream());
            }
        }
        catch (final IOException | NoSuchAlgorithmException | RuntimeException ex)
        {
            closeAll(connections);
            throw new GatewayStartException("cannot connect to NATS: nats.url=" + config.url() + " (" +
                ex.getMessage() + ")", ex);
        }
        catch (final InterruptedException ex)
        {
            closeAll(connections);
            Thread.currentThread().interrupt();
            throw new GatewayStartException("interrupted while connecting to NATS: nats.url=" + config.url(), ex);
        }
        stats.natsStatus(Connection.Status.CONNECTED.name());
        return new NatsEgress(connections, jetStreams, stats, lost, restored);
    }

    /**
     * Sets who hears of a pool connection lost (DISCONNECTED or CLOSED): its answers in flight will not come.
     *
     * @param listener receives the connection's index ({@link #connectionIndex}) on a NATS thread; must not block.
     */
    void onConnectionLost(final IntConsumer listener)
    {
        lostListener.set(listener);
    }

    /**
     * Sets who hears of a pool connection back after it was lost (RECONNECTED, RESUBSCRIBED).
     *
     * @param listener receives the connection's index ({@link #connectionIndex}) on a NATS thread; must not block.
     */
    void onConnectionRestored(final IntConsumer listener)
    {
        restoredListener.set(listener);
    }

    /**
     * The index of the pool connection a subject uses.
     *
     * @param subject the subject.
     * @return the index, 0 in loopback.
     */
    int connectionIndex(final String subject)
    {
        return loopback ? 0 : indexFor(subject);
    }

    private static Options options(final NatsConfig config, final int index, final ConnectionListener listener)
        throws NoSuchAlgorithmException
    {
        final Options.Builder builder = new Options.Builder()
            .servers(config.url().split(","))
            .connectionName(config.poolSize() == 1 ? config.connectionName() : config.connectionName() + "-" + index)
            .connectionTimeout(Duration.ofNanos(config.connectTimeoutNs()))
            .reconnectWait(Duration.ofNanos(config.reconnectWaitNs()))
            .maxReconnects(config.maxReconnects())
            .reportNoResponders()
            .useTimeoutException()
            .connectionListener(listener);
        if (config.credentialsFile() != null)
        {
            builder.credentialPath(config.credentialsFile());
        }
        if (config.user() != null)
        {
            builder.userInfo(config.user(), config.password() == null ? "" : config.password());
        }
        if (config.token() != null)
        {
            builder.token(config.token().toCharArray());
        }
        final TlsConfig tls = config.tls();
        if (tls.keystore() != null || tls.truststore() != null)
        {
            if (tls.keystore() != null)
            {
                builder.keystorePath(tls.keystore());
                builder.keystorePassword(chars(tls.keystorePassword()));
            }
            if (tls.truststore() != null)
            {
                builder.truststorePath(tls.truststore());
                builder.truststorePassword(chars(tls.truststorePassword()));
            }
        }
        else if (tls.enabled())
        {
            builder.secure();
        }
        return builder.build();
    }

    private static char[] chars(final String text)
    {
        return text == null ? new char[0] : text.toCharArray();
    }

    private static void onEvent(
        final List<Connection> connections, final GatewayStats stats, final ConnectionListener.Events event)
    {
        if (event == ConnectionListener.Events.DISCONNECTED)
        {
            stats.recordNatsDisconnect();
        }
        else if (event == ConnectionListener.Events.RECONNECTED)
        {
            stats.recordNatsReconnect();
        }
        String status = Connection.Status.CONNECTED.name();
        for (final Connection connection : connections)
        {
            final Connection.Status each = connection.getStatus();
            if (each != Connection.Status.CONNECTED)
            {
                status = each.name();
            }
        }
        stats.natsStatus(event == ConnectionListener.Events.DISCONNECTED ? "DISCONNECTED" : status);
    }

    /**
     * Whether the connection of a subject can send now.
     *
     * @param subject the subject.
     * @return true when connected.
     */
    boolean isConnected(final String subject)
    {
        return loopback || connectionFor(subject).getStatus() == Connection.Status.CONNECTED;
    }

    /**
     * Core NATS publish (buffered by the connection, sent by its writer thread).
     *
     * @param subject the subject.
     * @param replyTo the reply subject, or null.
     * @param headers headers, or null.
     * @param data    the payload.
     */
    void publish(final String subject, final String replyTo, final Headers headers, final byte[] data)
    {
        if (loopback)
        {
            return;
        }
        connectionFor(subject).publish(subject, replyTo, headers, data);
    }

    /**
     * Core NATS publish of a payload in a buffer: copied into the {@code byte[]} jnats needs, except in loopback,
     * where nothing is sent and nothing copied.
     *
     * @param subject the subject.
     * @param headers headers, or null.
     * @param buffer  holds the payload.
     * @param offset  where it starts.
     * @param length  its length.
     */
    void publish(
        final String subject, final Headers headers, final DirectBuffer buffer, final int offset, final int length)
    {
        if (loopback)
        {
            return;
        }
        final byte[] data = new byte[length];
        buffer.getBytes(offset, data);
        connectionFor(subject).publish(subject, null, headers, data);
    }

    /**
     * NATS request; the answer goes to {@code done}, on a NATS thread (in loopback at once, on the calling thread,
     * with the request itself as the reply). No future of ours per request: jnats' own is completed into
     * {@code done}.
     *
     * @param subject   the subject.
     * @param headers   headers, or null.
     * @param data      the payload.
     * @param timeoutNs how long to wait.
     * @param done      receives the reply, or the failure (timeout, no responders, connection lost).
     */
    void request(
        final String subject, final Headers headers, final byte[] data, final long timeoutNs,
        final BiConsumer<Object, Throwable> done)
    {
        if (loopback)
        {
            done.accept(new NatsMessage(subject, null, headers, data), null);
            return;
        }
        connectionFor(subject).requestWithTimeout(subject, headers, data, Duration.ofNanos(timeoutNs))
            .whenComplete(done);
    }

    /**
     * JetStream publish: completes once JetStream acknowledged it.
     *
     * @param subject   the subject (a stream must cover it).
     * @param headers   headers, or null.
     * @param data      the payload.
     * @param timeoutNs how long to wait for the acknowledgement.
     * @return completes with the acknowledgement, or exceptionally.
     */
    CompletableFuture<PublishAck> publishDurable(
        final String subject, final Headers headers, final byte[] data, final long timeoutNs)
    {
        if (loopback)
        {
            return CompletableFuture.completedFuture(null);
        }
        return jetStreams.get(indexFor(subject)).publishAsync(subject, headers, data)
            .orTimeout(timeoutNs, TimeUnit.NANOSECONDS);
    }

    /**
     * Opens a NATS subscription on the shared dispatcher.
     *
     * @param pattern the subject pattern.
     * @param handler receives its messages on the dispatcher's thread.
     * @return the subscription.
     */
    Subscription subscribe(final String pattern, final MessageHandler handler)
    {
        if (loopback)
        {
            throw new IllegalStateException("nats.mode=loopback has no NATS to subscribe to: pattern=" + pattern);
        }
        return dispatcher.subscribe(pattern, handler);
    }

    /**
     * Closes a NATS subscription.
     *
     * @param subscription the subscription.
     */
    void unsubscribe(final Subscription subscription)
    {
        if (!loopback && subscription.isActive())
        {
            dispatcher.unsubscribe(subscription);
        }
    }

    /**
     * Flushes every connection (waits for the server to have everything sent so far).
     *
     * @param timeout how long to wait per connection.
     * @return true when every connection flushed in time.
     */
    boolean flush(final Duration timeout)
    {
        boolean all = true;
        for (final Connection connection : connections)
        {
            try
            {
                connection.flush(timeout);
            }
            catch (final java.util.concurrent.TimeoutException | IllegalStateException ex)
            {
                all = false;
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return all;
    }

    /**
     * The pool's statistics, for logs.
     *
     * @return one line per connection.
     */
    String describe()
    {
        final StringBuilder out = new StringBuilder();
        for (final Connection connection : connections)
        {
            out.append(connection.getOptions().getConnectionName()).append(' ')
                .append(connection.getStatus()).append(' ').append(connection.getConnectedUrl()).append('\n');
        }
        return out.toString();
    }

    /** Closes every connection (what was published is flushed first by the client library). */
    @Override
    public void close()
    {
        closeAll(connections);
        stats.natsStatus(Connection.Status.CLOSED.name());
    }

    private Connection connectionFor(final String subject)
    {
        return connections.get(indexFor(subject));
    }

    private int indexFor(final String subject)
    {
        return connections.size() == 1 ? 0 : Math.floorMod(subject.hashCode(), connections.size());
    }

    private static void closeAll(final List<Connection> connections)
    {
        for (final Connection connection : connections)
        {
            try
            {
                connection.close();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
