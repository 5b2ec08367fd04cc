package io.ipcgateway.shm;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import io.ipcgateway.core.CounterKind;
import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.IpcCounters;
import io.ipcgateway.core.IpcException;
import io.ipcgateway.core.MessageClaim;
import io.ipcgateway.core.MessageHandler;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.core.PeerDeadException;
import io.ipcgateway.shm.notify.Notifier;
import io.ipcgateway.shm.notify.NotifierIdleStrategy;
import io.ipcgateway.shm.notify.NotifierKind;
import io.ipcgateway.shm.notify.SharedWake;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import static io.ipcgateway.shm.FrameDescriptor.DISCONNECT_KIND;
import static io.ipcgateway.shm.FrameDescriptor.DISCONNECT_LENGTH;
import static io.ipcgateway.shm.FrameDescriptor.MESSAGE_KIND;
import static io.ipcgateway.shm.FrameDescriptor.REQUEST_KIND;
import static io.ipcgateway.shm.FrameDescriptor.SESSION_ID_OFFSET;

/**
 * One session of a {@link ShmClient} with one incarnation of its service: the mapped server file, this client's
 * inbox file, the writer into the server's ring, the notifiers, the request table and the receive loop. The
 * facade replaces it with a new one when the service comes back after a death or a close (reconnect).
 * <p>
 * Thread-safe like the facade: sends go into the server's many-to-one ring without locks; threads blocked in
 * {@link #request} take turns polling the inbox for everyone. A connection that lost its server keeps answering
 * {@code PEER_DEAD} or {@code NOT_CONNECTED} to the threads that still hold it after the facade moved on.
 */
final class ClientConnection implements AutoCloseable
{
    private static final AtomicLong FILE_SEQUENCE = new AtomicLong();
    private static final String UNPOLLED_HINT = " (no thread polls this client, so no response could be delivered: "
        + "use ClientContext.receiverThread(true), or call poll() or drive agent(), or wait in a blocking request)";

    private final ClientContext context;
    private final ErrorHandler errorHandler;
    private final Path serviceDirectory;
    private final ChannelFile serverFile;
    private final ChannelFile inboxFile;
    private final FrameWriter writer;
    private final Notifier serverNotifier;
    private final Notifier inboxNotifier;
    private final IpcCounters counters;
    private final ClientState connection = new ClientState();
    private final PollGuard guard;
    private final RequestTable requests;
    private final InboxReceiver receiver;
    private final ResponseAwaiter awaiter;
    private final BooleanSupplier inboxHasWork;
    private final boolean blocking;
    private final IdleMode idleMode;
    private final long spinBeforeSleepNs;
    private final long maxSleepNs;
    private final ClientAgent agent = new ClientAgent();
    private final AtomicBoolean released = new AtomicBoolean();
    private final AgentRunner receiverRunner;

