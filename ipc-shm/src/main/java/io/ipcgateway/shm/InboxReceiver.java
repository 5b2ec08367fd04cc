package io.ipcgateway.shm;

import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.CorruptionException;
import io.ipcgateway.core.CounterKind;
import io.ipcgateway.core.IpcCounters;
import io.ipcgateway.core.IpcException;
import io.ipcgateway.core.MessageHandler;
import io.ipcgateway.core.PeerDeadException;
import io.ipcgateway.shm.notify.Notifier;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

import static io.ipcgateway.shm.FrameDescriptor.CLOSING_KIND;
import static io.ipcgateway.shm.FrameDescriptor.CONNECTED_KIND;
import static io.ipcgateway.shm.FrameDescriptor.CONNECTED_LENGTH;
import static io.ipcgateway.shm.FrameDescriptor.CONNECTED_MAX_MESSAGE_LENGTH_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.CONNECTED_PROTOCOL_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.CONNECTED_SESSION_ID_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.CORRELATION_ID_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.FRAGMENT_KIND;
import static io.ipcgateway.shm.FrameDescriptor.PROTOCOL_VERSION;
import static io.ipcgateway.shm.FrameDescriptor.PUSH_HEADER_LENGTH;
import static io.ipcgateway.shm.FrameDescriptor.PUSH_KIND;
import static io.ipcgateway.shm.FrameDescriptor.REJECTED_KIND;
import static io.ipcgateway.shm.FrameDescriptor.REJECTED_REASON_LENGTH_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.REJECTED_REASON_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.RESPONSE_HEADER_LENGTH;
import static io.ipcgateway.shm.FrameDescriptor.RESPONSE_KIND;
import static io.ipcgateway.shm.FrameDescriptor.SESSION_ID_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.TYPE_ID_OFFSET;

/**
 * The receive side of a client: reads its inbox (responses, pushes, fragments, CONNECTED, REJECTED, CLOSING) and
 * does the periodic duties (heartbeat, counters, server liveness, async timeouts). Runs only on the thread holding
 * the client's {@link PollGuard}.
 */
final class InboxReceiver
{
    private static final int POLL_LIMIT = 256;
    private static final long TIMEOUT_SCAN_INTERVAL_NS = 1_000_000L;
    private static final int FRAGMENT_KINDS = Reassembler.kinds(RESPONSE_KIND, PUSH_KIND);

    private final String serviceName;
    private final ErrorHandler errorHandler;
    private final ChannelFile serverFile;
    private final ChannelFile inboxFile;
    private final OneToOneRingBuffer inbox;
    private final CheckedRingReader inboxReader;
    private final Notifier inboxNotifier;
    private final ClientState connection;
    private final RequestTable requests;
    private final AtomicCounter messagesReceived;
    private final AtomicCounter bytesReceived;
    private final AtomicCounter fragmentsReceived;
    private final AtomicCounter errors;
    private final AtomicCounter occupancy;
    private final AtomicCounter notifierSleeps;
    private final AtomicCounter notifierWakeups;
    private final Reassembler reassembler;
    private final MessageHandler pushHandler;
    private final InboxHandler inboxHandler = new InboxHandler();
    private final long heartbeatIntervalNs;
    private final long livenessTimeoutNs;
    private long nextHeartbeatNs;
    private long nextTimeoutScanNs;
    /** When the polling thread last did its heartbeat duties; read by the client watchdog. */
    private volatile long lastPollerHeartbeatNs;
    /** Where an uncommitted record waits at the head, and since when (client watchdog thread only). */
    private long stalledHead = -1;
    private long stalledSinceNs;

