package io.ipcgateway.examples.audit;

import java.util.concurrent.TimeUnit;

import io.ipcgateway.audit.AsyncAuditAppender;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.shm.ClientSession;
import io.ipcgateway.shm.ServerHandler;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A {@link ServerHandler} that records every message in and every response out of a service in an audit log, with
 * the client's pid, uid and session ({@link TapRecord} is the layout), then hands them on. It lives here, in the
 * application module, so that ipc-audit never depends on the transport.
 * <p>
 * {@link ClientSession} is final, so a plain {@code ServerHandler} decorator could see what comes in but never what
 * goes out. The service is therefore written against {@link Handler}, whose callbacks get a {@link Session}: its
 * {@code respond} and {@code push} record the message, then send it.
 * <p>
 * What cannot be recorded is not handled: when a record cannot be handed to the appender within the append timeout
 * (its queue stays full, the message is longer than its slots, or it is closed), an incoming message is not passed to
 * the service and an outgoing one is not sent, and {@link #unrecorded()} counts it. An audit trail with holes would
 * be worse than a refused request, which the client sees as a timeout. With {@code durableBeforeSend}, a response
 * or push is sent only once its record (and so every record before it) is durable under the log's policy; this
 * waits on the server's duty-cycle thread, so use it with a group-commit policy and expect that latency.
 * <p>
 * Runs on the server's duty-cycle thread, like every handler: allocates nothing per message (one {@link Session}
 * per connection).
 */
