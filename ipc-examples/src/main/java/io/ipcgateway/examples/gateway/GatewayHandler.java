package io.ipcgateway.examples.gateway;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.ipcgateway.core.IpcException;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.shm.ClientSession;
import io.ipcgateway.shm.ServerHandler;
import io.ipcgateway.shm.ShmServer;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

/**
 * The gateway's ingress, on the shared-memory service's duty thread: decodes each frame, checks it, hands it to NATS
 * and answers the local client. It never blocks: NATS answers (replies, JetStream acks, subscription messages) come
 * back to the duty thread through {@link ShmServer#execute}, where the local response or push is sent.
 */
final class GatewayHandler implements ServerHandler
{
    private static final byte[] NO_BYTES = new byte[0];

    private final GatewayConfig config;
    private final NatsEgress nats;
    private final GatewayStats stats;
    private final SubscriptionTable<Subscription> subscriptions = new SubscriptionTable<>();
    private final GatewayFrame frame = new GatewayFrame();
    private final ExpandableDirectByteBuffer out = new ExpandableDirectByteBuffer(4096);
    private final GatewayHeaders outHeaders = new GatewayHeaders();
    private final int maxSubjectLength;
    private final long maxPayload;
    private final long defaultRequestTimeoutNs;
    private final long publishTimeoutNs;
    private volatile ShmServer server;

    GatewayHandler(final GatewayConfig config, final NatsEgress nats, final GatewayStats stats)
    {
        this.config = config;
        this.nats = nats;
        this.stats = stats;
        this.maxSubjectLength = config.limits().maxSubjectLength();
        this.maxPayload = config.limits().maxPayloadBytes();
        this.defaultRequestTimeoutNs = config.nats().requestTimeoutNs();
        this.publishTimeoutNs = config.jetstream().publishTimeoutNs();
    }

    void attach(final ShmServer server)
    {
        this.server = server;
    }

    @Override
    public void onMessage(
        final ClientSession session, final int typeId, final DirectBuffer buffer, final int offset, final int length)
    {
        final long receivedNs = System.nanoTime();
        if (typeId != GatewayProtocol.PUBLISH || !frame.wrap(buffer, offset, length))
        {
            stats.record("_malformed", GatewayOperation.PUBLISH, GatewayStatus.MALFORMED_FRAME);
            return;
        }
        final String subject = frame.subject();
        final GatewayStatus problem = check(subject, false);
        if (problem != GatewayStatus.OK)
        {
            stats.record(problem == GatewayStatus.INVALID_SUBJECT ? "_invalid" : subject, GatewayOperation.PUBLISH,
                problem);
            return;
        }
        stats.record(subject, GatewayOperation.PUBLISH, publishNow(subject));
        stats.recordLocalLeg(System.nanoTime() - receivedNs);
    }

    @Override
    public void onRequest(
        final ClientSession session,
        final long correlationId,
        final int typeId,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        final long receivedNs = System.nanoTime();
        if (!frame.wrap(buffer, offset, length))
        {
            fail(session, correlationId, "_malformed", GatewayOperation.REQUEST, GatewayStatus.MALFORMED_FRAME,
                "frame lengths do not fit: length=" + length);
            return;
        }
        switch (typeId)
        {
            case GatewayProtocol.PUBLISH_ACKED -> publishAcked(session, correlationId, receivedNs);
            case GatewayProtocol.REQUEST -> request(session, correlationId, receivedNs);
            case GatewayProtocol.SUBSCRIBE -> subscribe(session, correlationId);
            case GatewayProtocol.UNSUBSCRIBE -> unsubscribe(session, correlationId);
            default -> fail(session, correlationId, "_malformed", GatewayOperation.REQUEST,
                GatewayStatus.MALFORMED_FRAME, "unknown type id=" + typeId);
        }
    }

