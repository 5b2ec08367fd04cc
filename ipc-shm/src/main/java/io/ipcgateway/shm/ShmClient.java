package io.ipcgateway.shm;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.CorruptionException;
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
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

import static io.ipcgateway.shm.FrameDescriptor.CLOSING_KIND;
import static io.ipcgateway.shm.FrameDescriptor.CONNECTED_KIND;
import static io.ipcgateway.shm.FrameDescriptor.CONNECTED_LENGTH;
import static io.ipcgateway.shm.FrameDescriptor.CONNECTED_MAX_MESSAGE_LENGTH_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.CONNECTED_PROTOCOL_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.CONNECTED_SESSION_ID_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.CONNECT_KIND;
import static io.ipcgateway.shm.FrameDescriptor.CONNECT_NAME_LENGTH_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.CONNECT_NAME_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.CONNECT_PID_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.CONNECT_PROTOCOL_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.CONNECT_START_TIME_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.CORRELATION_ID_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.DISCONNECT_KIND;
import static io.ipcgateway.shm.FrameDescriptor.DISCONNECT_LENGTH;
import static io.ipcgateway.shm.FrameDescriptor.FRAGMENT_KIND;
import static io.ipcgateway.shm.FrameDescriptor.MESSAGE_KIND;
import static io.ipcgateway.shm.FrameDescriptor.PROTOCOL_VERSION;
import static io.ipcgateway.shm.FrameDescriptor.PUSH_HEADER_LENGTH;
import static io.ipcgateway.shm.FrameDescriptor.PUSH_KIND;
import static io.ipcgateway.shm.FrameDescriptor.REJECTED_KIND;
import static io.ipcgateway.shm.FrameDescriptor.REJECTED_REASON_LENGTH_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.REJECTED_REASON_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.REQUEST_KIND;
import static io.ipcgateway.shm.FrameDescriptor.RESPONSE_HEADER_LENGTH;
import static io.ipcgateway.shm.FrameDescriptor.RESPONSE_KIND;
import static io.ipcgateway.shm.FrameDescriptor.SESSION_ID_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.TYPE_ID_OFFSET;

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
    private static final int CONNECTING = 0;
    private static final int CONNECTED = 1;
    private static final int SERVER_CLOSED = 2;
    private static final int REJECTED = 3;
    private static final int CLOSED = 4;
    private static final int SERVER_DEAD = 5;

    private static final int POLL_LIMIT = 256;
    private static final long TIMEOUT_SCAN_INTERVAL_NS = 1_000_000L;
    private static final AtomicLong FILE_SEQUENCE = new AtomicLong();
    // Every change of state is a compare-and-set from the state it leaves, so close() runs once and a late
    // peer-dead verdict cannot turn a closed client back into a dead-server one.
    private static final AtomicIntegerFieldUpdater<ShmClient> STATE =
        AtomicIntegerFieldUpdater.newUpdater(ShmClient.class, "state");
    private static final AtomicIntegerFieldUpdater<ShmClient> POLL_GUARD =
        AtomicIntegerFieldUpdater.newUpdater(ShmClient.class, "pollGuard");
    private static final int FRAGMENT_KINDS = Reassembler.kinds(RESPONSE_KIND, PUSH_KIND);

    private final ClientContext context;
    private final ErrorHandler errorHandler;
    private final Path serviceDirectory;
    private final ChannelFile serverFile;
    private final ChannelFile inboxFile;
    private final OneToOneRingBuffer inbox;
    private final CheckedRingReader inboxReader;
    private final FrameWriter writer;
    private final Notifier serverNotifier;
    private final Notifier inboxNotifier;
    private final IpcCounters counters;
    private final AtomicCounter messagesReceived;
    private final AtomicCounter bytesReceived;
    private final AtomicCounter fragmentsReceived;
    private final AtomicCounter requestsTimedOut;
    private final AtomicCounter errors;
    private final AtomicCounter occupancy;
    private final AtomicCounter notifierSleeps;
    private final AtomicCounter notifierWakeups;
    private final RequestSlot[] slots;
    private final int slotMask;
    private final AtomicInteger parkedWaiters = new AtomicInteger();
    private final AtomicInteger asyncInFlight = new AtomicInteger();
    private final Reassembler reassembler;
    private final MessageHandler pushHandler;
    private final InboxHandler inboxHandler = new InboxHandler();
    private final BooleanSupplier inboxHasWork;
    private final boolean blocking;
    private final IdleMode idleMode;
    private final long spinBeforeSleepNs;
    private final long maxSleepNs;
    private final long heartbeatIntervalNs;
    private final long livenessTimeoutNs;
    private final ClientAgent agent = new ClientAgent();
    private final AgentRunner receiverRunner;
    private volatile int pollGuard;
    private volatile int state = CONNECTING;
    private volatile boolean dedicatedReceiver;
    private volatile int sessionId;
    private String rejectReason;
    private long nextHeartbeatNs;
    private long nextTimeoutScanNs;

    private ShmClient(final ClientContext context)
    {
        this.context = context;
        this.errorHandler = context.errorHandler();
        this.serviceDirectory = context.serviceDirectory();
        this.idleMode = context.idleMode();
        this.blocking = idleMode == IdleMode.BLOCK;
        this.spinBeforeSleepNs = context.spinBeforeSleepNs();
        this.maxSleepNs = context.maxSleepNs();
        this.heartbeatIntervalNs = context.heartbeatIntervalNs();
        this.livenessTimeoutNs = context.livenessTimeoutNs();
        this.pushHandler = context.pushHandler();
        this.reassembler = new Reassembler(context.maxMessageLength());
        final long deadlineNs = System.nanoTime() + context.connectTimeoutNs();

        this.serverFile = openServerFile(deadlineNs);
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
        this.inbox = new OneToOneRingBuffer(inboxFile.ring());
        this.inboxReader = new CheckedRingReader(inboxFile.ring(), inboxFile.path(), ChannelDescriptor.HEADER_LENGTH);
        // A closing client counts as work, so no thread goes (back) to sleep on the inbox once close() began.
        this.inboxHasWork = () -> inbox.producerPosition() != inbox.consumerPosition() || state == CLOSED;
        this.counters = inboxFile.createCounters(
            "service=" + context.serviceName() + " client=" + inboxFile.path().getFileName());
        this.writer = new FrameWriter(ShmServer.inbox(serverFile), serverNotifier, true,
            Math.min(context.maxMessageLength(), serverFile.maxMessageLength()), context.sendTimeoutNs(), counters);
        this.messagesReceived = counters.counter(CounterKind.MESSAGES_RECEIVED);
        this.bytesReceived = counters.counter(CounterKind.BYTES_RECEIVED);
        this.fragmentsReceived = counters.counter(CounterKind.FRAGMENTS_RECEIVED);
        this.requestsTimedOut = counters.counter(CounterKind.REQUESTS_TIMED_OUT);
        this.errors = counters.counter(CounterKind.ERRORS);
        this.occupancy = counters.counter(CounterKind.RING_OCCUPANCY_BYTES);
        this.notifierSleeps = counters.counter(CounterKind.NOTIFIER_SLEEPS);
        this.notifierWakeups = counters.counter(CounterKind.NOTIFIER_WAKEUPS);

        final int slotCount = BitUtil.findNextPositivePowerOfTwo(context.maxInFlight());
        this.slots = new RequestSlot[slotCount];
        for (int i = 0; i < slotCount; i++)
        {
            slots[i] = new RequestSlot(i);
        }
        this.slotMask = slotCount - 1;

        try
        {
            handshake(deadlineNs);
        }
        catch (final RuntimeException ex)
        {
            release(false);
            throw ex;
        }

        if (context.receiverThread())
        {
            dedicatedReceiver = true;
            receiverRunner = new AgentRunner(idleStrategy(), errorHandler, null, agent);
            AgentRunner.startOnThread(receiverRunner, r ->
            {
                final Thread thread = new Thread(r, "ipc-client-" + context.serviceName() + "-" + sessionId);
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

    private ChannelFile openServerFile(final long deadlineNs)
    {
        final Path path = ServiceDirectory.serverFile(serviceDirectory);
        while (true)
        {
            try
            {
                final ChannelFile file = ChannelFile.open(path, ChannelDescriptor.TYPE_SERVER);
                try
                {
                    // A server file of a user we do not trust (owner-only mode) or of another group is refused.
                    context.fileAccess().checkExisting(path, "server file");
                }
                catch (final ChannelFileException ex)
                {
                    file.close();
                    throw ex;
                }
                if (!file.isClosedByOwner() && ProcessInfo.isAlive(file.ownerPid(), file.ownerStartTime()))
                {
                    return file;
                }
                file.close();
                if (System.nanoTime() - deadlineNs >= 0)
                {
                    throw new PeerDeadException("service not running: service=" + context.serviceName()
                        + " file=" + path + " ownerPid=" + file.ownerPid() + " (closed or dead): start the server");
                }
            }
            catch (final ChannelFile.NotReadyException ex)
            {
                if (System.nanoTime() - deadlineNs >= 0)
                {
                    throw new ChannelFileException(path, "service not found within connectTimeoutNs="
                        + context.connectTimeoutNs() + ": service=" + context.serviceName() + " dir="
                        + context.baseDirectory() + ": start the server, or check the service name and "
                        + ShmConfiguration.BASE_DIR_PROP_NAME + " (" + ex.getMessage() + ")", ex);
                }
            }
            LockSupport.parkNanos(1_000_000L);
        }
    }

    private void handshake(final long deadlineNs)
    {
        final String name = inboxFile.path().getFileName().toString();
        final UnsafeBuffer connect = new UnsafeBuffer(new byte[CONNECT_NAME_OFFSET + name.length()]);
        connect.putInt(CONNECT_PROTOCOL_OFFSET, PROTOCOL_VERSION);
        connect.putLong(CONNECT_PID_OFFSET, ProcessInfo.pid());
        connect.putLong(CONNECT_START_TIME_OFFSET, ProcessInfo.startTime());
        connect.putInt(CONNECT_NAME_LENGTH_OFFSET, name.length());
        connect.putStringWithoutLengthAscii(CONNECT_NAME_OFFSET, name);
        while (!writer.sendControl(CONNECT_KIND, connect, 0, connect.capacity()))
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new PeerDeadException("service does not read its inbox (full): service="
                    + context.serviceName() + " file=" + serverFile.path() + ": is the server stuck?");
            }
            LockSupport.parkNanos(100_000L);
        }
        while (state == CONNECTING)
        {
            if (tryEnterPoll())
            {
                try
                {
                    readInbox();
                }
                finally
                {
                    exitPoll();
                }
            }
            if (state != CONNECTING)
            {
                break;
            }
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new PeerDeadException("no answer to connect within connectTimeoutNs="
                    + context.connectTimeoutNs() + ": service=" + context.serviceName() + " serverPid="
                    + serverFile.ownerPid() + ": is the server running its duty cycle?");
            }
            LockSupport.parkNanos(50_000L);
        }
        if (state == REJECTED)
        {
            throw new IpcException("connect rejected by service=" + context.serviceName() + ": " + rejectReason);
        }
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
        final int state = this.state;
        if (state != CONNECTED)
        {
            return notConnectedCode(state);
        }
        return writer.send(MESSAGE_KIND, sessionId, typeId, 0, src, offset, length);
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
        final int state = this.state;
        if (state != CONNECTED)
        {
            return notConnectedCode(state);
        }
        return writer.tryClaim(MESSAGE_KIND, sessionId, typeId, 0, length, claim);
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
        int inFlight = 0;
        for (final RequestSlot slot : slots)
        {
            final int state = slot.state;
            if (state == RequestSlot.PENDING || state == RequestSlot.DELIVERING)
            {
                inFlight++;
            }
        }
        return inFlight;
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
        final int state = this.state;
        if (state != CONNECTED)
        {
            return notConnectedCode(state);
        }
        if (onResponse == null || timeoutNs <= 0)
        {
            return OfferResult.INVALID_ARGUMENT;
        }
        final RequestSlot slot = acquireSlot();
        if (slot == null)
        {
            return OfferResult.BACK_PRESSURED;
        }
        final long deadlineNs = System.nanoTime() + timeoutNs;
        slot.prepare(onResponse, null, deadlineNs);
        final long sent = writer.send(REQUEST_KIND, sessionId, typeId, slot.correlationId, src, offset, length);
        if (sent < 0)
        {
            slot.release();
            return sent;
        }
        return awaitResponse(slot, deadlineNs);
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
        final int state = this.state;
        if (state != CONNECTED)
        {
            future.completeExceptionally(notSent(notConnectedCode(state)));
            return future;
        }
        final RequestSlot slot = acquireSlot();
        if (slot == null)
        {
            future.completeExceptionally(notSent(OfferResult.BACK_PRESSURED));
            return future;
        }
        asyncInFlight.incrementAndGet();
        slot.prepare(null, future, System.nanoTime() + timeoutNs);
        final long sent = writer.send(REQUEST_KIND, sessionId, typeId, slot.correlationId, src, offset, length);
        if (sent < 0)
        {
            asyncInFlight.decrementAndGet();
            slot.release();
            future.completeExceptionally(notSent(sent));
            return future;
        }
        if (!dedicatedReceiver)
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
        if (!tryEnterPoll())
        {
            return 0;
        }
        try
        {
            final int work = readInbox();
            duties(System.nanoTime());
            return work;
        }
        finally
        {
            exitPoll();
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
        dedicatedReceiver = true;
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
        return state == CONNECTED;
    }

    /**
     * Session id assigned by the server.
     *
     * @return the id.
     */
    public int sessionId()
    {
        return sessionId;
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
            previous = state;
            if (previous == CLOSED)
            {
                return; // Another thread closes (or closed) this client.
            }
        }
        while (!STATE.compareAndSet(this, previous, CLOSED));
        if (previous == CONNECTED)
        {
            final UnsafeBuffer disconnect = new UnsafeBuffer(new byte[DISCONNECT_LENGTH]);
            disconnect.putInt(SESSION_ID_OFFSET, sessionId);
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
        failPendingRequests(new IpcException("client closed: service=" + context.serviceName()));
        // Take the poll guard for good: once held, no thread polls or sleeps on the inbox, so the notifier can close.
        final long guardDeadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!tryEnterPoll() && System.nanoTime() - guardDeadlineNs < 0)
        {
            Thread.yield();
        }
        release(false);
    }

    private void release(final boolean failPending)
    {
        if (failPending)
        {
            failPendingRequests(new IpcException("client closed: service=" + context.serviceName()));
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

    private long awaitResponse(final RequestSlot slot, final long deadlineNs)
    {
        long idleSinceNs = 0;
        boolean leading = false;
        while (true)
        {
            if (slot.state == RequestSlot.DONE)
            {
                final long result = slot.result;
                slot.release();
                handOff(leading, slot.index);
                return result;
            }
            final int state = this.state;
            if (state != CONNECTED)
            {
                if (cancel(slot))
                {
                    handOff(leading, slot.index);
                    return notConnectedCode(state);
                }
                continue;
            }
            final long nowNs = System.nanoTime();
            if (nowNs - deadlineNs >= 0)
            {
                if (cancel(slot))
                {
                    requestsTimedOut.increment();
                    handOff(leading, slot.index);
                    return OfferResult.TIMED_OUT;
                }
                continue;
            }
            leading = !dedicatedReceiver && tryEnterPoll();
            if (leading)
            {
                try
                {
                    lead(slot, nowNs, deadlineNs);
                }
                finally
                {
                    exitPoll();
                }
                idleSinceNs = 0;
            }
            else
            {
                if (idleSinceNs == 0)
                {
                    idleSinceNs = nowNs;
                }
                followerIdle(slot, nowNs, idleSinceNs, deadlineNs);
            }
        }
    }

    /**
     * Polls the inbox for every waiting thread while holding the poll guard, until this thread's response is
     * delivered, the client stops being connected or the deadline passes. Keeping the guard across iterations,
     * and reading the clock only every few empty polls while spinning, keeps the spinning round trip free of
     * atomic operations and clock reads.
     */
    private void lead(final RequestSlot slot, final long startNs, final long deadlineNs)
    {
        long nowNs = startNs;
        long idleSinceNs = 0;
        int emptyPolls = 0;
        while (slot.state != RequestSlot.DONE && state == CONNECTED)
        {
            if (readInbox() > 0)
            {
                idleSinceNs = 0;
                continue;
            }
            if (idleSinceNs == 0)
            {
                idleSinceNs = nowNs;
            }
            if ((++emptyPolls & 7) == 0)
            {
                nowNs = System.nanoTime();
                if (nowNs - deadlineNs >= 0)
                {
                    return;
                }
                duties(nowNs);
            }
            if (idleMode == IdleMode.SPIN || (blocking && nowNs - idleSinceNs < spinBeforeSleepNs))
            {
                // SPIN: the poller spins for as long as it waits (a yield on a busy machine can cost a whole
                // scheduler slice); the threads waiting behind it yield after the spin window instead.
                Thread.onSpinWait();
            }
            else
            {
                leaderIdle(nowNs, idleSinceNs, deadlineNs);
                // Yields and sleeps take real time: read the clock again before the next decision.
                nowNs = System.nanoTime();
                if (nowNs - deadlineNs >= 0)
                {
                    return;
                }
            }
        }
    }

    private void leaderIdle(final long nowNs, final long idleSinceNs, final long deadlineNs)
    {
        if (!blocking)
        {
            idleOnce(nowNs, idleSinceNs);
        }
        else if (nowNs - idleSinceNs < spinBeforeSleepNs)
        {
            Thread.onSpinWait();
        }
        else
        {
            inboxNotifier.await(inboxHasWork, Math.min(deadlineNs - nowNs, maxSleepNs));
        }
    }

    private void followerIdle(final RequestSlot slot, final long nowNs, final long idleSinceNs, final long deadlineNs)
    {
        if (!blocking)
        {
            idleOnce(nowNs, idleSinceNs);
            return;
        }
        slot.parked = true;
        parkedWaiters.incrementAndGet();
        try
        {
            // Re-check after announcing: the poller reads 'parked' after publishing DONE, or hands off after
            // leaving the guard, so one of the two sides always sees the other.
            if (slot.state == RequestSlot.PENDING && (dedicatedReceiver || pollGuard != 0))
            {
                LockSupport.parkNanos(this, Math.min(deadlineNs - nowNs, maxSleepNs));
            }
        }
        finally
        {
            parkedWaiters.decrementAndGet();
            slot.parked = false;
        }
    }

    private void idleOnce(final long nowNs, final long idleSinceNs)
    {
        // SPIN spins only for spinBeforeSleepNs, then yields: with more waiting threads than cores, endless spinning
        // starves the threads that would make progress (the server, the poller) and collapses throughput to one
        // round trip per scheduler tick. A yield with nothing else runnable returns at once.
        if (idleMode == IdleMode.SPIN && nowNs - idleSinceNs < spinBeforeSleepNs)
        {
            Thread.onSpinWait();
        }
        else
        {
            Thread.yield();
        }
    }

    /**
     * A leaving poller (the thread that polled last) wakes one parked waiter so it takes over polling (BLOCK mode
     * without a receiver thread); followers leave without waking anyone.
     */
    private void handOff(final boolean leading, final int leavingSlot)
    {
        if (!leading || !blocking || dedicatedReceiver || parkedWaiters.get() == 0)
        {
            return;
        }
        final RequestSlot[] slots = this.slots;
        // Start after the leaving slot, so leadership rotates over the waiting threads.
        final int start = leavingSlot + 1;
        for (int i = 0; i <= slotMask; i++)
        {
            final RequestSlot candidate = slots[(start + i) & slotMask];
            if (candidate.parked && candidate.state == RequestSlot.PENDING)
            {
                final Thread waiter = candidate.waiter;
                if (waiter != null)
                {
                    LockSupport.unpark(waiter);
                    return;
                }
            }
        }
    }

    private boolean cancel(final RequestSlot slot)
    {
        // Take the slot back from PENDING; fails only while a poller is delivering to it (then DONE follows).
        if (RequestSlot.STATE.compareAndSet(slot, RequestSlot.PENDING, RequestSlot.CLAIMING))
        {
            slot.release();
            return true;
        }
        return false;
    }

    @SuppressWarnings("deprecation")
    private RequestSlot acquireSlot()
    {
        final RequestSlot[] slots = this.slots;
        // Each thread starts its search at its own slot, usually free again by its next request: one uncontended
        // CAS, no shared counter. Thread.getId() rather than threadId() for Java 17.
        final int start = (int)Thread.currentThread().getId() & slotMask;
        for (int i = 0; i <= slotMask; i++)
        {
            final RequestSlot slot = slots[(start + i) & slotMask];
            if (slot.tryClaim())
            {
                return slot;
            }
        }
        return null;
    }

    private boolean tryEnterPoll()
    {
        return pollGuard == 0 && POLL_GUARD.compareAndSet(this, 0, 1);
    }

    private void exitPoll()
    {
        if (blocking)
        {
            // Full fence: a parked follower checks the guard after announcing itself, the leaving poller checks
            // for parked followers after releasing the guard (see handOff); one of them must see the other.
            pollGuard = 0;
        }
        else
        {
            POLL_GUARD.lazySet(this, 0);
        }
    }

    /**
     * Periodic work of whichever thread holds the poll guard: heartbeat, counters, async timeouts.
     */
    private void duties(final long nowNs)
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
            checkServer(nowNs);
        }
        if (asyncInFlight.get() > 0 && nowNs - nextTimeoutScanNs >= 0)
        {
            nextTimeoutScanNs = nowNs + TIMEOUT_SCAN_INTERVAL_NS;
            expireAsync(nowNs);
        }
    }

    /**
     * Declares the server dead when it closed without telling us, or when its heartbeat is stale and its process
     * (pid and start time) is gone: requests in flight fail at once instead of waiting for their timeout.
     */
    private void checkServer(final long nowNs)
    {
        if (state != CONNECTED)
        {
            return;
        }
        if (serverFile.isClosedByOwner())
        {
            if (STATE.compareAndSet(this, CONNECTED, SERVER_CLOSED))
            {
                failPendingRequests(new PeerDeadException("service closed: service=" + context.serviceName()
                    + ": reconnect when it is back"));
            }
        }
        else if (nowNs - serverFile.heartbeatNs() > livenessTimeoutNs &&
            !ProcessInfo.isAlive(serverFile.ownerPid(), serverFile.ownerStartTime()) &&
            STATE.compareAndSet(this, CONNECTED, SERVER_DEAD))
        {
            errors.increment();
            failPendingRequests(new PeerDeadException("service died: service=" + context.serviceName()
                + " serverPid=" + serverFile.ownerPid() + ": reconnect when it is back"));
        }
    }

    private void expireAsync(final long nowNs)
    {
        for (final RequestSlot slot : slots)
        {
            final CompletableFuture<ShmResponse> future = slot.future;
            if (future != null && slot.state == RequestSlot.PENDING && nowNs - slot.deadlineNs >= 0 &&
                RequestSlot.STATE.compareAndSet(slot, RequestSlot.PENDING, RequestSlot.CLAIMING))
            {
                final long correlationId = slot.correlationId;
                slot.release();
                asyncInFlight.decrementAndGet();
                requestsTimedOut.increment();
                future.completeExceptionally(new RequestTimeoutException("no response in time: service="
                    + context.serviceName() + " correlationId=" + correlationId
                    + ": raise the timeout or check that the server keeps up"));
            }
        }
    }

    private void failPendingRequests(final RuntimeException cause)
    {
        for (final RequestSlot slot : slots)
        {
            final CompletableFuture<ShmResponse> future = slot.future;
            if (future != null && RequestSlot.STATE.compareAndSet(slot, RequestSlot.PENDING, RequestSlot.CLAIMING))
            {
                slot.release();
                asyncInFlight.decrementAndGet();
                future.completeExceptionally(cause);
            }
            else if (slot.parked)
            {
                // A blocked requester sees the state change and returns its code.
                LockSupport.unpark(slot.waiter);
            }
        }
    }

    private void deliver(
        final int typeId, final long correlationId, final DirectBuffer buffer, final int offset, final int length)
    {
        final int index = RequestSlot.indexOf(correlationId);
        if (index < 0 || index > slotMask)
        {
            invalid("response with invalid correlationId=" + correlationId);
            return;
        }
        final RequestSlot slot = slots[index];
        if (slot.state != RequestSlot.PENDING ||
            !RequestSlot.STATE.compareAndSet(slot, RequestSlot.PENDING, RequestSlot.DELIVERING))
        {
            return; // A late response to a request that timed out: dropped.
        }
        if (slot.correlationId != correlationId)
        {
            slot.state = RequestSlot.PENDING;
            return; // A late response to an earlier use of this slot.
        }
        messagesReceived.incrementRelease();
        bytesReceived.getAndAddRelease(length);
        final CompletableFuture<ShmResponse> future = slot.future;
        if (future != null)
        {
            final ShmResponse response = new ShmResponse(typeId, buffer, offset, length);
            slot.release();
            asyncInFlight.decrementAndGet();
            future.complete(response);
            return;
        }
        long result = OfferResult.OK;
        try
        {
            slot.handler.onMessage(typeId, buffer, offset, length);
        }
        catch (final Throwable ex)
        {
            errors.increment();
            errorHandler.onError(ex);
            result = OfferResult.OK;
        }
        final Thread waiter = slot.waiter;
        slot.result = result;
        if (blocking)
        {
            // Full fence before reading 'parked': the waiter sets 'parked' then re-checks the state before parking.
            slot.state = RequestSlot.DONE;
            if (slot.parked)
            {
                LockSupport.unpark(waiter);
            }
        }
        else
        {
            // Waiters never park outside BLOCK mode: publishing the result needs release order only.
            RequestSlot.STATE.lazySet(slot, RequestSlot.DONE);
        }
    }

    /**
     * Reads the inbox through the validating reader. Garbage in it (a broken or hostile server, or another process
     * writing into our file) is reported, and the server is dropped: requests in flight fail with a peer-dead error
     * and sends return {@code PEER_DEAD}, never a read outside the ring.
     */
    private int readInbox()
    {
        try
        {
            return inboxReader.read(inboxHandler, POLL_LIMIT);
        }
        catch (final CorruptionException ex)
        {
            errors.increment();
            errorHandler.onError(ex);
            if (STATE.compareAndSet(this, CONNECTED, SERVER_DEAD))
            {
                failPendingRequests(new PeerDeadException("service dropped: corrupt data in this client's inbox: "
                    + ex.getMessage()));
            }
            return 1;
        }
    }

    private void invalid(final String message)
    {
        errors.increment();
        errorHandler.onError(new ChannelFileException(inboxFile.path(), message));
    }

    private static long notConnectedCode(final int state)
    {
        if (state == CLOSED)
        {
            return OfferResult.CLOSED;
        }
        return state == SERVER_DEAD ? OfferResult.PEER_DEAD : OfferResult.NOT_CONNECTED;
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
                        if (STATE.compareAndSet(ShmClient.this, CONNECTED, SERVER_CLOSED) ||
                            STATE.compareAndSet(ShmClient.this, CONNECTING, SERVER_CLOSED))
                        {
                            failPendingRequests(new PeerDeadException("service closed: service="
                                + context.serviceName() + ": reconnect when it is back"));
                        }
                        break;
                    default:
                        invalid("unknown frame kind=" + kind + " length=" + length);
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
            if (length < RESPONSE_HEADER_LENGTH || buffer.getInt(index + SESSION_ID_OFFSET) != sessionId)
            {
                invalid("invalid response frame: length=" + length);
                return;
            }
            deliver(buffer.getInt(index + TYPE_ID_OFFSET), buffer.getLong(index + CORRELATION_ID_OFFSET), buffer,
                index + RESPONSE_HEADER_LENGTH, length - RESPONSE_HEADER_LENGTH);
        }

        private void onPush(final DirectBuffer buffer, final int index, final int length)
        {
            if (length < PUSH_HEADER_LENGTH || buffer.getInt(index + SESSION_ID_OFFSET) != sessionId)
            {
                invalid("invalid push frame: length=" + length);
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
                invalid("invalid fragment: length=" + length);
                return;
            }
            fragmentsReceived.incrementRelease();
            if (result == Reassembler.COMPLETE)
            {
                if (reassembler.innerKind() == RESPONSE_KIND)
                {
                    deliver(reassembler.typeId(), reassembler.correlationId(), reassembler.buffer(), 0,
                        reassembler.length());
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
            if (state != CONNECTING || length < CONNECTED_LENGTH ||
                buffer.getInt(index + CONNECTED_PROTOCOL_OFFSET) != PROTOCOL_VERSION ||
                buffer.getInt(index + CONNECTED_MAX_MESSAGE_LENGTH_OFFSET) <= 0)
            {
                invalid("unexpected or invalid connected frame: length=" + length + " state=" + state);
                return;
            }
            sessionId = buffer.getInt(index + CONNECTED_SESSION_ID_OFFSET);
            STATE.compareAndSet(ShmClient.this, CONNECTING, CONNECTED);
        }

        private void onRejected(final DirectBuffer buffer, final int index, final int length)
        {
            final String reason = length < REJECTED_REASON_OFFSET ? null : FrameDescriptor.readAscii(buffer,
                index + REJECTED_REASON_OFFSET, buffer.getInt(index + REJECTED_REASON_LENGTH_OFFSET), index + length,
                1024);
            rejectReason = reason == null ? "(no reason given)" : reason;
            STATE.compareAndSet(ShmClient.this, CONNECTING, REJECTED);
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
