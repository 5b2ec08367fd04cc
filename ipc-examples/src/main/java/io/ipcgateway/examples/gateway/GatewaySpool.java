package io.ipcgateway.examples.gateway;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.ipcgateway.examples.gateway.spool.AsyncSpoolSink;
import io.ipcgateway.examples.gateway.spool.PublishSpool;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerState;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The gateway's side of the {@link PublishSpool}: publishes handed over by the duty thread are appended on one spool
 * thread (appends wait for the disk, the duty thread never does), and the same thread delivers the spool to NATS, in
 * order, whenever NATS is connected and the subject's breaker is not open (JetStream publishes pipelined: up to
 * {@link #DRAIN_WINDOW} wait for their PubAck at once, and the spool moves past them only along the acknowledged
 * prefix, so a failure sends the rest again, each with its {@code Nats-Msg-Id} for JetStream to drop repeats; and
 * each but the first of its stream in a drain call with {@code Nats-Expected-Last-Msg-Id}, so JetStream never stores
 * a message after an earlier one of its stream that was lost: see {@link #chain}).
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
    /** JetStream stores the message only if the stream's last message has this id, else refuses it. */
    static final String EXPECTED_LAST_MSG_ID_HEADER = "Nats-Expected-Last-Msg-Id";
    /** Most subjects whose stream the spool remembers (learned from PubAcks); forgotten all at once beyond. */
    static final int MAX_KNOWN_SUBJECTS = 4096;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final PublishSpool spool;
    private final NatsEgress nats;
    private final Downstreams downstreams;
    private final JetStreamConfig jetstream;
    private final GatewayStats stats;
    private final ScheduledExecutorService thread;
    private final AtomicLong pending = new AtomicLong();
    private final DurablePublisher durable;
    /** Subject to stream, from PubAcks (written on NATS threads, read on the spool thread). */
    private final Map<String, String> streamOfSubject = new ConcurrentHashMap<>();
    /** Within one drain call (spool thread only): the last message id sent per stream known to hold it. */
    private final Map<String, String> lastIdInStream = new HashMap<>();
    /** Within one drain call: the id of the last message sent whose stream was not known, null when none. */
    private String lastIdOfUnknownStream;
    /** Within one drain call: the id of the last JetStream message sent, null before the first. */
    private String lastIdSent;
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

    /** Sends one JetStream publish of the spool (NATS, or a stand-in in tests). */
    @FunctionalInterface
    interface DurablePublisher
    {
        /**
         * Publishes and completes once JetStream acknowledged (or refused) the message.
         *
         * @param subject   the subject.
         * @param headers   its headers (with its message id and, but for the first of a drain call, the id the
         *                  stream's last message must have).
         * @param data      the payload.
         * @param timeoutNs how long to wait for the PubAck.
         * @return the PubAck, or a failure.
         */
        CompletableFuture<PublishAck> publish(String subject, Headers headers, byte[] data, long timeoutNs);
    }

    GatewaySpool(
        final SpoolSettings settings,
        final NatsEgress nats,
        final Downstreams downstreams,
        final JetStreamConfig jetstream,
        final GatewayStats stats)
    {
        this(settings, nats, downstreams, jetstream, stats, nats::publishDurable);
    }

    GatewaySpool(
        final SpoolSettings settings,
        final NatsEgress nats,
        final Downstreams downstreams,
        final JetStreamConfig jetstream,
        final GatewayStats stats,
        final DurablePublisher durable)
    {
        this.durable = durable;
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
            do
            {
                // Each call starts at the first message not confirmed, everything before it stored: its first
                // message needs no expectation, and the chain starts anew.
                lastIdInStream.clear();
                lastIdOfUnknownStream = null;
                lastIdSent = null;
            }
            while (spool.depth() > 0 && spool.drain(sink, DRAIN_BATCH, DRAIN_WINDOW) > 0);
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
            String id = headers.getFirst(MSG_ID_HEADER);
            if (id == null)
            {
                id = "ipc-spool-" + timestamp + "-" + sequence;
                headers.put(MSG_ID_HEADER, id);
            }
            final String expected = chain(subject, id);
            if (expected != null)
            {
                headers.put(EXPECTED_LAST_MSG_ID_HEADER, expected);
            }
            return durable.publish(subject, headers, data, jetstream.publishTimeoutNs()).whenComplete((ack, failure) ->
            {
                if (ack != null && ack.getStream() != null)
                {
                    learn(subject, ack.getStream());
                }
            });
        }
        nats.publish(subject, null, headers, data);
        return DONE;
    }

    /**
     * The id the stream's last message must have for this one to be stored, so that a pipelined window never stores a
     * message after a lost earlier one of its stream (a message lost with a dropped connection while a later one
     * still sat in jnats' outgoing buffer and went out after the reconnect; a PubAck refused while JetStream
     * recovers, then a later one accepted): JetStream refuses it, the drain call stops there, and the next call sends
     * both again in order (repeats of stored messages are dropped by their message id, which JetStream checks first).
     * The expectation is the previous message of the same stream in this call, once the subject's stream is known
     * from a PubAck; before that, the previous JetStream message of the call (refused when it is of another stream:
     * the next call starts at this one, without expectation), and later messages of known streams expect it too, as
     * it may be in theirs. Null for the first message of a stream in the call: everything before it is stored.
     */
    private String chain(final String subject, final String id)
    {
        final String stream = streamOfSubject.get(subject);
        final String expected;
        if (stream == null)
        {
            expected = lastIdSent;
            lastIdInStream.clear();
            lastIdOfUnknownStream = id;
        }
        else
        {
            final String inStream = lastIdInStream.get(stream);
            expected = inStream != null ? inStream : lastIdOfUnknownStream;
            lastIdInStream.put(stream, id);
        }
        lastIdSent = id;
        return expected;
    }

    private void learn(final String subject, final String stream)
    {
        if (!stream.equals(streamOfSubject.get(subject)))
        {
            if (streamOfSubject.size() >= MAX_KNOWN_SUBJECTS)
            {
                streamOfSubject.clear();
            }
            streamOfSubject.put(subject, stream);
        }
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