    InboxReceiver(
        final ClientContext context,
        final ChannelFile serverFile,
        final ChannelFile inboxFile,
        final OneToOneRingBuffer inbox,
        final Notifier inboxNotifier,
        final IpcCounters counters,
        final ClientState connection,
        final RequestTable requests)
    {
        this.serviceName = context.serviceName();
        this.errorHandler = context.errorHandler();
        this.heartbeatIntervalNs = context.heartbeatIntervalNs();
        this.livenessTimeoutNs = context.livenessTimeoutNs();
        this.pushHandler = context.pushHandler();
        this.reassembler = new Reassembler(context.maxMessageLength());
        this.serverFile = serverFile;
        this.inboxFile = inboxFile;
        this.inbox = inbox;
        this.inboxReader = new CheckedRingReader(inboxFile.ring(), inboxFile.path(), ChannelDescriptor.HEADER_LENGTH);
        this.inboxNotifier = inboxNotifier;
        this.connection = connection;
        this.requests = requests;
        this.messagesReceived = counters.counter(CounterKind.MESSAGES_RECEIVED);
        this.bytesReceived = counters.counter(CounterKind.BYTES_RECEIVED);
        this.fragmentsReceived = counters.counter(CounterKind.FRAGMENTS_RECEIVED);
        this.errors = counters.counter(CounterKind.ERRORS);
        this.occupancy = counters.counter(CounterKind.RING_OCCUPANCY_BYTES);
        this.notifierSleeps = counters.counter(CounterKind.NOTIFIER_SLEEPS);
        this.notifierWakeups = counters.counter(CounterKind.NOTIFIER_WAKEUPS);
        this.lastPollerHeartbeatNs = System.nanoTime() - 3 * heartbeatIntervalNs;
    }

    /**
     * Periodic work of whichever thread holds the poll guard: heartbeat, counters, async timeouts.
     */
    void duties(final long nowNs)
    {
        if (nowNs - nextHeartbeatNs >= 0)
        {
            nextHeartbeatNs = nowNs + heartbeatIntervalNs;
            inboxFile.heartbeat(nowNs);
            occupancy.setRelease(inbox.size());
            if (inboxNotifier != null)
            {
                notifierSleeps.setRelease(inboxNotifier.sleeps());
                notifierWakeups.setRelease(inboxNotifier.wakeups());
            }
            verifyInbox();
            checkServer(nowNs);
            lastPollerHeartbeatNs = nowNs;
        }
        if (requests.hasAsyncInFlight() && nowNs - nextTimeoutScanNs >= 0)
        {
            nextTimeoutScanNs = nowNs + TIMEOUT_SCAN_INTERVAL_NS;
            expireAsync(nowNs, "");
        }
    }

    /**
     * Expires the async requests past their deadline; when there is one, first checks that the server's process is
     * still there (see {@link #checkServerOnTimeout}), so a dead server's requests fail with
     * {@link PeerDeadException}, not a timeout. From the polling thread or the client watchdog.
     *
     * @param nowNs the monotonic time now.
     * @param hint  appended to the timeout's message.
     */
    void expireAsync(final long nowNs, final String hint)
    {
        if (requests.hasExpiredAsync(nowNs))
        {
            checkServerOnTimeout(nowNs);
            requests.expireAsync(nowNs, hint, connection);
        }
    }

    /**
     * Whether a thread polled this client (its duties at heartbeat time) within the last two heartbeat intervals.
     *
     * @param nowNs the monotonic time now.
     * @return true while some thread polls.
     */
    boolean isPolled(final long nowNs)
    {
        return nowNs - lastPollerHeartbeatNs <= 2 * heartbeatIntervalNs;
    }

    /**
     * The check a request makes when it times out, before it reports {@code TIMED_OUT}: {@link #checkServer}, and
     * then whether the server's process is still there (pid and start time, in our pid namespace; its heartbeat
     * across namespaces) even though its heartbeat is not yet older than the liveness timeout. A server killed a
     * moment ago thus fails its requests with {@code PEER_DEAD} at their timeout instead of {@code TIMED_OUT}.
     * Reads {@code /proc}: for timeouts only, never on the hot path.
     *
     * @param nowNs the monotonic time now.
     */
    void checkServerOnTimeout(final long nowNs)
    {
        checkServer(nowNs);
        if (connection.state == ClientState.CONNECTED &&
            !ProcessInfo.isOwnerAlive(serverFile, nowNs, livenessTimeoutNs))
        {
            serverLost(new PeerDeadException("service died: service=" + serviceName + " serverPid="
                + serverFile.ownerPid() + " is gone (found when a request timed out): reconnect when it is back"));
        }
    }