    /**
     * Connects: opens the server file (retrying until {@code openDeadlineNs}), creates the inbox file and completes
     * the handshake (until {@code handshakeDeadlineNs}).
     */
    ClientConnection(final ClientContext context, final long openDeadlineNs, final long handshakeDeadlineNs)
    {
        this.context = context;
        this.errorHandler = context.errorHandler();
        this.serviceDirectory = context.serviceDirectory();
        this.idleMode = context.idleMode();
        this.blocking = idleMode == IdleMode.BLOCK;
        this.spinBeforeSleepNs = context.spinBeforeSleepNs();
        this.maxSleepNs = context.maxSleepNs();
        this.guard = new PollGuard(blocking);
        final long deadlineNs = handshakeDeadlineNs;
        this.serverFile = ClientHandshake.openServerFile(context, openDeadlineNs);
        ChannelFile inboxFile = null;
        Notifier serverNotifier = null;
        Notifier inboxNotifier = null;
        try
        {
            final String name = "client-" + ProcessInfo.pid() + "-" + FILE_SEQUENCE.incrementAndGet() + ".ipc";
            inboxFile = ChannelFile.create(serviceDirectory.resolve(name), ChannelDescriptor.TYPE_CLIENT,
                context.ringCapacity(), RingBufferDescriptor.TRAILER_LENGTH, context.maxMessageLength(), idleMode,
                context.fileAccess());
            if (serverFile.consumerIdleMode() == IdleMode.BLOCK)
            {
                serverNotifier = ShmServer.openNotifier(serverFile, false, context.notifierKind());
            }
            if (blocking)
            {
                inboxNotifier = ShmServer.openConsumerNotifier(inboxFile, context.notifierKind(), context.fileAccess());
            }
        }
        catch (final RuntimeException ex)
        {
            closeQuietly(serverNotifier);
            closeQuietly(inboxNotifier);
            if (inboxFile != null)
            {
                inboxFile.close();
            }
            serverFile.close();
            throw ex;
        }
        this.inboxFile = inboxFile;
        this.serverNotifier = serverNotifier;
        this.inboxNotifier = inboxNotifier;
        final OneToOneRingBuffer inbox = new OneToOneRingBuffer(inboxFile.ring());
        final ClientState connection = this.connection;
        // A closing or retired connection counts as work, so no thread goes (back) to sleep on its inbox.
        this.inboxHasWork = () -> inbox.producerPosition() != inbox.consumerPosition() ||
            connection.state == ClientState.CLOSED || connection.retired;
        this.counters = inboxFile.createCounters(
            "service=" + context.serviceName() + " client=" + inboxFile.path().getFileName());
        this.writer = new FrameWriter(FrameRing.of(serverFile, true), serverNotifier, true,
            Math.min(context.maxMessageLength(), serverFile.maxMessageLength()), context.sendTimeoutNs(), counters);
        this.requests =
            new RequestTable(context.maxInFlight(), context.serviceName(), errorHandler, blocking, counters);
        this.receiver = new InboxReceiver(
            context, serverFile, inboxFile, inbox, inboxNotifier, counters, connection, requests);
        this.awaiter = new ResponseAwaiter(this, context, connection, guard, requests, receiver, inboxNotifier,
            inboxHasWork, counters.counter(CounterKind.REQUESTS_TIMED_OUT),
            new WaitGate(serverFile.header(), inboxFile.header(), context.waitCores()));

        try
        {
            ClientHandshake.handshake(context, serverFile, inboxFile, writer, connection, guard, receiver, deadlineNs);
            if (inboxNotifier != null)
            {
                // Sleep on the server's shared word when it offers one (one wake-up syscall per server pass for all
                // its sleeping clients); before any thread sleeps, since the receiver and callers start below.
                final SharedWake sharedWake =
                    SharedWake.join(serverFile.header(), ChannelDescriptor.SERVER_WAKE_SEQUENCE_OFFSET);
                if (sharedWake != null)
                {
                    inboxNotifier.sleepOn(sharedWake, sharedWake.nextBit());
                }
            }
        }
        catch (final RuntimeException ex)
        {
            release(false);
            throw ex;
        }

        if (context.receiverThread())
        {
            guard.dedicatedReceiver = true;
            receiverRunner = new AgentRunner(idleStrategy(), errorHandler, null, agent);
            AgentRunner.startOnThread(receiverRunner, r ->
            {
                final Thread thread = new Thread(r, "ipc-client-" + context.serviceName() + "-" + connection.sessionId);
                thread.setDaemon(true);
                return thread;
            });
        }
        else
        {
            receiverRunner = null;
        }
    }

    /** See {@link ShmClient#offer}. */
    long offer(final int typeId, final DirectBuffer src, final int offset, final int length)
    {
        final int state = connection.state;
        if (state != ClientState.CONNECTED)
        {
            return ClientState.notConnectedCode(state);
        }
        try
        {
            return writer.send(MESSAGE_KIND, connection.sessionId, typeId, 0, src, offset, length);
        }
        catch (final InternalError ex)
        {
            return onSendFault(ex);
        }
    }

    /** See {@link ShmClient#tryClaim}. */
    long tryClaim(final int typeId, final int length, final MessageClaim claim)
    {
        final int state = connection.state;
        if (state != ClientState.CONNECTED)
        {
            return ClientState.notConnectedCode(state);
        }
        try
        {
            return writer.tryClaim(MESSAGE_KIND, connection.sessionId, typeId, 0, length, claim);
        }
        catch (final InternalError ex)
        {
            return onSendFault(ex);
        }
    }

    /** See {@link ShmClient#maxClaimLength}. */
    int maxClaimLength()
    {
        return writer.maxClaimLength(MESSAGE_KIND);
    }

    /** See {@link ShmClient#maxMessageLength}. */
    int maxMessageLength()
    {
        return writer.maxMessageLength();
    }