public final class AuditTap implements ServerHandler
{
    /** Default time to wait for a free slot in the appender's queue. */
    public static final long DEFAULT_APPEND_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Default time to wait for a record to become durable with {@code durableBeforeSend}. */
    public static final long DEFAULT_DURABLE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);

    /** The service behind the tap: a {@link ServerHandler} whose callbacks get a recording {@link Session}. */
    public interface Handler
    {
        /**
         * A client connected.
         *
         * @param session the client.
         */
        default void onConnect(final Session session)
        {
        }

        /**
         * A client disconnected (or was found dead).
         *
         * @param session the client.
         */
        default void onDisconnect(final Session session)
        {
        }

        /**
         * A one-way message, already recorded.
         *
         * @param session the sender.
         * @param typeId  application type id.
         * @param buffer  holds the message (valid until this returns).
         * @param offset  where it starts.
         * @param length  its length.
         */
        default void onMessage(
            final Session session, final int typeId, final DirectBuffer buffer, final int offset, final int length)
        {
        }

        /**
         * A request, already recorded; answer with {@link Session#respond}.
         *
         * @param session       the sender.
         * @param correlationId the id to respond to.
         * @param typeId        application type id.
         * @param buffer        holds the request (valid until this returns).
         * @param offset        where it starts.
         * @param length        its length.
         */
        default void onRequest(final Session session, final long correlationId, final int typeId,
            final DirectBuffer buffer, final int offset, final int length)
        {
        }
    }

    /** One client as the service behind the tap sees it: who it is, and a way to answer that is recorded. */
    public final class Session
    {
        private final ClientSession session;

        private Session(final ClientSession session)
        {
            this.session = session;
        }

        /**
         * The transport's session, for who the client is ({@code pid()}, {@code uid()}, {@code sessionId()}).
         * Answering through it directly bypasses the audit log.
         *
         * @return the client session.
         */
        public ClientSession clientSession()
        {
            return session;
        }

        /**
         * Records the response, then sends it.
         *
         * @param correlationId the request's correlation id.
         * @param typeId        application type id.
         * @param src           holds the response.
         * @param offset        where it starts.
         * @param length        its length.
         * @return {@link OfferResult#OK}, a negative {@link OfferResult} of the send, or
         *     {@link OfferResult#BACK_PRESSURED} when it could not be recorded (and so was not sent).
         */
        public long respond(
            final long correlationId, final int typeId, final DirectBuffer src, final int offset, final int length)
        {
            if (!recordAndMaybeAwait(TapRecord.RESPONSE_OUT, session, correlationId, typeId, src, offset, length))
            {
                return OfferResult.BACK_PRESSURED;
            }
            return session.respond(correlationId, typeId, src, offset, length);
        }

        /**
         * Records the push, then sends it.
         *
         * @param typeId application type id.
         * @param src    holds the message.
         * @param offset where it starts.
         * @param length its length.
         * @return {@link OfferResult#OK}, a negative {@link OfferResult} of the send, or
         *     {@link OfferResult#BACK_PRESSURED} when it could not be recorded (and so was not sent).
         */
        public long push(final int typeId, final DirectBuffer src, final int offset, final int length)
        {
            if (!recordAndMaybeAwait(TapRecord.PUSH_OUT, session, 0, typeId, src, offset, length))
            {
                return OfferResult.BACK_PRESSURED;
            }
            return session.push(typeId, src, offset, length);
        }
    }

    private final AsyncAuditAppender appender;
    private final Handler delegate;
    private final long appendTimeoutNs;
    private final boolean durableBeforeSend;
    private final long durableTimeoutNs;
    private final Int2ObjectHashMap<Session> sessions = new Int2ObjectHashMap<>();
    private final UnsafeBuffer scratch;
    private long recorded;
    private long unrecorded;

    /**
     * A tap that does not wait for durability before sending.
     *
     * @param appender the audit log's appender (shared with other writers if wanted).
     * @param delegate the service.
     */
    public AuditTap(final AsyncAuditAppender appender, final Handler delegate)
    {
        this(appender, delegate, DEFAULT_APPEND_TIMEOUT_NS, false, DEFAULT_DURABLE_TIMEOUT_NS);
    }

    /**
     * A tap.
     *
     * @param appender          the audit log's appender.
     * @param delegate          the service.
     * @param appendTimeoutNs   how long to wait for a free slot in the appender's queue.
     * @param durableBeforeSend whether responses and pushes wait until their record is durable.
     * @param durableTimeoutNs  how long they wait for that; a response still not durable is not sent.
     */
    public AuditTap(final AsyncAuditAppender appender, final Handler delegate, final long appendTimeoutNs,
        final boolean durableBeforeSend, final long durableTimeoutNs)
    {
        this.appender = appender;
        this.delegate = delegate;
        this.appendTimeoutNs = appendTimeoutNs;
        this.durableBeforeSend = durableBeforeSend;
        this.durableTimeoutNs = durableTimeoutNs;
        this.scratch = new UnsafeBuffer(new byte[appender.maxPayloadLength()]);
    }

    @Override
    public void onConnect(final ClientSession session)
    {
        final Session tapped = new Session(session);
        sessions.put(session.sessionId(), tapped);
        if (record(TapRecord.CONNECT, session, 0, 0, scratch, 0, 0) > 0)
        {
            delegate.onConnect(tapped);
        }
    }

    @Override
    public void onDisconnect(final ClientSession session)
    {
        final Session tapped = sessions.remove(session.sessionId());
        record(TapRecord.DISCONNECT, session, 0, 0, scratch, 0, 0);
        delegate.onDisconnect(tapped != null ? tapped : new Session(session));
    }

    @Override
    public void onMessage(
        final ClientSession session, final int typeId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (record(TapRecord.MESSAGE_IN, session, 0, typeId, buffer, offset, length) > 0)
        {
            delegate.onMessage(session(session), typeId, buffer, offset, length);
        }
    }

    @Override
    public void onRequest(final ClientSession session, final long correlationId, final int typeId,
        final DirectBuffer buffer, final int offset, final int length)
    {
        if (record(TapRecord.REQUEST_IN, session, correlationId, typeId, buffer, offset, length) > 0)
        {
            delegate.onRequest(session(session), correlationId, typeId, buffer, offset, length);
        }
    }

    /**
     * Messages recorded (in and out, connects and disconnects).
     *
     * @return the count.
     */
    public long recorded()
    {
        return recorded;
    }

    /**
     * Messages that could not be recorded and so were neither handled nor sent.
     *
     * @return the count.
     */
    public long unrecorded()
    {
        return unrecorded;
    }

    private Session session(final ClientSession session)
    {
        Session tapped = sessions.get(session.sessionId());
        if (tapped == null)
        {
            tapped = new Session(session);
            sessions.put(session.sessionId(), tapped);
        }
        return tapped;
    }

    private boolean recordAndMaybeAwait(final int type, final ClientSession session, final long correlationId,
        final int typeId, final DirectBuffer src, final int offset, final int length)
    {
        final long ticket = record(type, session, correlationId, typeId, src, offset, length);
        if (ticket <= 0)
        {
            return false;
        }
        if (durableBeforeSend && !appender.awaitDurable(ticket, durableTimeoutNs))
        {
            unrecorded++;
            return false;
        }
        return true;
    }

    private long record(final int type, final ClientSession session, final long correlationId, final int typeId,
        final DirectBuffer src, final int offset, final int length)
    {
        if (length > scratch.capacity() - TapRecord.HEADER_LENGTH)
        {
            unrecorded++;
            return OfferResult.TOO_LARGE;
        }
        final int header = TapRecord.encodeHeader(
            scratch, 0, session.pid(), session.uid(), session.sessionId(), correlationId, typeId);
        scratch.putBytes(header, src, offset, length);
        final long ticket = appender.append(type, 0, scratch, 0, header + length, appendTimeoutNs);
        if (ticket > 0)
        {
            recorded++;
        }
        else
        {
            unrecorded++;
        }
        return ticket;
    }
}