    /**
     * Declares the server dead when it closed without telling us, when another file replaced its file (it was
     * restarted), when its file was truncated (touching the mapping would raise SIGBUS), or when its heartbeat is
     * stale and its process (pid and start time, when it runs in our pid namespace) is gone: requests in flight
     * fail at once instead of waiting for their timeout. Called by the polling thread at heartbeat time and by the
     * client watchdog; every verdict is a compare-and-set, so it is given once.
     */
    void checkServer(final long nowNs)
    {
        if (connection.state != ClientState.CONNECTED)
        {
            return;
        }
        // The file first: a truncated file must not be read, not even its header.
        final IpcException replacedOrTruncated = checkServerFile();
        if (replacedOrTruncated != null)
        {
            serverLost(replacedOrTruncated);
            return;
        }
        try
        {
            checkServerHeader(nowNs);
        }
        catch (final InternalError fault)
        {
            // The JVM's report of a SIGBUS on the mapping. A file truncated and then removed (its server gives up a
            // truncated file and deletes it) has no length left to read, so the check above cannot see it; the
            // fault is the only sign. Dropping the server stops this pass failing again at every watchdog tick.
            final long length = serverFile.currentLength();
            serverLost(new CorruptionException(serverFile.path(), Math.max(length, 0), "server file's mapping "
                + "faulted (the file was truncated by another process" + (length < 0 ? ", then removed" : "")
                + "), mapped " + serverFile.mappedLength() + " bytes: dropping the server"));
        }
    }

    private void checkServerHeader(final long nowNs)
    {
        if (serverFile.isClosedByOwner())
        {
            if (connection.compareAndSet(ClientState.CONNECTED, ClientState.SERVER_CLOSED))
            {
                requests.failPendingRequests(new PeerDeadException("service closed: service=" + serviceName
                    + ": reconnect when it is back"));
            }
        }
        else if (ProcessInfo.isOwnerDead(serverFile, nowNs, livenessTimeoutNs))
        {
            serverLost(new PeerDeadException("service died: service=" + serviceName + " serverPid="
                + serverFile.ownerPid() + ": reconnect when it is back"));
        }
    }

    /**
     * The client side of an uncommitted record: the server claimed a record in this client's inbox and neither
     * committed nor aborted it (a stalled or broken server), so nothing behind it can be read. Once the same record
     * has waited at the head for the liveness timeout, the connection is dropped with a {@link PeerDeadException}
     * that says so (to the error handler, and to the requests in flight): {@link ShmClient#isConnected()} turns
     * false and the client reconnects with a new inbox when reconnect is on. Dropped rather than skipped: the inbox
     * has a single producer that commits with a plain store, so a skipped slot could not be defended against that
     * producer's late commit. Called by the client watchdog only.
     *
     * @param nowNs the monotonic time now.
     * @return true when the connection was dropped just now (the caller tells the server).
     */
    boolean checkInboxStall(final long nowNs)
    {
        if (connection.state != ClientState.CONNECTED)
        {
            return false;
        }
        final long head = inboxReader.uncommittedHead();
        if (head < 0)
        {
            stalledHead = -1;
            return false;
        }
        if (head != stalledHead)
        {
            stalledHead = head;
            stalledSinceNs = nowNs;
            return false;
        }
        if (nowNs - stalledSinceNs < livenessTimeoutNs)
        {
            return false;
        }
        final long offset = ChannelDescriptor.HEADER_LENGTH + (head & (inboxFile.ringCapacity() - 1));
        final PeerDeadException stall = new PeerDeadException("service=" + serviceName + " left a record uncommitted"
            + " in this client's inbox for more than " + livenessTimeoutNs / 1_000_000 + " ms: file="
            + inboxFile.path() + " offset=" + offset
            + ": the server stalled or failed between claim and commit; connection dropped (reconnects when "
            + "reconnect is on)");
        if (!connection.compareAndSet(ClientState.CONNECTED, ClientState.SERVER_DEAD))
        {
            return false;
        }
        errors.increment();
        errorHandler.onError(stall);
        requests.failPendingRequests(stall);
        return true;
    }