    @Override
    public void onDisconnect(final ClientSession session)
    {
        final List<Subscription> toClose = subscriptions.removeSession(session);
        for (final Subscription subscription : toClose)
        {
            nats.unsubscribe(subscription);
        }
        updateSubscriptionGauges();
    }

    /** Closes every NATS subscription (the service is closing). */
    void closeSubscriptions()
    {
        for (final Subscription subscription : subscriptions.clear())
        {
            try
            {
                nats.unsubscribe(subscription);
            }
            catch (final IllegalStateException ex)
            {
                // The connection is closed already.
            }
        }
        updateSubscriptionGauges();
    }

    private GatewayStatus publishNow(final String subject)
    {
        if (!nats.isConnected(subject))
        {
            return GatewayStatus.NATS_UNAVAILABLE;
        }
        try
        {
            nats.publish(subject, null, natsHeaders(), frame.payloadBytes());
            return GatewayStatus.OK;
        }
        catch (final RuntimeException ex)
        {
            return NatsFailures.statusOf(ex);
        }
    }

    private void publishAcked(final ClientSession session, final long correlationId, final long receivedNs)
    {
        final String subject = frame.subject();
        final GatewayStatus problem = check(subject, false);
        if (problem != GatewayStatus.OK)
        {
            fail(session, correlationId, subject, GatewayOperation.PUBLISH_ACKED, problem, describe(problem, subject));
            return;
        }
        if (!config.jetstream().isDurable(subject))
        {
            // Core NATS has no acknowledgement: accepted once the connection has it (see docs).
            final GatewayStatus status = publishNow(subject);
            if (status == GatewayStatus.OK)
            {
                session.respond(correlationId, GatewayProtocol.OK_TYPE, out, 0, 0);
                stats.record(subject, GatewayOperation.PUBLISH_ACKED, status);
                stats.recordLocalLeg(System.nanoTime() - receivedNs);
            }
            else
            {
                fail(session, correlationId, subject, GatewayOperation.PUBLISH_ACKED, status,
                    "NATS is not connected");
            }
            return;
        }
        if (!nats.isConnected(subject))
        {
            fail(session, correlationId, subject, GatewayOperation.PUBLISH_ACKED, GatewayStatus.NATS_UNAVAILABLE,
                "NATS is not connected");
            return;
        }
        final PendingCall call =
            new PendingCall(session, correlationId, subject, GatewayOperation.PUBLISH_ACKED, receivedNs);
        final Headers headers = natsHeaders();
        final byte[] data = frame.payloadBytes();
        call.natsStartNs = System.nanoTime();
        stats.addInFlight(1);
        final CompletableFuture<?> ack;
        try
        {
            ack = nats.publishDurable(subject, headers, data, publishTimeoutNs);
        }
        catch (final RuntimeException ex)
        {
            stats.addInFlight(-1);
            fail(session, correlationId, subject, GatewayOperation.PUBLISH_ACKED, NatsFailures.statusOf(ex),
                NatsFailures.describe(ex));
            return;
        }
        ack.whenComplete((result, failure) -> handBack(call, null, failure));
    }

    private void request(final ClientSession session, final long correlationId, final long receivedNs)
    {
        final String subject = frame.subject();
        final GatewayStatus problem = check(subject, false);
        if (problem != GatewayStatus.OK)
        {
            fail(session, correlationId, subject, GatewayOperation.REQUEST, problem, describe(problem, subject));
            return;
        }
        if (!nats.isConnected(subject))
        {
            fail(session, correlationId, subject, GatewayOperation.REQUEST, GatewayStatus.NATS_UNAVAILABLE,
                "NATS is not connected");
            return;
        }
        final int timeoutMs = frame.argument();
        final long timeoutNs = timeoutMs > 0 ? timeoutMs * 1_000_000L : defaultRequestTimeoutNs;
        final PendingCall call = new PendingCall(session, correlationId, subject, GatewayOperation.REQUEST,
            receivedNs);
        final Headers headers = natsHeaders();
        final byte[] data = frame.payloadBytes();
        call.natsStartNs = System.nanoTime();
        stats.addInFlight(1);
        final CompletableFuture<Message> reply;
        try
        {
            reply = nats.request(subject, headers, data, timeoutNs);
        }
        catch (final RuntimeException ex)
        {
            stats.addInFlight(-1);
            fail(session, correlationId, subject, GatewayOperation.REQUEST, NatsFailures.statusOf(ex),
                NatsFailures.describe(ex));
            return;
        }
        reply.whenComplete((message, failure) -> handBack(call, message, failure));
    }