    /** See {@link ShmClient#inFlightRequests}. */
    int inFlightRequests()
    {
        return requests.inFlightRequests();
    }

    /** See {@link ShmClient#request}. */
    long request(
        final int typeId,
        final DirectBuffer src,
        final int offset,
        final int length,
        final MessageHandler onResponse,
        final long timeoutNs)
    {
        final int state = connection.state;
        if (state != ClientState.CONNECTED)
        {
            return ClientState.notConnectedCode(state);
        }
        if (onResponse == null || timeoutNs <= 0)
        {
            return OfferResult.INVALID_ARGUMENT;
        }
        final RequestSlot slot = requests.acquireSlot();
        if (slot == null)
        {
            return OfferResult.BACK_PRESSURED;
        }
        // No deadline in the slot: only async requests are expired by the poller; this thread times itself out.
        slot.prepare(onResponse, null, null, 0, 0);
        final long sent =
            sendRequest(typeId, slot.correlationId, src, offset, length);
        if (sent < 0)
        {
            slot.release();
            return sent;
        }
        return awaiter.awaitResponse(slot, timeoutNs);
    }

    /** See {@link ShmClient#requestAsync}. */
    CompletableFuture<ShmResponse> requestAsync(
        final int typeId, final DirectBuffer src, final int offset, final int length, final long timeoutNs)
    {
        final CompletableFuture<ShmResponse> future = new CompletableFuture<>();
        final int state = connection.state;
        if (state != ClientState.CONNECTED)
        {
            future.completeExceptionally(notSent(ClientState.notConnectedCode(state)));
            return future;
        }
        final RequestSlot slot = requests.acquireSlot();
        if (slot == null)
        {
            future.completeExceptionally(notSent(OfferResult.BACK_PRESSURED));
            return future;
        }
        requests.asyncStarted();
        final long deadlineNs = System.nanoTime() + timeoutNs;
        slot.prepare(null, future, null, 0, deadlineNs);
        final long sent =
            sendRequest(typeId, slot.correlationId, src, offset, length);
        if (sent < 0)
        {
            // A failure pass that took the slot first completed the future already.
            if (requests.cancelAsync(slot))
            {
                future.completeExceptionally(notSent(sent));
            }
            return future;
        }
        if (!guard.dedicatedReceiver)
        {
            poll();
            // Nobody may poll again: the watchdog then expires the future at its deadline.
            ClientWatchdog.wakeBy(deadlineNs);
        }
        return future;
    }

    /** See {@link ShmClient#requestAsync(int, DirectBuffer, int, int, long, ResponseListener, long)}. */
    long requestAsync(
        final int typeId,
        final DirectBuffer src,
        final int offset,
        final int length,
        final long timeoutNs,
        final ResponseListener listener,
        final long listenerContext)
    {
        final int state = connection.state;
        if (state != ClientState.CONNECTED)
        {
            return ClientState.notConnectedCode(state);
        }
        if (listener == null || timeoutNs <= 0)
        {
            return OfferResult.INVALID_ARGUMENT;
        }
        final RequestSlot slot = requests.acquireSlot();
        if (slot == null)
        {
            return OfferResult.BACK_PRESSURED;
        }
        requests.asyncStarted();
        final long deadlineNs = System.nanoTime() + timeoutNs;
        slot.prepare(null, null, listener, listenerContext, deadlineNs);
        final long sent = sendRequest(typeId, slot.correlationId, src, offset, length);
        if (sent < 0)
        {
            // When a failure pass (server lost, client closed) took the slot first, it calls the listener: then this
            // request is complete through the listener, and the caller must see OK so it is not reported twice.
            return requests.cancelAsync(slot) ? sent : OfferResult.OK;
        }
        if (!guard.dedicatedReceiver)
        {
            poll();
            // Nobody may poll again: the watchdog then calls the listener at the deadline.
            ClientWatchdog.wakeBy(deadlineNs);
        }
        return OfferResult.OK;
    }

    /**
     * When the watchdog must look at this connection again for its async requests: their earliest deadline.
     *
     * @param nowNs the monotonic time now.
     * @return nanoseconds from now, at least 0; {@code Long.MAX_VALUE / 2} or so when none is in flight.
     */
    long asyncDeadlineInNs(final long nowNs)
    {
        if (!requests.hasAsyncInFlight())
        {
            return Long.MAX_VALUE / 2;
        }
        return Math.max(0, requests.earliestAsyncDeadlineNs(nowNs) - nowNs);
    }