    private void serverLost(final IpcException reason)
    {
        if (connection.compareAndSet(ClientState.CONNECTED, ClientState.SERVER_DEAD))
        {
            errors.increment();
            if (reason instanceof CorruptionException)
            {
                errorHandler.onError(reason);
            }
            requests.failPendingRequests(reason instanceof PeerDeadException ?
                (PeerDeadException)reason : new PeerDeadException(reason.getMessage()));
        }
    }

    /**
     * Compares the file now at the server file's path with the one we mapped: another file there means the service
     * was restarted (ours belongs to a dead or closed server); the same file shorter than our mapping was truncated by
     * another process. No file there is neither (a closing server deletes it; its mapping stays valid).
     *
     * @return why the server is lost, or null.
     */
    private IpcException checkServerFile()
    {
        if (serverFile.isReplaced())
        {
            return new PeerDeadException("service restarted: service=" + serviceName + " file="
                + serverFile.path() + " is a new file: reconnect to the new server");
        }
        if (serverFile.isTruncated())
        {
            final long length = serverFile.currentLength();
            return new CorruptionException(serverFile.path(), length,
                "server file truncated by another process to " + length + " bytes, mapped "
                + serverFile.mappedLength() + ": dropping the server before the mapping is touched");
        }
        return null;
    }

    /**
     * Reads the inbox through the validating reader. Garbage in it (a broken or hostile server, or another process
     * writing into our file) is reported, and the server is dropped: requests in flight fail with a peer-dead error
     * and sends return {@code PEER_DEAD}, never a read outside the ring.
     */
    int readInbox()
    {
        try
        {
            return inboxReader.read(inboxHandler, POLL_LIMIT);
        }
        catch (final CorruptionException ex)
        {
            onCorruptInbox(ex);
            return 1;
        }
    }

    /**
     * The trailer check the reader does not make on every poll (see {@link CheckedRingReader}): a record forged
     * beyond the server's tail, or a damaged head or tail.
     */
    private void verifyInbox()
    {
        try
        {
            inboxReader.verifyPositions();
        }
        catch (final CorruptionException ex)
        {
            onCorruptInbox(ex);
        }
    }

    private void onCorruptInbox(final CorruptionException ex)
    {
        errors.increment();
        errorHandler.onError(ex);
        if (connection.compareAndSet(ClientState.CONNECTED, ClientState.SERVER_DEAD))
        {
            requests.failPendingRequests(new PeerDeadException(
                "service dropped: corrupt data in this client's inbox: " + ex.getMessage()));
        }
    }

    /**
     * Counts and reports a refused frame, naming this client's inbox file and the offset of its record.
     *
     * @param index ring index of the frame (after its record header).
     */
    private void invalid(final String message, final int index)
    {
        errors.increment();
        errorHandler.onError(new ChannelFileException(inboxFile.path(), message + " (record at offset="
            + (ChannelDescriptor.HEADER_LENGTH + index - RecordDescriptor.HEADER_LENGTH) + ")"));
    }

    private void deliver(
        final int typeId, final long correlationId, final DirectBuffer buffer, final int offset, final int length,
        final int index)
    {
        if (!requests.deliver(typeId, correlationId, buffer, offset, length))
        {
            invalid("response with invalid correlationId=" + correlationId, index);
        }
    }

