package io.ipcgateway.examples.gateway;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.ipcgateway.examples.gateway.spool.AsyncSpoolSink;
import io.ipcgateway.examples.gateway.spool.PublishSpool;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerState;
import io.nats.client.impl.Headers;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The gateway's side of the {@link PublishSpool}: publishes handed over by the duty thread are appended on one spool
 * thread (appends wait for the disk, the duty thread never does), and the same thread delivers the spool to NATS, in
 * order, whenever NATS is connected and the subject's breaker is not open (JetStream publishes pipelined: up to
 * {@link #DRAIN_WINDOW} wait for their PubAck at once, and the spool moves past them only along the acknowledged
 * prefix, so a failure sends the rest again, each with its {@code Nats-Msg-Id} for JetStream to drop repeats).
 * While anything is spooled or being spooled ({@link #active()}), new publishes go to the spool too, so their order
 * is kept.
 */
final class GatewaySpool implements AutoCloseable
{
    /** How often the spool thread tries to deliver. */
    static final long DRAIN_INTERVAL_MS = 20;
    /** Most messages one drain delivers before the thread looks at new appends. */
    static final int DRAIN_BATCH = 512;
    /** Most JetStream publishes of the spool waiting for their PubAck at once. */
    static final int DRAIN_WINDOW = 64;
    /** JetStream's de-duplication header. */
    static final String MSG_ID_HEADER = "Nats-Msg-Id";
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final PublishSpool spool;
    private final NatsEgress nats;
    private final Downstreams downstreams;
    private final JetStreamConfig jetstream;
    private final GatewayStats stats;
    private final ScheduledExecutorService thread;
    private final AtomicLong pending = new AtomicLong();
    private final AsyncSpoolSink sink = new AsyncSpoolSink()
    {
        @Override
        public CompletableFuture<?> send(
            final long sequence, final long timestamp, final String subject, final byte[] headers,
            final DirectBuffer payload, final int offset, final int length)
        {
            return GatewaySpool.this.send(sequence, timestamp, subject, headers, payload, offset, length);
        }

        /** Counted as the spool moves past it (before its depth drops): a message sent again counts once. */
        @Override
        public void onConfirmed(final long sequence)
        {
            stats.recordSpoolDelivered(1);
        }
    };

    GatewaySpool(
        final SpoolSettings settings,
        final NatsEgress nats,
        final Downstreams downstreams,
        final JetStreamConfig jetstream,
        final GatewayStats stats)
    {
        this.spool = PublishSpool.open(settings.toConfig());
        this.nats = nats;
        this.downstreams = downstreams;
        this.jetstream = jetstream;
        this.stats = stats;
        this.thread = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread spoolThread = new Thread(r, "gateway-spool");
            spoolThread.setDaemon(true);
            return spoolThread;
        });
        stats.spoolDepthSource(() -> spool.depth() + pending.get());
        thread.scheduleWithFixedDelay(this::drain, DRAIN_INTERVAL_MS, DRAIN_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Whether publishes must go to the spool to keep their order: something is spooled or being spooled.
     *
     * @return true while the spool is not empty.
     */
    boolean active()
    {
        return pending.get() > 0 || spool.depth() > 0;
    }

    /**
     * Hands a publish to the spool thread; {@code onDone} gets {@link GatewayStatus#OK} once it is durable in the
     * spool, or {@link GatewayStatus#SPOOL_FULL} / {@link GatewayStatus#INTERNAL}, on the spool thread.
     *
     * @param subject     the subject.
     * @param headerBlock the frame's header block, or null.
     * @param payload     the payload (owned by the spool from now on).
     * @param onDone      receives the outcome.
     */
    void append(final String subject, final byte[] headerBlock, final byte[] payload,
        final Consumer<GatewayStatus> onDone)
    {
        pending.incrementAndGet();
        try
        {
            thread.execute(() ->
            {
                GatewayStatus status;
                try
                {
                    final long result = spool.append(subject, headerBlock, new UnsafeBuffer(payload), 0,
                        payload.length);
                    status = result > 0 ? GatewayStatus.OK : result == PublishSpool.SPOOL_FULL ?
                        GatewayStatus.SPOOL_FULL : GatewayStatus.INTERNAL;
                }
                catch (final RuntimeException ex)
                {
                    status = GatewayStatus.INTERNAL;
                }
                finally
                {
                    pending.decrementAndGet();
                }
                onDone.accept(status);
            });
        }
        catch (final java.util.concurrent.RejectedExecutionException closed)
        {
            pending.decrementAndGet();
            onDone.accept(GatewayStatus.SHUTTING_DOWN);
        }
    }

    private void drain()
    {
        try
        {
            while (spool.depth() > 0 && spool.drain(sink, DRAIN_BATCH, DRAIN_WINDOW) > 0)
            {
                Thread.onSpinWait();
            }
        }
        catch (final RuntimeException ex)
        {
            // The message stays at the head: the next round tries again.
        }
    }

    /**
     * On the spool thread: one spooled message to NATS, without waiting for its JetStream PubAck (the spool keeps up
     * to {@link #DRAIN_WINDOW} unacknowledged and confirms them in order); null keeps it at the head for later.
     */
    private CompletableFuture<?> send(
        final long sequence, final long timestamp, final String subject, final byte[] headerBlock,
        final DirectBuffer payload, final int offset, final int length)
    {
        final CircuitBreakerState state = downstreams.breakerState(subject);
        if (!nats.isConnected(subject) || state == CircuitBreakerState.OPEN ||
            state == CircuitBreakerState.FORCED_OPEN)
        {
            return null;
        }
        final byte[] data = new byte[length];
        payload.getBytes(offset, data);
        Headers headers = natsHeaders(headerBlock);
        if (jetstream.isDurable(subject))
        {
            // A message sent again after its PubAck was lost (or after one later in the window failed) is stored
            // once: JetStream drops a repeated message id within the stream's duplicate window.
            if (headers == null)
            {
                headers = new Headers();
            }
            if (headers.getFirst(MSG_ID_HEADER) == null)
            {
                headers.put(MSG_ID_HEADER, "ipc-spool-" + timestamp + "-" + sequence);
            }
            return nats.publishDurable(subject, headers, data, jetstream.publishTimeoutNs());
        }
        nats.publish(subject, null, headers, data);
        return DONE;
    }

    private static Headers natsHeaders(final byte[] headerBlock)
    {
        if (headerBlock == null || headerBlock.length == 0)
        {
            return null;
        }
        final Headers headers = new Headers();
        GatewayFrame.readHeaderBlock(new UnsafeBuffer(headerBlock), 0, headerBlock.length, headers::add);
        return headers;
    }

    /**
     * Messages waiting in the spool.
     *
     * @return the depth.
     */
    long depth()
    {
        return spool.depth();
    }

    /** Stops the spool thread (what is spooled stays on disk for the next start) and closes the spool. */
    @Override
    public void close()
    {
        thread.shutdown();
        try
        {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        spool.close();
    }
}