    /** See {@link ShmClient#poll}. */
    int poll()
    {
        if (!guard.tryEnterPoll())
        {
            return 0;
        }
        try
        {
            final int work = receiver.readInbox();
            receiver.duties(System.nanoTime());
            return work;
        }
        finally
        {
            guard.exitPoll();
        }
    }

    /**
     * Says that a receiver thread or an application-driven agent polls this connection for everyone, so requesting
     * threads stop polling themselves.
     */
    void markDedicatedReceiver()
    {
        guard.dedicatedReceiver = true;
    }

    /** See {@link ShmClient#idleStrategy}. */
    IdleStrategy idleStrategy()
    {
        if (blocking)
        {
            return new NotifierIdleStrategy(inboxNotifier, inboxHasWork, spinBeforeSleepNs, maxSleepNs);
        }
        return idleMode.newIdleStrategy();
    }

    /** See {@link ShmClient#isConnected}. */
    boolean isConnected()
    {
        return connection.state == ClientState.CONNECTED;
    }

    /** See {@link ShmClient#sessionId}. */
    int sessionId()
    {
        return connection.sessionId;
    }

    /** See {@link ShmClient#inboxFile}. */
    Path inboxFile()
    {
        return inboxFile.path();
    }

    /** See {@link ShmClient#counters}. */
    IpcCounters counters()
    {
        return counters;
    }

    /** See {@link ShmClient#notifierKind}. */
    NotifierKind notifierKind()
    {
        return inboxNotifier == null ? null : inboxNotifier.kind();
    }

    /**
     * The watchdog's pass over this connection, from its own thread: writes the heartbeat (a client that only sends
     * never polls) and checks that the server is still there, so a dead, closed, restarted or truncated server is
     * noticed also when no thread polls.
     *
     * @param nowNs the monotonic time now.
     */
    void watch(final long nowNs)
    {
        // Bounds how far the messages and bytes sent counters lag behind a client that stopped sending.
        writer.publishCounts();
        if (connection.state == ClientState.CONNECTED)
        {
            inboxFile.heartbeat(nowNs);
            receiver.checkServer(nowNs);
            if (requests.hasAsyncInFlight())
            {
                // Without a thread polling, nothing else completes these futures, not even by their timeout.
                receiver.expireAsync(nowNs, receiver.isPolled(nowNs) ? "" : UNPOLLED_HINT);
            }
            if (receiver.checkInboxStall(nowNs))
            {
                // The server is alive but jammed this inbox: free the session there, a reconnect takes a new one.
                sendDisconnect();
            }
        }
    }

    /**
     * Whether the server of this connection is gone (died, closed, was replaced, or was dropped for corrupt data):
     * the facade may replace this connection.
     *
     * @return true once lost.
     */
    boolean isLost()
    {
        final int state = connection.state;
        return state == ClientState.SERVER_DEAD || state == ClientState.SERVER_CLOSED;
    }

    /**
     * The state of this connection, for log lines.
     *
     * @return a short description.
     */
    String describeState()
    {
        return ClientState.describe(connection.state);
    }

    /**
     * Releases a lost connection the facade replaced: wakes and fails whatever still waits on it, stops its receiver
     * thread and deletes its inbox file. Its state stays what it was, so a thread that still holds it gets
     * {@code PEER_DEAD} or {@code NOT_CONNECTED}, not {@code CLOSED}.
     */
    void retire()
    {
        connection.retired = true;
        writer.publishCounts();
        requests.failPendingRequests(new PeerDeadException("service=" + context.serviceName()
            + " connection replaced after the server was lost"));
        stopPolling();
    }

    /**
     * Disconnects cleanly: tells the server, fails requests in flight, stops the receiver thread and deletes this
     * client's file (and the service folder when the server is gone too). Idempotent.
     */
    @Override
    public void close()
    {
        int previous;
        do
        {
            previous = connection.state;
            if (previous == ClientState.CLOSED)
            {
                return; // Another thread closes (or closed) this client.
            }
        }
        while (!connection.compareAndSet(previous, ClientState.CLOSED));
        writer.publishCounts();
        if (previous == ClientState.CONNECTED)
        {
            // Zero-copy claims left open (the code filling them threw) would hold the server's inbox, and this
            // disconnect behind them, until the server's unblock timeout.
            final int aborted = writer.abortOpenClaims(connection.sessionId);
            if (aborted > 0)
            {
                errorHandler.onError(new IpcException("client closed with " + aborted + " claim(s) neither committed "
                    + "nor aborted: aborted them in the inbox of service=" + context.serviceName()));
            }
            sendDisconnect();
        }
        requests.failPendingRequests(new IpcException("client closed: service=" + context.serviceName()));
        stopPolling();
    }