    /** On a NATS thread: note the time and queue the answer for the duty thread. */
    private void handBack(final PendingCall call, final Message reply, final Throwable failure)
    {
        call.natsDoneNs = System.nanoTime();
        try
        {
            server.execute(() -> complete(call, reply, failure));
        }
        catch (final IpcException closed)
        {
            stats.addInFlight(-1);
        }
    }

    /** On the duty thread: answer the local client. */
    private void complete(final PendingCall call, final Message reply, final Throwable failure)
    {
        stats.addInFlight(-1);
        stats.recordNatsLeg(call.natsDoneNs - call.natsStartNs);
        if (failure != null)
        {
            final GatewayStatus status = NatsFailures.statusOf(failure);
            fail(call.session, call.correlationId, call.subject, call.operation, status,
                NatsFailures.describe(failure));
            return;
        }
        final long result;
        if (call.operation == GatewayOperation.REQUEST)
        {
            final int frameLength = encodeMessage(0, reply);
            result = call.session.respond(call.correlationId, GatewayProtocol.REPLY, out, 0, frameLength);
        }
        else
        {
            result = call.session.respond(call.correlationId, GatewayProtocol.OK_TYPE, out, 0, 0);
        }
        if (result == OfferResult.TOO_LARGE)
        {
            fail(call.session, call.correlationId, call.subject, call.operation, GatewayStatus.PAYLOAD_TOO_LARGE,
                "the reply is larger than the client accepts");
            return;
        }
        stats.record(call.subject, call.operation, GatewayStatus.OK);
        final long now = System.nanoTime();
        stats.recordLocalLeg((call.natsStartNs - call.receivedNs) + (now - call.natsDoneNs));
    }

    private void subscribe(final ClientSession session, final long correlationId)
    {
        final String pattern = frame.subject();
        final int id = frame.argument();
        if (!SubjectRules.isValidPattern(pattern, maxSubjectLength))
        {
            fail(session, correlationId, "_invalid", GatewayOperation.SUBSCRIBE, GatewayStatus.INVALID_SUBJECT,
                SubjectRules.describeProblem(pattern, maxSubjectLength, true));
            return;
        }
        if (subscriptions.add(session, id, pattern))
        {
            try
            {
                subscriptions.attach(pattern, nats.subscribe(pattern, message -> onNatsMessage(pattern, message)));
            }
            catch (final RuntimeException ex)
            {
                subscriptions.remove(session, id);
                fail(session, correlationId, pattern, GatewayOperation.SUBSCRIBE, NatsFailures.statusOf(ex),
                    NatsFailures.describe(ex));
                return;
            }
        }
        updateSubscriptionGauges();
        stats.record(pattern, GatewayOperation.SUBSCRIBE, GatewayStatus.OK);
        session.respond(correlationId, GatewayProtocol.OK_TYPE, out, 0, 0);
    }

    private void unsubscribe(final ClientSession session, final long correlationId)
    {
        final String pattern = frame.subject();
        final Subscription last = subscriptions.remove(session, frame.argument());
        if (last != null)
        {
            nats.unsubscribe(last);
        }
        updateSubscriptionGauges();
        stats.record(SubjectRules.isValidPattern(pattern, maxSubjectLength) ? pattern : "_invalid",
            GatewayOperation.UNSUBSCRIBE, GatewayStatus.OK);
        session.respond(correlationId, GatewayProtocol.OK_TYPE, out, 0, 0);
    }

