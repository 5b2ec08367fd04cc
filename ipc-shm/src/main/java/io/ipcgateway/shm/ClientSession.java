package io.ipcgateway.shm;

import java.nio.file.Path;

import io.ipcgateway.core.IpcCounters;
import io.ipcgateway.core.MessageClaim;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.shm.notify.Notifier;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.AtomicBuffer;

/**
 * The server's view of one connected client: who it is, and how to answer it. Responses and pushes go into the
 * client's own inbox ring (one-to-one), so send only from the server's duty-cycle thread (its handler callbacks)
 * or from one thread at a time; from other threads use {@link ShmServer#execute(Runnable)} (runs a task on the duty
 * cycle) or the thread-safe {@link ShmServer#push(ClientSession, int, byte[])}.
 * <p>
 * Bad arguments are a code, never a jammed client: a negative type id, a null buffer, a negative offset or length,
 * or {@code offset + length} beyond the buffer's capacity return {@link OfferResult#INVALID_ARGUMENT} before anything
 * is claimed in the client's inbox, and a fault between claim and commit aborts the claim. A handler that throws
 * with a zero-copy claim open has the claim aborted by the server (and reported to its error handler). A claim left
 * open otherwise makes the client drop the connection after its liveness timeout (see
 * {@link ShmClient#isConnected()}).
 */
public final class ClientSession
{
    private final int sessionId;
    private final long pid;
    private final int uid;
    private final ChannelFile file;
    private final Notifier notifier;
    private final FrameWriter writer;
    private final Reassembler reassembler;
    private boolean connected = true;
    private ExpandableArrayBuffer errorBuffer;

    ClientSession(
        final int sessionId,
        final long pid,
        final ChannelFile file,
        final Notifier notifier,
        final int maxMessageLength,
        final long sendTimeoutNs,
        final IpcCounters serverCounters,
        final WakeBatch wakeBatch)
    {
        this.sessionId = sessionId;
        this.pid = pid;
        this.uid = ProcessInfo.uidOf(file.path());
        this.file = file;
        this.notifier = notifier;
        this.writer = new FrameWriter(FrameRing.of(file, false), notifier, false,
            Math.min(maxMessageLength, file.maxMessageLength()), sendTimeoutNs, serverCounters);
        this.writer.deferWakesTo(wakeBatch);
        this.reassembler = new Reassembler(maxMessageLength);
    }

    /**
     * Id of this session, unique within the server's life.
     *
     * @return the session id.
     */
    public int sessionId()
    {
        return sessionId;
    }

    /**
     * Process id of the client.
     *
     * @return the pid.
     */
    public long pid()
    {
        return pid;
    }

    /**
     * User id owning the client's inbox file (the client's uid).
     *
     * @return the uid, or -1 when unknown.
     */
    public int uid()
    {
        return uid;
    }

    /**
     * The client's inbox file.
     *
     * @return its path.
     */
    public Path clientFile()
    {
        return file.path();
    }

    /**
     * Whether the client is still connected.
     *
     * @return false after it disconnected or the server closed.
     */
    public boolean isConnected()
    {
        return connected;
    }

    /**
     * Answers a request.
     *
     * @param correlationId the id given to {@link ServerHandler#onRequest}.
     * @param typeId        application type id of the response (non-negative).
     * @param src           buffer holding the response.
     * @param offset        offset of the response.
     * @param length        length of the response.
     * @return {@link OfferResult#OK} or a negative {@link OfferResult} code ({@code INVALID_ARGUMENT} for the bad
     *         arguments listed on this class, nothing claimed).
     */
    public long respond(
        final long correlationId, final int typeId, final DirectBuffer src, final int offset, final int length)
    {
        if (!connected)
        {
            return OfferResult.NOT_CONNECTED;
        }
        return writer.send(FrameDescriptor.RESPONSE_KIND, sessionId, typeId, correlationId, src, offset, length);
    }

    /**
     * Answers a request with an error status instead of a value: {@link ShmClient#call} throws a
     * {@link io.ipcgateway.core.CallException} with this status and message, {@link ShmClient#tryCall} returns them
     * on its {@link CallResult}. Sent as a response of the reserved type id {@link CallResult#ERROR_TYPE_ID}; from the
     * duty-cycle thread, like {@link #respond}.
     *
     * @param correlationId the id given to {@link ServerHandler#onRequest}.
     * @param status        the application's error status, any value but {@link CallResult#STATUS_OK} (0).
     * @param message       what went wrong, for the caller (UTF-8).
     * @return {@link OfferResult#OK} or a negative {@link OfferResult} code ({@code INVALID_ARGUMENT} for status 0
     *         or a null message).
     */
    public long respondError(final long correlationId, final int status, final String message)
    {
        if (status == CallResult.STATUS_OK || message == null)
        {
            return OfferResult.INVALID_ARGUMENT;
        }
        if (errorBuffer == null)
        {
            errorBuffer = new ExpandableArrayBuffer(128);
        }
        errorBuffer.putInt(CallResult.ERROR_STATUS_OFFSET, status);
        final int length = CallResult.ERROR_MESSAGE_OFFSET
            + errorBuffer.putStringWithoutLengthUtf8(CallResult.ERROR_MESSAGE_OFFSET, message);
        return respond(correlationId, CallResult.ERROR_TYPE_ID, errorBuffer, 0, length);
    }