    /** Tells the server this session ends, retrying a full inbox for up to the send timeout. */
    private void sendDisconnect()
    {
        final UnsafeBuffer disconnect = new UnsafeBuffer(new byte[DISCONNECT_LENGTH]);
        disconnect.putInt(SESSION_ID_OFFSET, connection.sessionId);
        final long deadlineNs = System.nanoTime() + context.sendTimeoutNs();
        while (!writer.sendControl(DISCONNECT_KIND, disconnect, 0, DISCONNECT_LENGTH) &&
            System.nanoTime() - deadlineNs < 0 && !serverFile.isClosedByOwner())
        {
            LockSupport.parkNanos(100_000L);
        }
    }

    private void stopPolling()
    {
        if (!released.compareAndSet(false, true))
        {
            return; // Retired and closed at once: released by the other.
        }
        if (inboxNotifier != null)
        {
            // Wakes the thread sleeping on the inbox (a blocked requester or the receiver thread).
            inboxNotifier.signal();
        }
        if (receiverRunner != null)
        {
            receiverRunner.close();
        }
        // Take the poll guard for good: once held, no thread polls or sleeps on the inbox, so the notifier can close.
        final long guardDeadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!guard.tryEnterPoll() && System.nanoTime() - guardDeadlineNs < 0)
        {
            Thread.yield();
        }
        release(false);
    }

    private void release(final boolean failPending)
    {
        if (failPending)
        {
            requests.failPendingRequests(new IpcException("client closed: service=" + context.serviceName()));
        }
        closeQuietly(serverNotifier);
        closeQuietly(inboxNotifier);
        // Not unmapped: other threads may still be inside offer or request; the mapping goes with the last reference.
        inboxFile.close(false);
        serverFile.close(false);
        if (!Files.exists(ServiceDirectory.serverFile(serviceDirectory), LinkOption.NOFOLLOW_LINKS))
        {
            ServiceDirectory.deleteIfEmpty(serviceDirectory);
        }
    }

    private long sendRequest(
        final int typeId, final long correlationId, final DirectBuffer src, final int offset, final int length)
    {
        try
        {
            return writer.send(REQUEST_KIND, connection.sessionId, typeId, correlationId, src, offset, length);
        }
        catch (final InternalError ex)
        {
            return onSendFault(ex);
        }
    }

    /**
     * A fault in an Unsafe access while writing the server's ring: the JVM's way of reporting the SIGBUS of a mapping
     * whose file another process truncated. The server is dropped (reported as corruption naming the file) and the
     * send refused; any other fault is not ours to hide.
     */
    private long onSendFault(final InternalError fault)
    {
        // Truncated, or truncated and then removed by the server that gave it up (no length left to read).
        if (!serverFile.isTruncated() && serverFile.currentLength() >= 0)
        {
            throw fault;
        }
        receiver.checkServer(System.nanoTime());
        return OfferResult.PEER_DEAD;
    }

    private IpcException notSent(final long code)
    {
        if (code == OfferResult.NOT_CONNECTED || code == OfferResult.PEER_DEAD)
        {
            return new PeerDeadException("request not sent: service=" + context.serviceName() + " is not connected ("
                + OfferResult.describe(code) + ")");
        }
        return new IpcException("request not sent: service=" + context.serviceName() + " code="
            + OfferResult.describe(code));
    }

    private static void closeQuietly(final Notifier notifier)
    {
        if (notifier != null)
        {
            notifier.close();
        }
    }

    /** The client's duty cycle for a receiver thread or an application's {@code AgentInvoker}. */
    private final class ClientAgent implements Agent
    {
        @Override
        public int doWork()
        {
            return poll();
        }

        /** Agrona's runner renames the receiver thread after this when it starts: keep the session in the name. */
        @Override
        public String roleName()
        {
            return "ipc-client-" + context.serviceName() + "-" + connection.sessionId;
        }
    }
}