    /** On the NATS dispatcher's thread: queue the message for the duty thread. */
    private void onNatsMessage(final String pattern, final Message message)
    {
        if (message.isStatusMessage())
        {
            return;
        }
        try
        {
            server.execute(() -> deliver(pattern, message));
        }
        catch (final IpcException closed)
        {
            // The service is closing: nobody to deliver to.
        }
    }

    /** On the duty thread: push one NATS message to every local subscriber of its pattern. */
    private void deliver(final String pattern, final Message message)
    {
        final List<SubscriptionTable.Subscriber> subscribers = subscriptions.subscribers(pattern);
        if (subscribers.isEmpty())
        {
            return;
        }
        final int frameLength = encodeMessage(0, message);
        final String subject = message.getSubject();
        for (int i = 0; i < subscribers.size(); i++)
        {
            final SubscriptionTable.Subscriber subscriber = subscribers.get(i);
            out.putInt(GatewayFrame.ARGUMENT_OFFSET, subscriber.subscriptionId());
            final long result = subscriber.session().push(GatewayProtocol.MESSAGE, out, 0, frameLength);
            stats.record(subject, GatewayOperation.DELIVER, result == OfferResult.OK ? GatewayStatus.OK :
                result == OfferResult.TOO_LARGE ? GatewayStatus.PAYLOAD_TOO_LARGE : GatewayStatus.BACK_PRESSURED);
        }
    }

    private int encodeMessage(final int argument, final Message message)
    {
        outHeaders.clear();
        final Headers headers = message.getHeaders();
        if (headers != null)
        {
            headers.forEach((name, values) ->
            {
                for (final String value : values)
                {
                    try
                    {
                        outHeaders.add(name, value);
                    }
                    catch (final IllegalArgumentException ex)
                    {
                        // A header the local protocol cannot carry: dropped.
                    }
                }
            });
        }
        final byte[] data = message.getData() == null ? NO_BYTES : message.getData();
        final String subject = message.getSubject();
        final String replyTo = message.getReplyTo();
        out.checkLimit(GatewayFrame.frameLength(subject, replyTo, outHeaders, data.length));
        final int head = GatewayFrame.encodeHead(out, 0, argument, subject, replyTo, outHeaders);
        out.putBytes(head, data);
        return head + data.length;
    }

    private Headers natsHeaders()
    {
        if (!frame.hasHeaders())
        {
            return null;
        }
        final Headers headers = new Headers();
        frame.readHeaders(headers::add);
        return headers;
    }

    private GatewayStatus check(final String subject, final boolean pattern)
    {
        if (!(pattern ? SubjectRules.isValidPattern(subject, maxSubjectLength) :
            SubjectRules.isValidSubject(subject, maxSubjectLength)))
        {
            return GatewayStatus.INVALID_SUBJECT;
        }
        if (frame.payloadLength() > maxPayload)
        {
            return GatewayStatus.PAYLOAD_TOO_LARGE;
        }
        return GatewayStatus.OK;
    }

    private String describe(final GatewayStatus problem, final String subject)
    {
        return problem == GatewayStatus.INVALID_SUBJECT ?
            SubjectRules.describeProblem(subject, maxSubjectLength, false) :
            "payload length=" + frame.payloadLength() + " is over limits.maxPayload=" + maxPayload;
    }

    private void fail(
        final ClientSession session,
        final long correlationId,
        final String subject,
        final GatewayOperation operation,
        final GatewayStatus status,
        final String message)
    {
        final String key = status == GatewayStatus.INVALID_SUBJECT ? "_invalid" : subject;
        stats.record(key, operation, status);
        session.respondError(correlationId, status.code(), message);
    }

    private void updateSubscriptionGauges()
    {
        stats.subscriptions(subscriptions.patternCount(), subscriptions.subscriberCount());
    }
}
