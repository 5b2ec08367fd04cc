package io.ipcgateway.shm;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.CounterKind;
import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.IpcCounters;
import io.ipcgateway.core.IpcException;
import io.ipcgateway.core.JvmAccess;
import io.ipcgateway.core.MessageClaim;
import io.ipcgateway.core.MessageHandler;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.core.PeerDeadException;
import io.ipcgateway.core.RequestTimeoutException;
import io.ipcgateway.shm.notify.Notifier;
import io.ipcgateway.shm.notify.NotifierIdleStrategy;
import io.ipcgateway.shm.notify.NotifierKind;
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
 * A connection to a named service ({@link ShmServer}): one-way messages ({@link #offer}, zero-copy
 * {@link #tryClaim}), requests with correlation ids (blocking {@link #request}, or {@link #requestAsync}), server
 * pushes (to {@link ClientContext#pushHandler}) and a clean {@link #close()}.
 * <p>
 * <b>Thread-safe, meant to be shared</b> by many threads (it is the connection pool): sends go into the server's
 * many-to-one ring without locks; threads blocked in {@link #request} take turns polling this client's inbox and
 * deliver every thread's responses (one polls, the others wait for their slot), so no thread starves another.
 * In BLOCK idle mode the polling thread sleeps on the inbox notifier and the others park until their response is
 * delivered; in the other modes they spin or yield.
 * <p>
 * Hot path (a message or request that fits one ring record): no allocation, no lock, no syscall unless the server
 * sleeps or a waiter is parked. Return values are {@link OfferResult} codes.
 */
public final class ShmClient implements AutoCloseable
{
    private static final AtomicLong FILE_SEQUENCE = new AtomicLong();

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
    private final AgentRunner receiverRunner;

    private ShmClient(final ClientContext context)
    {
        this.context = context;
        this.errorHandler = context.errorHandler();
        this.serviceDirectory = context.serviceDirectory();
        this.idleMode = context.idleMode();
        this.blocking = idleMode == IdleMode.BLOCK;
        this.spinBeforeSleepNs = context.spinBeforeSleepNs();
        this.maxSleepNs = context.maxSleepNs();
        this.guard = new PollGuard(blocking);
        final long deadlineNs = System.nanoTime() + context.connectTimeoutNs();

        this.serverFile = ClientHandshake.openServerFile(context, deadlineNs);
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
        // A closing client counts as work, so no thread goes (back) to sleep on the inbox once close() began.
        this.inboxHasWork = () ->
            inbox.producerPosition() != inbox.consumerPosition() || connection.state == ClientState.CLOSED;
        this.counters = inboxFile.createCounters(
            "service=" + context.serviceName() + " client=" + inboxFile.path().getFileName());
        this.writer = new FrameWriter(FrameRing.of(serverFile, true), serverNotifier, true,
            Math.min(context.maxMessageLength(), serverFile.maxMessageLength()), context.sendTimeoutNs(), counters);
        this.requests =
            new RequestTable(context.maxInFlight(), context.serviceName(), errorHandler, blocking, counters);
        this.receiver = new InboxReceiver(
            context, serverFile, inboxFile, inbox, inboxNotifier, counters, connection, requests);
        this.awaiter = new ResponseAwaiter(this, context, connection, guard, requests, receiver, inboxNotifier,
            inboxHasWork, counters.counter(CounterKind.REQUESTS_TIMED_OUT));

        try
        {
            ClientHandshake.handshake(context, serverFile, inboxFile, writer, connection, guard, receiver, deadlineNs);
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

    /**
     * Connects to a service by name: waits (up to the connect timeout) for the service to exist, creates this
     * client's inbox file, and completes the handshake.
     *
     * @param context settings (concluded here).
     * @return the connected client.
     * @throws io.ipcgateway.core.ConfigurationException when a setting is invalid.
     * @throws ChannelFileException when the service's file is invalid, or the service is not there in time.
     * @throws PeerDeadException when the service does not answer the handshake in time.
     */
    public static ShmClient connect(final ClientContext context)
    {
        JvmAccess.ensureAgronaAccess();
        return new ShmClient(context.conclude());
    }

    /**
     * Sends a one-way message to the server.
     *
     * @param typeId application type id (non-negative).
     * @param src    buffer holding the message.
     * @param offset offset of the message.
     * @param length length of the message (up to the max message length; large ones are fragmented).
     * @return {@link OfferResult#OK}, or {@code BACK_PRESSURED}, {@code NOT_CONNECTED}, {@code CLOSED},
     *         {@code TOO_LARGE}, {@code INVALID_ARGUMENT}.
     */
    public long offer(final int typeId, final DirectBuffer src, final int offset, final int length)
    {
        final int state = connection.state;
        if (state != ClientState.CONNECTED)
        {
            return ClientState.notConnectedCode(state);
        }
        return writer.send(MESSAGE_KIND, connection.sessionId, typeId, 0, src, offset, length);
    }

    /**
     * Claims room for a one-way message written in place; then {@link MessageClaim#commit()} or
     * {@link MessageClaim#abort()}. Limited to one ring record ({@link #maxClaimLength()}).
     *
     * @param typeId application type id (non-negative).
     * @param length length of the message.
     * @param claim  claim to wrap (one per thread, reusable).
     * @return {@link OfferResult#OK} with {@code claim} active, or a negative code ({@code TOO_LARGE} beyond one
     *         record).
     */
    public long tryClaim(final int typeId, final int length, final MessageClaim claim)
    {
        final int state = connection.state;
        if (state != ClientState.CONNECTED)
        {
            return ClientState.notConnectedCode(state);
        }
        return writer.tryClaim(MESSAGE_KIND, connection.sessionId, typeId, 0, length, claim);
    }

    /**
     * Largest message a zero-copy claim can hold (one ring record of the server's inbox minus the frame header).
     *
     * @return bytes.
     */
    public int maxClaimLength()
    {
        return writer.maxClaimLength(MESSAGE_KIND);
    }

    /**
     * Largest message {@link #offer} and {@link #request} accept (the smaller of this client's and the server's).
     *
     * @return bytes.
     */
    public int maxMessageLength()
    {
        return writer.maxMessageLength();
    }

    /**
     * Requests sent and not yet answered, timed out or abandoned, counted now by scanning the request slots: for
     * gauges read at scrape time ({@code ipc_inflight_requests}), never on the hot path.
     *
     * @return the number of requests in flight.
     */
    public int inFlightRequests()
    {
        return requests.inFlightRequests();
    }

    /**
     * Sends a request and waits for its response, with the client's default request timeout.
     *
     * @param typeId     application type id (non-negative).
     * @param src        buffer holding the request.
     * @param offset     offset of the request.
     * @param length     length of the request.
     * @param onResponse receives the response (see {@link #request(int, DirectBuffer, int, int, MessageHandler,
     *                   long)}).
     * @return {@link OfferResult#OK} once {@code onResponse} ran, or a negative code.
     */
    public long request(
        final int typeId, final DirectBuffer src, final int offset, final int length, final MessageHandler onResponse)
    {
        return request(typeId, src, offset, length, onResponse, context.requestTimeoutNs());
    }

    /**
     * Sends a request and waits for its response. Allocates nothing: the response is handed to {@code onResponse}
     * as a view into the inbox ring, exactly once, before this method returns {@code OK} — possibly on another
     * thread that is polling this client for everyone (its effects are visible to the caller on return).
     *
     * @param typeId     application type id (non-negative).
     * @param src        buffer holding the request.
     * @param offset     offset of the request.
     * @param length     length of the request.
     * @param onResponse receives the response.
     * @param timeoutNs  how long to wait, nanoseconds.
     * @return {@link OfferResult#OK}; {@code TIMED_OUT} (a late response is dropped); {@code BACK_PRESSURED} (ring
     *         full or too many requests in flight, nothing sent); {@code NOT_CONNECTED} or {@code CLOSED};
     *         {@code TOO_LARGE}; {@code INVALID_ARGUMENT}.
     */
    public long request(
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
        final long deadlineNs = System.nanoTime() + timeoutNs;
        slot.prepare(onResponse, null, deadlineNs);
        final long sent =
            writer.send(REQUEST_KIND, connection.sessionId, typeId, slot.correlationId, src, offset, length);
        if (sent < 0)
        {
            slot.release();
            return sent;
        }
        return awaiter.awaitResponse(slot, deadlineNs);
    }

    /**
     * Sends a request and returns at once; the future completes with a copy of the response, or exceptionally with
     * {@link RequestTimeoutException}, {@link PeerDeadException} or {@link IpcException} (not sent, with the code).
     * Responses are delivered by whichever thread polls this client: its receiver thread
     * ({@link ClientContext#receiverThread}), threads blocked in {@link #request}, or {@link #poll()} /
     * {@link #agent()} driven by the application. Futures complete on that thread.
     *
     * @param typeId    application type id (non-negative).
     * @param src       buffer holding the request.
     * @param offset    offset of the request.
     * @param length    length of the request.
     * @param timeoutNs how long to wait, nanoseconds.
     * @return the future response.
     */
    public CompletableFuture<ShmResponse> requestAsync(
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
        slot.prepare(null, future, System.nanoTime() + timeoutNs);
        final long sent =
            writer.send(REQUEST_KIND, connection.sessionId, typeId, slot.correlationId, src, offset, length);
        if (sent < 0)
        {
            requests.asyncEnded();
            slot.release();
            future.completeExceptionally(notSent(sent));
            return future;
        }
        if (!guard.dedicatedReceiver)
        {
            poll();
        }
        return future;
    }

    /**
     * Polls the inbox once if no other thread is polling it: delivers responses and pushes, writes the heartbeat
     * and expires async requests. Call it from a loop (or drive {@link #agent()}) when this client has no receiver
     * thread and no thread is blocked in {@link #request}.
     *
     * @return the number of frames read.
     */
    public int poll()
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
     * The client's duty cycle as an Agrona agent (one pass = {@link #poll()}), for an {@code AgentInvoker} on the
     * application's thread; use {@link #idleStrategy()} between passes. With it, requesting threads no longer poll
     * themselves: drive it continuously.
     *
     * @return the agent.
     */
    public Agent agent()
    {
        guard.dedicatedReceiver = true;
        return agent;
    }

    /**
     * A new idle strategy for the configured mode; in BLOCK mode it sleeps on the inbox notifier.
     *
     * @return a fresh strategy for one thread.
     */
    public IdleStrategy idleStrategy()
    {
        if (blocking)
        {
            return new NotifierIdleStrategy(inboxNotifier, inboxHasWork, spinBeforeSleepNs, maxSleepNs);
        }
        return idleMode.newIdleStrategy();
    }

    /**
     * Whether the client can send.
     *
     * @return true while connected.
     */
    public boolean isConnected()
    {
        return connection.state == ClientState.CONNECTED;
    }

    /**
     * Session id assigned by the server.
     *
     * @return the id.
     */
    public int sessionId()
    {
        return connection.sessionId;
    }

    /**
     * This client's inbox file.
     *
     * @return its path.
     */
    public Path inboxFile()
    {
        return inboxFile.path();
    }

    /**
     * This client's counters (in its inbox file header, readable from other processes).
     *
     * @return the counters.
     */
    public IpcCounters counters()
    {
        return counters;
    }

    /**
     * The notifier primitive of this client's inbox in BLOCK mode.
     *
     * @return the kind, or null when the client does not block.
     */
    public NotifierKind notifierKind()
    {
        return inboxNotifier == null ? null : inboxNotifier.kind();
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
        if (previous == ClientState.CONNECTED)
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
        if (inboxNotifier != null)
        {
            // Wakes the thread sleeping on the inbox (a blocked requester or the receiver thread).
            inboxNotifier.signal();
        }
        if (receiverRunner != null)
        {
            receiverRunner.close();
        }
        requests.failPendingRequests(new IpcException("client closed: service=" + context.serviceName()));
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

    private IpcException notSent(final long code)
    {
        if (code == OfferResult.NOT_CONNECTED)
        {
            return new PeerDeadException("request not sent: service=" + context.serviceName() + " is not connected");
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

        @Override
        public String roleName()
        {
            return "ipc-client-" + context.serviceName();
        }
    }
}
