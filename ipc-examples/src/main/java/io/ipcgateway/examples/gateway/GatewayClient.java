package io.ipcgateway.examples.gateway;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.ipcgateway.core.IpcException;
import io.ipcgateway.core.MessageClaim;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.core.PeerDeadException;
import io.ipcgateway.core.RequestTimeoutException;
import io.ipcgateway.shm.CallResult;
import io.ipcgateway.shm.ClientContext;
import io.ipcgateway.shm.ResponseListener;
import io.ipcgateway.shm.ShmClient;
import io.ipcgateway.shm.ShmResponse;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The local side of the gateway: publish to NATS, request from NATS and subscribe to NATS subjects through the
 * gateway process over shared memory, without holding a NATS connection (nor needing the NATS client library).
 * Thread-safe. {@link #publish} allocates nothing beyond what the caller passes: the frame is written in place into
 * the gateway's inbox (or, when larger than one record, into a per-thread buffer). Subscriptions are delivered on the
 * client's receiver thread; after the gateway restarts the client reconnects and subscribes again by itself.
 * <p>
 * Requests: blocking ({@link #request}), asynchronous without allocation, the outcome handed to a
 * {@link GatewayReplyListener} on the receiver thread
 * ({@link #requestAsync(String, GatewayHeaders, DirectBuffer, int, int, Duration, GatewayReplyListener, long)}: for
 * many requests in flight on a hot path), or asynchronous returning a {@code CompletableFuture} (convenient; it
 * allocates the future, a copy of the reply and its stages per call).
 * <pre>{@code
 * try (GatewayClient gateway = GatewayClient.connect(new ClientContext().serviceName("gateway"))) {
 *     gateway.publish("events.orders", bytes);
 *     byte[] reply = gateway.request("prices.AAPL", request, Duration.ofSeconds(1));
 *     Subscription s = gateway.subscribe("events.>", m -> System.out.println(m.subject()));
 * }
 * }</pre>
 */
public final class GatewayClient implements AutoCloseable
{
    /** Slack added to a request's NATS timeout for the local wait, so the gateway's timeout answer comes first. */
    public static final Duration LOCAL_TIMEOUT_SLACK = Duration.ofMillis(500);
    /** How often the client checks whether it reconnected and must subscribe again. */
    public static final long RESUBSCRIBE_CHECK_MS = 50;
    /**
     * How many distinct {@link GatewayReplyListener}s a client keeps an adapter for; a listener beyond them costs an
     * adapter per request (pass the same listener to many requests).
     */
    public static final int MAX_CACHED_LISTENERS = 256;

    private static final long LOCAL_TIMEOUT_SLACK_NS = LOCAL_TIMEOUT_SLACK.toNanos();

    private static final byte[] EMPTY = new byte[0];
    private static final UnsafeBuffer EMPTY_BUFFER = new UnsafeBuffer(EMPTY);

    private final ShmClient shm;
    private final ThreadLocal<ExpandableDirectByteBuffer> encodeBuffers =
        ThreadLocal.withInitial(() -> new ExpandableDirectByteBuffer(4096));
    private final ThreadLocal<MessageClaim> claims = ThreadLocal.withInitial(MessageClaim::new);
    private final ThreadLocal<UnsafeBuffer> views = ThreadLocal.withInitial(() -> new UnsafeBuffer(EMPTY));
    private final ThreadLocal<ResponseCapture> captures = ThreadLocal.withInitial(ResponseCapture::new);
    private final Map<Integer, ClientSubscription> subscriptions = new ConcurrentHashMap<>();
    private final Map<GatewayReplyListener, ReplyAdapter> replyAdapters = new ConcurrentHashMap<>();
    private final AtomicInteger nextSubscriptionId = new AtomicInteger();
    private final GatewayMessage pushed = new GatewayMessage();
    private final ScheduledExecutorService resubscriber;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long reconnectsSeen;

    private GatewayClient(final ClientContext context)
    {
        context.receiverThread(true).pushHandler(this::onPush);
        this.shm = ShmClient.connect(context);
        this.resubscriber = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread thread = new Thread(r, "gateway-client-resubscriber");
            thread.setDaemon(true);
            return thread;
        });
        resubscriber.scheduleWithFixedDelay(this::resubscribeAfterReconnect, RESUBSCRIBE_CHECK_MS,
            RESUBSCRIBE_CHECK_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Connects to a gateway. The context's push handler and receiver thread are set by this client (subscriptions
     * need them); everything else (service name, base directory, timeouts, reconnect) is the caller's.
     *
     * @param context the connection settings.
     * @return the connected client.
     * @throws IpcException when the gateway's service cannot be reached within the connect timeout.
     */
    public static GatewayClient connect(final ClientContext context)
    {
        return new GatewayClient(context);
    }

    /**
     * Connects to the gateway of a service name in the default base directory.
     *
     * @param serviceName e.g. {@value GatewayProtocol#DEFAULT_SERVICE}.
     * @return the connected client.
     */
    public static GatewayClient connect(final String serviceName)
    {
        return connect(new ClientContext().serviceName(serviceName));
    }

    /**
     * Publishes one-way (fire and forget): returns once the message is in the gateway's inbox.
     *
     * @param subject the NATS subject, no wildcards.
     * @param payload the payload.
     * @return {@link GatewayStatus#OK}, {@link GatewayStatus#INVALID_SUBJECT}, {@link GatewayStatus#PAYLOAD_TOO_LARGE},
     *         {@link GatewayStatus#BACK_PRESSURED} or {@link GatewayStatus#GATEWAY_UNAVAILABLE}; failures at the
     *         gateway (NATS down, rate limits) are counted there, never reported back.
     */
    public GatewayStatus publish(final String subject, final byte[] payload)
    {
        return publish(subject, null, wrapped(payload), 0, payload.length);
    }

    /**
     * Publishes one-way from a buffer, with headers.
     *
     * @param subject the NATS subject, no wildcards.
     * @param headers headers carried into NATS, or null.
     * @param payload the buffer holding the payload.
     * @param offset  where it starts.
     * @param length  its length.
     * @return as {@link #publish(String, byte[])}.
     */
    public GatewayStatus publish(
        final String subject, final GatewayHeaders headers, final DirectBuffer payload, final int offset,
        final int length)
    {
        if (!SubjectRules.isValidSubject(subject, GatewayProtocol.MAX_SUBJECT_LENGTH))
        {
            return GatewayStatus.INVALID_SUBJECT;
        }
        final int frameLength = GatewayFrame.frameLength(subject, null, headers, length);
        if (frameLength <= shm.maxClaimLength())
        {
            final MessageClaim claim = claims.get();
            final long result = shm.tryClaim(GatewayProtocol.PUBLISH, frameLength, claim);
            if (result != OfferResult.OK)
            {
                return statusOf(result);
            }
            try
            {
                final MutableDirectBuffer dst = claim.buffer();
                final int head = GatewayFrame.encodeHead(dst, claim.offset(), 0, subject, null, headers);
                dst.putBytes(claim.offset() + head, payload, offset, length);
                claim.commit();
            }
            finally
            {
                if (claim.isActive())
                {
                    claim.abort();
                }
            }
            return GatewayStatus.OK;
        }
        final int frame = encode(0, subject, headers, payload, offset, length);
        return statusOf(shm.offer(GatewayProtocol.PUBLISH, encodeBuffers.get(), 0, frame));
    }

    /**
     * Publishes and waits until the gateway has the message in NATS (JetStream's acknowledgement for subjects the
     * gateway has configured durable) or in its durable spool.
     *
     * @param subject the NATS subject, no wildcards.
     * @param payload the payload.
     * @param timeout how long to wait.
     * @throws GatewayException with the status when it was not accepted.
     */
    public void publishAcked(final String subject, final byte[] payload, final Duration timeout)
    {
        publishAcked(subject, null, wrapped(payload), 0, payload.length, timeout);
    }

    /**
     * Publishes with headers from a buffer and waits for the gateway's acknowledgement.
     *
     * @param subject the NATS subject, no wildcards.
     * @param headers headers, or null.
     * @param payload the buffer holding the payload.
     * @param offset  where it starts.
     * @param length  its length.
     * @param timeout how long to wait.
     * @throws GatewayException with the status when it was not accepted.
     */
    public void publishAcked(
        final String subject, final GatewayHeaders headers, final DirectBuffer payload, final int offset,
        final int length, final Duration timeout)
    {
        checkSubject(subject, false);
        final int frame = encode(0, subject, headers, payload, offset, length);
        blockingRequest(GatewayProtocol.PUBLISH_ACKED, frame, timeout.toNanos(), subject).release();
    }

    /**
     * Publishes with acknowledgement without waiting.
     *
     * @param subject the NATS subject, no wildcards.
     * @param headers headers, or null.
     * @param payload the payload.
     * @param timeout how long to wait for the acknowledgement.
     * @return completes when acknowledged, or exceptionally with a {@link GatewayException}.
     */
    public CompletableFuture<Void> publishAckedAsync(
        final String subject, final GatewayHeaders headers, final byte[] payload, final Duration timeout)
    {
        return sendAsync(GatewayProtocol.PUBLISH_ACKED, 0, subject, headers, payload, timeout.toNanos())
            .thenApply(response -> null);
    }

    /**
     * Sends a NATS request and waits for the reply.
     *
     * @param subject the NATS subject, no wildcards.
     * @param payload the request.
     * @param timeout how long NATS may take to answer (the local wait adds {@link #LOCAL_TIMEOUT_SLACK}).
     * @return the reply's payload.
     * @throws GatewayException with {@link GatewayStatus#NATS_TIMEOUT}, {@link GatewayStatus#NO_RESPONDERS}, ...
     */
    public byte[] request(final String subject, final byte[] payload, final Duration timeout)
    {
        return request(subject, null, wrapped(payload), 0, payload.length, timeout);
    }

    /**
     * Sends a NATS request from a buffer, with headers, and waits for the reply.
     *
     * @param subject the NATS subject, no wildcards.
     * @param headers headers carried into NATS, or null.
     * @param payload the buffer holding the request.
     * @param offset  where it starts.
     * @param length  its length.
     * @param timeout how long NATS may take to answer.
     * @return the reply's payload.
     * @throws GatewayException with the status when there is no reply.
     */
    public byte[] request(
        final String subject, final GatewayHeaders headers, final DirectBuffer payload, final int offset,
        final int length, final Duration timeout)
    {
        checkSubject(subject, false);
        final int frame = encode(timeoutArgument(timeout), subject, headers, payload, offset, length);
        final ResponseCapture capture =
            blockingRequest(GatewayProtocol.REQUEST, frame, localTimeoutNs(timeout), subject);
        try
        {
            return capture.replyPayload();
        }
        finally
        {
            capture.release();
        }
    }

    /**
     * Sends a NATS request and returns at once.
     *
     * @param subject the NATS subject, no wildcards.
     * @param payload the request.
     * @param timeout how long NATS may take to answer.
     * @return completes with the reply's payload, or exceptionally with a {@link GatewayException}.
     */
    public CompletableFuture<byte[]> requestAsync(final String subject, final byte[] payload, final Duration timeout)
    {
        return requestAsync(subject, null, payload, timeout);
    }

    /**
     * Sends a NATS request with headers and returns at once.
     *
     * @param subject the NATS subject, no wildcards.
     * @param headers headers, or null.
     * @param payload the request.
     * @param timeout how long NATS may take to answer.
     * @return completes with the reply's payload, or exceptionally with a {@link GatewayException}.
     */
    public CompletableFuture<byte[]> requestAsync(
        final String subject, final GatewayHeaders headers, final byte[] payload, final Duration timeout)
    {
        return sendAsync(GatewayProtocol.REQUEST, timeoutArgument(timeout), subject, headers, payload,
            localTimeoutNs(timeout)).thenApply(GatewayClient::replyPayload);
    }

    /**
     * Sends a NATS request and returns at once, allocating nothing: the outcome goes to {@code listener} exactly once
     * (with {@code context}) when this returns {@link GatewayStatus#OK}, never otherwise. The reply's payload is a
     * view valid during the callback, on the client's receiver thread (see {@link GatewayReplyListener}); its
     * headers are not passed on (use {@link #requestAsync(String, GatewayHeaders, byte[], Duration)} for them).
     * Pass one listener to many requests: the client keeps an adapter per listener (up to
     * {@link #MAX_CACHED_LISTENERS}), and {@code context} tells the requests apart.
     *
     * @param subject  the NATS subject, no wildcards.
     * @param headers  headers carried into NATS, or null.
     * @param payload  the buffer holding the request.
     * @param offset   where it starts.
     * @param length   its length.
     * @param timeout  how long NATS may take to answer, 1 ms or more (the local wait adds
     *                 {@link #LOCAL_TIMEOUT_SLACK}).
     * @param listener receives the outcome.
     * @param context  handed to {@code listener} with the outcome.
     * @return {@link GatewayStatus#OK} (sent); or, nothing sent and the listener not called,
     *         {@link GatewayStatus#INVALID_SUBJECT}, {@link GatewayStatus#PAYLOAD_TOO_LARGE},
     *         {@link GatewayStatus#BACK_PRESSURED} (the gateway's inbox is full or the client's
     *         {@link ClientContext#maxInFlight} requests are in flight), {@link GatewayStatus#GATEWAY_UNAVAILABLE}.
     * @throws IllegalArgumentException when the timeout is not 1 ms to {@code Integer.MAX_VALUE} ms, or
     *                                  {@code listener} is null.
     */
    public GatewayStatus requestAsync(
        final String subject, final GatewayHeaders headers, final DirectBuffer payload, final int offset,
        final int length, final Duration timeout, final GatewayReplyListener listener, final long context)
    {
        if (listener == null)
        {
            throw new IllegalArgumentException("listener is required");
        }
        final int timeoutMs = timeoutArgument(timeout);
        if (!SubjectRules.isValidSubject(subject, GatewayProtocol.MAX_SUBJECT_LENGTH))
        {
            return GatewayStatus.INVALID_SUBJECT;
        }
        final int frame = encode(timeoutMs, subject, headers, payload, offset, length);
        return statusOf(shm.requestAsync(GatewayProtocol.REQUEST, encodeBuffers.get(), 0, frame,
            timeout.toNanos() + LOCAL_TIMEOUT_SLACK_NS, adapterFor(listener), context));
    }

    /**
     * Subscribes to a subject pattern; many local clients subscribing to one pattern share one NATS subscription in
     * the gateway.
     *
     * @param pattern the NATS subject pattern ({@code *} and {@code >} wildcards allowed).
     * @param handler receives the messages on the receiver thread.
     * @return the subscription, active when this returns.
     * @throws GatewayException when the gateway refused it.
     */
    public Subscription subscribe(final String pattern, final GatewayMessageHandler handler)
    {
        checkSubject(pattern, true);
        final ClientSubscription subscription =
            new ClientSubscription(nextSubscriptionId.incrementAndGet(), pattern, handler);
        subscriptions.put(subscription.id(), subscription);
        try
        {
            sendControl(GatewayProtocol.SUBSCRIBE, subscription.id(), pattern);
        }
        catch (final RuntimeException ex)
        {
            subscriptions.remove(subscription.id());
            throw ex;
        }
        return subscription;
    }

    /**
     * Whether the gateway is connected now.
     *
     * @return true while the gateway's service is reachable.
     */
    public boolean isConnected()
    {
        return shm.isConnected();
    }

    /**
     * How many times this client reconnected to a restarted gateway.
     *
     * @return the count.
     */
    public long reconnects()
    {
        return shm.reconnects();
    }

    /**
     * The underlying shared-memory client, for its counters and session id.
     *
     * @return the client.
     */
    public ShmClient shmClient()
    {
        return shm;
    }

    /** Ends every subscription locally and disconnects (the gateway drops this session's subscriptions). */
    @Override
    public void close()
    {
        if (closed.compareAndSet(false, true))
        {
            resubscriber.shutdownNow();
            subscriptions.clear();
            shm.close();
        }
    }

    private void onPush(final int typeId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (typeId != GatewayProtocol.MESSAGE || !pushed.wrap(buffer, offset, length))
        {
            return;
        }
        final ClientSubscription subscription = subscriptions.get(pushed.subscriptionId());
        if (subscription != null)
        {
            subscription.deliver(pushed);
        }
    }

    private void resubscribeAfterReconnect()
    {
        final long reconnects = shm.reconnects();
        if (reconnects == reconnectsSeen || !shm.isConnected())
        {
            return;
        }
        reconnectsSeen = reconnects;
        for (final ClientSubscription subscription : subscriptions.values())
        {
            try
            {
                sendControl(GatewayProtocol.SUBSCRIBE, subscription.id(), subscription.pattern());
            }
            catch (final RuntimeException ex)
            {
                // The gateway went again: the next reconnect retries.
                reconnectsSeen = reconnects - 1;
                return;
            }
        }
    }

    private void sendControl(final int typeId, final int argument, final String pattern)
    {
        final int frame = encode(argument, pattern, null, EMPTY_BUFFER, 0, 0);
        blockingRequest(typeId, frame, shmTimeoutNs(), pattern).release();
    }

    private long shmTimeoutNs()
    {
        return TimeUnit.SECONDS.toNanos(5);
    }

    private ReplyAdapter adapterFor(final GatewayReplyListener listener)
    {
        final ReplyAdapter cached = replyAdapters.get(listener);
        if (cached != null)
        {
            return cached;
        }
        final ReplyAdapter adapter = new ReplyAdapter(listener);
        if (replyAdapters.size() >= MAX_CACHED_LISTENERS)
        {
            return adapter;
        }
        final ReplyAdapter raced = replyAdapters.putIfAbsent(listener, adapter);
        return raced == null ? adapter : raced;
    }

    private CompletableFuture<ShmResponse> sendAsync(
        final int typeId, final int argument, final String subject, final GatewayHeaders headers,
        final byte[] payload, final long timeoutNs)
    {
        final String problem = SubjectRules.describeProblem(subject, GatewayProtocol.MAX_SUBJECT_LENGTH, false);
        if (problem != null)
        {
            return CompletableFuture.failedFuture(new GatewayException(GatewayStatus.INVALID_SUBJECT, problem));
        }
        final int frame = encode(argument, subject, headers, wrapped(payload), 0, payload.length);
        return shm.requestAsync(typeId, encodeBuffers.get(), 0, frame, timeoutNs)
            .handle((response, failure) ->
            {
                if (failure != null)
                {
                    throw new CompletionException(translate(failure, subject));
                }
                if (response.typeId() == CallResult.ERROR_TYPE_ID)
                {
                    throw new CompletionException(errorOf(response.buffer(), 0, response.length(), subject));
                }
                return response;
            });
    }

    private ResponseCapture blockingRequest(
        final int typeId, final int frameLength, final long timeoutNs, final String subject)
    {
        final ResponseCapture capture = captures.get();
        final long result = shm.request(typeId, encodeBuffers.get(), 0, frameLength, capture, timeoutNs);
        if (result != OfferResult.OK)
        {
            capture.release();
            throw new GatewayException(statusOf(result), "subject=" + subject + " code=" +
                OfferResult.describe(result));
        }
        if (capture.typeId == CallResult.ERROR_TYPE_ID)
        {
            final GatewayException error = errorOf(capture.buffer, 0, capture.length, subject);
            capture.release();
            throw error;
        }
        return capture;
    }

    private int encode(
        final int argument, final String subject, final GatewayHeaders headers, final DirectBuffer payload,
        final int offset, final int length)
    {
        final ExpandableDirectByteBuffer buffer = encodeBuffers.get();
        final int frameLength = GatewayFrame.frameLength(subject, null, headers, length);
        buffer.checkLimit(frameLength);
        final int head = GatewayFrame.encodeHead(buffer, 0, argument, subject, null, headers);
        buffer.putBytes(head, payload, offset, length);
        return frameLength;
    }

    private static void checkSubject(final String subject, final boolean pattern)
    {
        final String problem = SubjectRules.describeProblem(subject, GatewayProtocol.MAX_SUBJECT_LENGTH, pattern);
        if (problem != null)
        {
            throw new GatewayException(GatewayStatus.INVALID_SUBJECT, problem);
        }
    }

    private UnsafeBuffer wrapped(final byte[] payload)
    {
        // A per-thread view, used only until the frame is encoded: the byte[] variants allocate nothing either.
        if (payload.length == 0)
        {
            return EMPTY_BUFFER;
        }
        final UnsafeBuffer view = views.get();
        view.wrap(payload);
        return view;
    }

    private static int timeoutArgument(final Duration timeout)
    {
        final long ms = timeout.toMillis();
        if (ms <= 0 || ms > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("timeout must be 1 ms to " + Integer.MAX_VALUE + " ms: timeout=" +
                timeout);
        }
        return (int)ms;
    }

    private static long localTimeoutNs(final Duration timeout)
    {
        return timeout.toNanos() + LOCAL_TIMEOUT_SLACK_NS;
    }

    private static GatewayStatus statusOf(final long offerResult)
    {
        if (offerResult == OfferResult.OK)
        {
            return GatewayStatus.OK;
        }
        if (offerResult == OfferResult.BACK_PRESSURED)
        {
            return GatewayStatus.BACK_PRESSURED;
        }
        if (offerResult == OfferResult.TOO_LARGE)
        {
            return GatewayStatus.PAYLOAD_TOO_LARGE;
        }
        if (offerResult == OfferResult.TIMED_OUT)
        {
            return GatewayStatus.LOCAL_TIMEOUT;
        }
        if (offerResult == OfferResult.INVALID_ARGUMENT)
        {
            return GatewayStatus.INTERNAL;
        }
        return GatewayStatus.GATEWAY_UNAVAILABLE;
    }

    private static GatewayException errorOf(
        final DirectBuffer buffer, final int offset, final int length, final String subject)
    {
        final int code = buffer.getInt(offset + CallResult.ERROR_STATUS_OFFSET);
        final String message = buffer.getStringWithoutLengthUtf8(offset + CallResult.ERROR_MESSAGE_OFFSET,
            length - CallResult.ERROR_MESSAGE_OFFSET);
        return new GatewayException(GatewayStatus.fromCode(code), "subject=" + subject + " " + message);
    }

    private static Throwable translate(final Throwable failure, final String subject)
    {
        final Throwable cause = failure instanceof CompletionException && failure.getCause() != null ?
            failure.getCause() : failure;
        if (cause instanceof GatewayException)
        {
            return cause;
        }
        if (cause instanceof RequestTimeoutException)
        {
            return new GatewayException(GatewayStatus.LOCAL_TIMEOUT, "subject=" + subject, cause);
        }
        if (cause instanceof PeerDeadException)
        {
            return new GatewayException(GatewayStatus.GATEWAY_UNAVAILABLE, "subject=" + subject, cause);
        }
        final String message = String.valueOf(cause.getMessage());
        final GatewayStatus status = message.contains("BACK_PRESSURED") ? GatewayStatus.BACK_PRESSURED :
            message.contains("TOO_LARGE") ? GatewayStatus.PAYLOAD_TOO_LARGE : GatewayStatus.GATEWAY_UNAVAILABLE;
        return new GatewayException(status, "subject=" + subject, cause);
    }

    private static byte[] replyPayload(final ShmResponse response)
    {
        final GatewayFrame frame = new GatewayFrame();
        if (response.typeId() != GatewayProtocol.REPLY || !frame.wrap(response.buffer(), 0, response.length()))
        {
            throw new GatewayException(GatewayStatus.INTERNAL, "unexpected response type=" + response.typeId());
        }
        return frame.payloadBytes();
    }

    /**
     * Turns the shared-memory client's outcome into the gateway's: the reply frame's payload, the gateway's error
     * status, or the local status. One per listener; responses of one connection are delivered by one thread at a
     * time (the one holding its poll guard), so the frame it wraps them in is never shared by two deliveries.
     */
    private static final class ReplyAdapter implements ResponseListener
    {
        private final GatewayReplyListener listener;
        private final GatewayFrame frame = new GatewayFrame();

        ReplyAdapter(final GatewayReplyListener listener)
        {
            this.listener = listener;
        }

        @Override
        public void onResponse(
            final long context, final long result, final int typeId, final DirectBuffer buffer, final int offset,
            final int length)
        {
            if (result != OfferResult.OK)
            {
                listener.onReply(context, statusOf(result), EMPTY_BUFFER, 0, 0);
            }
            else if (typeId == CallResult.ERROR_TYPE_ID && length >= CallResult.ERROR_MESSAGE_OFFSET)
            {
                final int code = buffer.getInt(offset + CallResult.ERROR_STATUS_OFFSET);
                listener.onReply(context, GatewayStatus.fromCode(code), buffer,
                    offset + CallResult.ERROR_MESSAGE_OFFSET, length - CallResult.ERROR_MESSAGE_OFFSET);
            }
            else if (typeId == GatewayProtocol.REPLY && frame.wrap(buffer, offset, length))
            {
                listener.onReply(context, GatewayStatus.OK, buffer, frame.payloadOffset(), frame.payloadLength());
            }
            else
            {
                listener.onReply(context, GatewayStatus.INTERNAL, EMPTY_BUFFER, 0, 0);
            }
        }
    }

    /** Captures the response of a blocking request (one per thread; copied because the view ends with the call). */
    private static final class ResponseCapture implements io.ipcgateway.core.MessageHandler
    {
        private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(256);
        private final GatewayFrame frame = new GatewayFrame();
        private int typeId;
        private int length;

        @Override
        public void onMessage(final int typeId, final DirectBuffer src, final int offset, final int length)
        {
            this.typeId = typeId;
            this.length = length;
            buffer.putBytes(0, src, offset, length);
        }

        byte[] replyPayload()
        {
            if (typeId != GatewayProtocol.REPLY || !frame.wrap(buffer, 0, length))
            {
                throw new GatewayException(GatewayStatus.INTERNAL, "unexpected response type=" + typeId);
            }
            return frame.payloadBytes();
        }

        void release()
        {
            typeId = 0;
            length = 0;
        }
    }

    /** One subscription: its handler and count; closing removes it here and at the gateway. */
    private final class ClientSubscription implements Subscription
    {
        private final int id;
        private final String pattern;
        private final GatewayMessageHandler handler;
        private final AtomicLong delivered = new AtomicLong();
        private final AtomicBoolean active = new AtomicBoolean(true);

        ClientSubscription(final int id, final String pattern, final GatewayMessageHandler handler)
        {
            this.id = id;
            this.pattern = pattern;
            this.handler = handler;
        }

        void deliver(final GatewayMessage message)
        {
            if (active.get())
            {
                delivered.incrementAndGet();
                handler.onMessage(message);
            }
        }

        @Override
        public int id()
        {
            return id;
        }

        @Override
        public String pattern()
        {
            return pattern;
        }

        @Override
        public long delivered()
        {
            return delivered.get();
        }

        @Override
        public void close()
        {
            if (active.compareAndSet(true, false))
            {
                subscriptions.remove(id);
                if (!closed.get() && shm.isConnected())
                {
                    try
                    {
                        sendControl(GatewayProtocol.UNSUBSCRIBE, id, pattern);
                    }
                    catch (final GatewayException ex)
                    {
                        // Best effort: the gateway drops it anyway when this client disconnects.
                    }
                }
            }
        }

        @Override
        public String toString()
        {
            return "Subscription{id=" + id + ", pattern=" + pattern + ", delivered=" + delivered.get() + "}";
        }
    }
}
