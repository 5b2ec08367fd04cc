package io.ipcgateway.examples;

import io.ipcgateway.core.OfferResult;
import io.ipcgateway.shm.ClientSession;
import io.ipcgateway.shm.ServerHandler;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintStream;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The echo service: answers every request with its own bytes, counts one-way messages per client session, and
 * answers {@link EchoProtocol#COUNT_TYPE_ID} with that count so a client can check nothing was lost.
 * <p>
 * Runs on the server's duty-cycle thread only (see {@link ServerHandler}), so its state needs no locks; the
 * per-message path looks a session up in a primitive-keyed map and allocates nothing.
 */
public final class EchoHandler implements ServerHandler
{
    /** How long a response may wait for room in a client's full ring before it is dropped and counted. */
    public static final long RESPOND_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final PrintStream out;
    private final Int2ObjectHashMap<SessionCounts> sessions = new Int2ObjectHashMap<>();
    private final UnsafeBuffer countAnswer = new UnsafeBuffer(new byte[EchoProtocol.COUNT_LENGTH]);
    private long sessionsServed;
    private long messages;
    private long requests;
    private long responsesDropped;

    private static final class SessionCounts
    {
        private long messages;
        private long requests;
    }

    /**
     * Creates the handler.
     *
     * @param out where connects and disconnects are logged, one line each.
     */
    public EchoHandler(final PrintStream out)
    {
        this.out = out;
    }

    @Override
    public void onConnect(final ClientSession session)
    {
        sessions.put(session.sessionId(), new SessionCounts());
        sessionsServed++;
        out.println("client connected: session=" + session.sessionId() + " pid=" + session.pid());
    }

    @Override
    public void onDisconnect(final ClientSession session)
    {
        final SessionCounts counts = sessions.remove(session.sessionId());
        out.println("client disconnected: session=" + session.sessionId() + " pid=" + session.pid()
            + (counts == null ? "" : " oneWayMessages=" + counts.messages + " requests=" + counts.requests));
    }

    @Override
    public void onMessage(
        final ClientSession session, final int typeId, final DirectBuffer buffer, final int offset, final int length)
    {
        messages++;
        final SessionCounts counts = sessions.get(session.sessionId());
        if (counts != null)
        {
            counts.messages++;
        }
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
        requests++;
        final SessionCounts counts = sessions.get(session.sessionId());
        if (counts != null)
        {
            counts.requests++;
        }
        if (typeId == EchoProtocol.COUNT_TYPE_ID)
        {
            countAnswer.putLong(0, counts == null ? 0 : counts.messages, ByteOrder.LITTLE_ENDIAN);
            respond(session, correlationId, typeId, countAnswer, 0, EchoProtocol.COUNT_LENGTH);
        }
        else
        {
            respond(session, correlationId, typeId, buffer, offset, length);
        }
    }

    /**
     * One-way messages received from all sessions.
     *
     * @return the count.
     */
    public long messages()
    {
        return messages;
    }

    /**
     * Requests received from all sessions, including count requests.
     *
     * @return the count.
     */
    public long requests()
    {
        return requests;
    }

    /**
     * Sessions that connected since the server started.
     *
     * @return the count.
     */
    public long sessionsServed()
    {
        return sessionsServed;
    }

    /**
     * Responses that found the client's ring full for longer than {@link #RESPOND_TIMEOUT_NANOS}, or the client
     * gone.
     *
     * @return the count.
     */
    public long responsesDropped()
    {
        return responsesDropped;
    }

    private void respond(
        final ClientSession session,
        final long correlationId,
        final int typeId,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        long result = session.respond(correlationId, typeId, buffer, offset, length);
        if (result == OfferResult.BACK_PRESSURED)
        {
            // The client drains its ring whenever one of its threads waits for a response, so room comes soon;
            // waiting here holds up other clients a little but loses nothing, which an echo benchmark needs.
            final long deadline = System.nanoTime() + RESPOND_TIMEOUT_NANOS;
            while (result == OfferResult.BACK_PRESSURED && System.nanoTime() - deadline < 0)
            {
                LockSupport.parkNanos(1_000);
                result = session.respond(correlationId, typeId, buffer, offset, length);
            }
        }
        if (result < 0)
        {
            responsesDropped++;
        }
    }
}