    /** Dispatches the frames of the inbox ring; runs only on the thread holding the poll guard. */
    private final class InboxHandler implements org.agrona.concurrent.MessageHandler
    {
        @Override
        public void onMessage(final int kind, final MutableDirectBuffer buffer, final int index, final int length)
        {
            try
            {
                switch (kind)
                {
                    case RESPONSE_KIND:
                        onResponse(buffer, index, length);
                        break;
                    case PUSH_KIND:
                        onPush(buffer, index, length);
                        break;
                    case FRAGMENT_KIND:
                        onFragment(buffer, index, length);
                        break;
                    case CONNECTED_KIND:
                        onConnected(buffer, index, length);
                        break;
                    case REJECTED_KIND:
                        onRejected(buffer, index, length);
                        break;
                    case CLOSING_KIND:
                        if (connection.compareAndSet(ClientState.CONNECTED, ClientState.SERVER_CLOSED) ||
                            connection.compareAndSet(ClientState.CONNECTING, ClientState.SERVER_CLOSED))
                        {
                            requests.failPendingRequests(new PeerDeadException("service closed: service="
                                + serviceName + ": reconnect when it is back"));
                        }
                        break;
                    default:
                        invalid("unknown frame kind=" + kind + " length=" + length, index);
                }
            }
            catch (final Throwable ex)
            {
                errors.increment();
                errorHandler.onError(ex);
            }
        }

        private void onResponse(final DirectBuffer buffer, final int index, final int length)
        {
            if (length < RESPONSE_HEADER_LENGTH || buffer.getInt(index + SESSION_ID_OFFSET) != connection.sessionId)
            {
                invalid("invalid response frame: length=" + length, index);
                return;
            }
            deliver(buffer.getInt(index + TYPE_ID_OFFSET), buffer.getLong(index + CORRELATION_ID_OFFSET), buffer,
                index + RESPONSE_HEADER_LENGTH, length - RESPONSE_HEADER_LENGTH, index);
        }

        private void onPush(final DirectBuffer buffer, final int index, final int length)
        {
            if (length < PUSH_HEADER_LENGTH || buffer.getInt(index + SESSION_ID_OFFSET) != connection.sessionId)
            {
                invalid("invalid push frame: length=" + length, index);
                return;
            }
            messagesReceived.incrementRelease();
            bytesReceived.getAndAddRelease(length - PUSH_HEADER_LENGTH);
            pushHandler.onMessage(buffer.getInt(index + TYPE_ID_OFFSET), buffer, index + PUSH_HEADER_LENGTH,
                length - PUSH_HEADER_LENGTH);
        }

        private void onFragment(final DirectBuffer buffer, final int index, final int length)
        {
            final int result = reassembler.onFragment(buffer, index, length, FRAGMENT_KINDS);
            if (result == Reassembler.INVALID)
            {
                invalid("invalid fragment: length=" + length, index);
                return;
            }
            fragmentsReceived.incrementRelease();
            if (result == Reassembler.COMPLETE)
            {
                if (reassembler.innerKind() == RESPONSE_KIND)
                {
                    deliver(reassembler.typeId(), reassembler.correlationId(), reassembler.buffer(), 0,
                        reassembler.length(), index);
                }
                else
                {
                    messagesReceived.incrementRelease();
                    bytesReceived.getAndAddRelease(reassembler.length());
                    pushHandler.onMessage(reassembler.typeId(), reassembler.buffer(), 0, reassembler.length());
                }
            }
        }

        private void onConnected(final DirectBuffer buffer, final int index, final int length)
        {
            if (connection.state != ClientState.CONNECTING || length < CONNECTED_LENGTH ||
                buffer.getInt(index + CONNECTED_PROTOCOL_OFFSET) != PROTOCOL_VERSION ||
                buffer.getInt(index + CONNECTED_MAX_MESSAGE_LENGTH_OFFSET) <= 0)
            {
                invalid("unexpected or invalid connected frame: length=" + length + " state=" + connection.state,
                    index);
                return;
            }
            connection.sessionId = buffer.getInt(index + CONNECTED_SESSION_ID_OFFSET);
            connection.compareAndSet(ClientState.CONNECTING, ClientState.CONNECTED);
        }

        private void onRejected(final DirectBuffer buffer, final int index, final int length)
        {
            final String reason = length < REJECTED_REASON_OFFSET ? null : FrameDescriptor.readAscii(buffer,
                index + REJECTED_REASON_OFFSET, buffer.getInt(index + REJECTED_REASON_LENGTH_OFFSET), index + length,
                1024);
            connection.rejectReason = reason == null ? "(no reason given)" : reason;
            connection.compareAndSet(ClientState.CONNECTING, ClientState.REJECTED);
        }
    }
}