    /**
     * Sends a message the client did not ask for; it reaches the client's push handler.
     *
     * @param typeId application type id (non-negative).
     * @param src    buffer holding the message.
     * @param offset offset of the message.
     * @param length length of the message.
     * @return {@link OfferResult#OK} or a negative {@link OfferResult} code ({@code INVALID_ARGUMENT} for the bad
     *         arguments listed on this class, nothing claimed).
     */
    public long push(final int typeId, final DirectBuffer src, final int offset, final int length)
    {
        if (!connected)
        {
            return OfferResult.NOT_CONNECTED;
        }
        return writer.send(FrameDescriptor.PUSH_KIND, sessionId, typeId, 0, src, offset, length);
    }

    /**
     * Claims room for a response written in place; then {@link MessageClaim#commit()} or
     * {@link MessageClaim#abort()}. Limited to one ring record ({@link #maxClaimLength()}).
     *
     * @param correlationId the request's correlation id.
     * @param typeId        application type id.
     * @param length        length of the response.
     * @param claim         claim to wrap.
     * @return {@link OfferResult#OK} or a negative code ({@code TOO_LARGE} beyond one record).
     */
    public long tryClaimResponse(final long correlationId, final int typeId, final int length, final MessageClaim claim)
    {
        if (!connected)
        {
            return OfferResult.NOT_CONNECTED;
        }
        return writer.tryClaim(FrameDescriptor.RESPONSE_KIND, sessionId, typeId, correlationId, length, claim);
    }

    /**
     * Claims room for a push written in place; then {@link MessageClaim#commit()} or {@link MessageClaim#abort()}.
     *
     * @param typeId application type id.
     * @param length length of the message.
     * @param claim  claim to wrap.
     * @return {@link OfferResult#OK} or a negative code ({@code TOO_LARGE} beyond one record).
     */
    public long tryClaimPush(final int typeId, final int length, final MessageClaim claim)
    {
        if (!connected)
        {
            return OfferResult.NOT_CONNECTED;
        }
        return writer.tryClaim(FrameDescriptor.PUSH_KIND, sessionId, typeId, 0, length, claim);
    }

    /**
     * Largest payload a zero-copy claim to this client can hold (one ring record minus the frame header).
     *
     * @return bytes.
     */
    public int maxClaimLength()
    {
        return writer.maxClaimLength(FrameDescriptor.RESPONSE_KIND);
    }

    /**
     * Whether the client looks dead: its heartbeat is older than the timeout and its process is gone (for a client
     * in another pid namespace, the stale heartbeat alone).
     */
    boolean isDead(final long nowNs, final long livenessTimeoutNs)
    {
        return ProcessInfo.isOwnerDead(file, nowNs, livenessTimeoutNs);
    }

    /**
     * @return whether another process shortened the client's file after it was mapped.
     */
    boolean isTruncated()
    {
        return file.isTruncated();
    }

    /**
     * @return the length of the client's file as mapped.
     */
    long mappedLength()
    {
        return file.mappedLength();
    }

    Reassembler reassembler()
    {
        return reassembler;
    }

    /**
     * Aborts the zero-copy claim into this client's inbox that the server's handler left open (it threw before
     * commit or abort), so the client can read on.
     *
     * @return true when a claim was aborted.
     */
    boolean abortOpenClaim()
    {
        return connected && writer.abortOpenClaim();
    }

    /**
     * The session goes: takes the client's share of the waiting requesters back from the service's count
     * ({@link WaitGate#takeBackShare}); a file another process truncated is left alone (reading it could fault).
     */
    void takeBackWaiters(final AtomicBuffer serviceHeader)
    {
        if (connected && !file.isTruncated())
        {
            WaitGate.takeBackShare(serviceHeader, file.header());
        }
    }

    boolean sendClosing()
    {
        return writer.sendControl(FrameDescriptor.CLOSING_KIND, ShmServer.EMPTY, 0, 0);
    }

    boolean sendControl(final int kind, final DirectBuffer src, final int offset, final int length)
    {
        return writer.sendControl(kind, src, offset, length);
    }

    /**
     * Adds what this session's writer counted (messages and bytes sent) to the server's shared counters; the server
     * calls it at every heartbeat, which bounds how far those counters lag behind, and before it closes the session
     * (not when its own file was truncated: the counters are in that file).
     */
    void publishCounts()
    {
        writer.publishCounts();
    }

    void close()
    {
        if (!connected)
        {
            return;
        }
        connected = false;
        if (notifier != null)
        {
            writer.closeWakes();
            notifier.close();
        }
        file.close(true);
    }

    @Override
    public String toString()
    {
        return "ClientSession{sessionId=" + sessionId + ", pid=" + pid + ", uid=" + uid + ", file=" + file.path() + '}';
    }
}
