package io.ipcgateway.shm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.Codec;
import io.ipcgateway.core.Codecs;
import io.ipcgateway.core.Durations;
import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.IpcCounters;
import io.ipcgateway.core.IpcException;
import io.ipcgateway.core.JvmAccess;
import io.ipcgateway.core.MessageClaim;
import io.ipcgateway.core.MessageHandler;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.core.PeerDeadException;
import io.ipcgateway.core.RequestTimeoutException;
import io.ipcgateway.shm.notify.NotifierKind;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.IdleStrategy;

/**
 * A connection to a named service ({@link ShmServer}): one-way messages ({@link #offer}, zero-copy
 * {@link #tryClaim}), requests with correlation ids (blocking {@link #request}, asynchronous without allocation to a
 * {@link ResponseListener}, or returning a {@code CompletableFuture}: {@link #requestAsync}), server
 * pushes (to {@link ClientContext#pushHandler}) and a clean {@link #close()}.
 * <p>
 * <b>Thread-safe, meant to be shared</b> by many threads (it is the connection pool): sends go into the server's
 * many-to-one ring without locks; threads blocked in {@link #request} take turns polling this client's inbox and
 * deliver every thread's responses (one polls, the others wait for their slot), so no thread starves another.
 * In BLOCK idle mode the polling thread sleeps on the inbox notifier and the others park until their response is
 * delivered; in the other modes they spin or yield.
 * <p>
 * <b>Reconnects by itself</b> ({@link ClientContext#reconnect}, on by default): when the service dies, closes, is
 * restarted or is dropped for corrupt data, requests in flight fail with {@link PeerDeadException}, sends return
 * {@code PEER_DEAD} or {@code NOT_CONNECTED}, and a watchdog thread shared by the clients of this JVM connects again
 * every {@link ClientContext#reconnectIntervalNs} until the service is back. The new connection has a new session
 * id, inbox file and counters; messages sent while disconnected are not replayed. The watchdog also writes the
 * heartbeat and checks the server for clients that never poll (send-only clients).
 * <p>
 * Hot path (a message or request that fits one ring record): no allocation, no lock, no syscall unless the server
 * sleeps or a waiter is parked. Return values are {@link OfferResult} codes.
 * <p>
 * <b>Bad arguments are a code, never a stall</b>: a negative type id, a null buffer, a negative offset or length, or
 * {@code offset + length} beyond the buffer's capacity return {@link OfferResult#INVALID_ARGUMENT} (or complete an
 * async request's future with an {@link IpcException} naming that code) before anything is claimed in the server's
 * shared inbox; a fault between a claim and its commit aborts the claim before it propagates. Either way other
 * clients never wait on a slot this client claimed.
 */
public final class ShmClient implements AutoCloseable
{
    private static final System.Logger LOGGER = System.getLogger(ShmClient.class.getName());

    private final ClientContext context;
    private final Object lifecycleLock = new Object();
    private final Agent agent = new FacadeAgent();
    private final ClientCalls calls;
    private volatile ClientConnection current;
    private volatile boolean closed;
    private volatile boolean agentDriven;
    private volatile long reconnects;
    private long nextAttemptNs;
    private boolean lossReported;
    private String lastAttemptFailure;

    private ShmClient(final ClientContext context, final ClientConnection first)
    {
        this.context = context;
        this.current = first;
        this.calls = new ClientCalls(this, context.serviceName());
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
        final ClientContext concluded = context.conclude();
        final long deadlineNs = System.nanoTime() + concluded.connectTimeoutNs();
        final ShmClient client = new ShmClient(concluded, new ClientConnection(concluded, deadlineNs, deadlineNs));
        ClientWatchdog.register(client);
        return client;
    }

    /**
     * Sends a one-way message to the server.
     *
     * @param typeId application type id (non-negative).
     * @param src    buffer holding the message.
     * @param offset offset of the message.
     * @param length length of the message (up to the max message length; large ones are fragmented).
     * @return {@link OfferResult#OK}, or {@code BACK_PRESSURED}, {@code NOT_CONNECTED}, {@code PEER_DEAD},
     *         {@code CLOSED}, {@code TOO_LARGE}, {@code INVALID_ARGUMENT} (a negative type id, a null {@code src}, a
     *         negative {@code offset} or {@code length}, or {@code offset + length > src.capacity()}: nothing was
     *         claimed).
     */
    public long offer(final int typeId, final DirectBuffer src, final int offset, final int length)
    {
        return current.offer(typeId, src, offset, length);
    }

    /**
     * Sends a one-way message to the server, waiting up to {@code timeoutNs} for room while the server's inbox is
     * full. The wait is fair to the server: while fewer producers of this process wait for room than
     * {@link ClientContext#waitCores()}, a producer spins briefly, then yields; otherwise, and after the client's spin
     * window, it parks about 20-75 us between attempts, so waiting producers never hold the core the server needs to
     * make room (a full inbox holds far more work than one park).
     *
     * @param typeId    application type id (non-negative).
     * @param src       buffer holding the message.
     * @param offset    offset of the message.
     * @param length    length of the message.
     * @param timeoutNs how long to wait for room; 0 tries once, as {@link #offer(int, DirectBuffer, int, int)}.
     * @return {@link OfferResult#OK}, {@code BACK_PRESSURED} when the inbox stayed full for the whole timeout, or the
     *         other codes of {@link #offer(int, DirectBuffer, int, int)}.
     */
    public long offer(
        final int typeId, final DirectBuffer src, final int offset, final int length, final long timeoutNs)
    {
        long result = current.offer(typeId, src, offset, length);
        if (result != OfferResult.BACK_PRESSURED || timeoutNs <= 0)
        {
            return result;
        }
        final long startNs = System.nanoTime();
        final int cores = context.waitCores();
        final long spinNs = context.spinBeforeSleepNs();
        RoomWait.enter();
        try
        {
            while (true)
            {
                final long waitedNs = System.nanoTime() - startNs;
                if (waitedNs >= timeoutNs)
                {
                    return OfferResult.BACK_PRESSURED;
                }
                RoomWait.pause(waitedNs, cores, spinNs);
                result = current.offer(typeId, src, offset, length);
                if (result != OfferResult.BACK_PRESSURED)
                {
                    return result;
                }
            }
        }
        finally
        {
            RoomWait.leave();
        }
    }

    /**
     * Claims room for a one-way message written in place; then {@link MessageClaim#commit()} or
     * {@link MessageClaim#abort()}. Limited to one ring record ({@link #maxClaimLength()}).
     * <p>
     * Complete the claim in a {@code finally} block: until it is committed or aborted, the server's inbox is held for
     * every client (the server skips it only after its liveness timeout). {@link #close()} aborts the claims this
     * client left open (code that threw inside a try-with-resources on the client); a claim still being filled by
     * another thread at that moment is aborted too and its {@code commit()} throws
     * {@link io.ipcgateway.core.StaleClaimException}.
     *
     * @param typeId application type id (non-negative).
     * @param length length of the message.
     * @param claim  claim to wrap (one per thread, reusable).
     * @return {@link OfferResult#OK} with {@code claim} active, or a negative code ({@code TOO_LARGE} beyond one
     *         record).
     */
    public long tryClaim(final int typeId, final int length, final MessageClaim claim)
    {
        return current.tryClaim(typeId, length, claim);
    }

    /**
     * Largest message a zero-copy claim can hold (one ring record of the server's inbox minus the frame header).
     *
     * @return bytes.
     */
    public int maxClaimLength()
    {
        return current.maxClaimLength();
    }

    /**
     * Largest message {@link #offer} and {@link #request} accept (the smaller of this client's and the server's).
     *
     * @return bytes.
     */
    public int maxMessageLength()
    {
        return current.maxMessageLength();
    }

    /**
     * Requests sent and not yet answered, timed out or abandoned, counted now by scanning the request slots: for
     * gauges read at scrape time ({@code ipc_inflight_requests}), never on the hot path.
     *
     * @return the number of requests in flight.
     */
    public int inFlightRequests()
    {
        return current.inFlightRequests();
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
        return current.request(typeId, src, offset, length, onResponse, context.requestTimeoutNs());
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
     *         full or too many requests in flight, nothing sent); {@code NOT_CONNECTED}, {@code PEER_DEAD} (the
     *         service was lost, before or while waiting) or {@code CLOSED}; {@code TOO_LARGE};
     *         {@code INVALID_ARGUMENT} (as for {@link #offer}, or a null {@code onResponse} or a timeout not above 0:
     *         nothing was claimed). When the timeout passes, the client first checks that the server's process is
     *         still there (its pid and start time, in this pid namespace; across pid namespaces only its heartbeat
     *         tells, after the liveness timeout): when it is gone the answer is {@code PEER_DEAD}, not
     *         {@code TIMED_OUT}, and the client is disconnected (and reconnects when the service is back).
     */
    public long request(
        final int typeId,
        final DirectBuffer src,
        final int offset,
        final int length,
        final MessageHandler onResponse,
        final long timeoutNs)
    {
        return current.request(typeId, src, offset, length, onResponse, timeoutNs);
    }

    /**
     * Sends a request and returns at once; the future completes with a copy of the response, or exceptionally with
     * {@link RequestTimeoutException}, {@link PeerDeadException} or {@link IpcException} (not sent, with the code).
     * Convenient, but each call allocates the future and the copy (and every stage chained on it more): on a hot
     * path use {@link #requestAsync(int, DirectBuffer, int, int, long, ResponseListener, long)}, which allocates
     * nothing.
     * Responses are delivered by whichever thread polls this client: its receiver thread
     * ({@link ClientContext#receiverThread}), threads blocked in {@link #request}, or {@link #poll()} /
     * {@link #agent()} driven by the application. Futures complete on that thread.
     * <p>
     * A future always completes: when no thread polls this client (no receiver thread, no blocking request, no
     * {@code poll()}), the client watchdog completes it at its timeout with a {@link RequestTimeoutException} whose
     * message says that nothing polls (a response that arrived stays unread: use a receiver thread or poll). At the
     * timeout, a server whose process is gone fails it with {@link PeerDeadException} instead (see
     * {@link #request(int, DirectBuffer, int, int, MessageHandler, long)}). Bad arguments (as for {@link #offer})
     * complete it with an {@link IpcException} naming {@code INVALID_ARGUMENT}, nothing claimed.
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
        return current.requestAsync(typeId, src, offset, length, timeoutNs);
    }

    /**
     * Sends a request and returns at once, allocating nothing: the outcome goes to {@code listener} exactly once,
     * with {@code context} (the caller's value that tells its requests apart), when the send returned
     * {@link OfferResult#OK}; never when it returned a negative code. The response is handed over as a view into the
     * inbox ring, valid during the callback, on the thread that reads the inbox (see {@link ResponseListener}), with
     * the same rules as {@link #requestAsync(int, DirectBuffer, int, int, long)} for which thread that is: with no
     * receiver thread, no blocking request and no {@code poll()}, the client watchdog reports {@code TIMED_OUT} at
     * the deadline. At the deadline a server whose process is gone makes it {@code PEER_DEAD}; a client closed while
     * the request is pending makes it {@code CLOSED}.
     * <p>
     * The request takes one of the client's {@link ClientContext#maxInFlight} request slots until its outcome is
     * delivered (the slot is free again when the listener runs, so the listener may send the next request). A slot
     * reused by a new request never receives the late response to its previous use: correlation ids carry the slot's
     * generation.
     *
     * @param typeId    application type id (non-negative).
     * @param src       buffer holding the request.
     * @param offset    offset of the request.
     * @param length    length of the request.
     * @param timeoutNs how long to wait for the response, nanoseconds (above 0).
     * @param listener  receives the outcome.
     * @param context   handed to {@code listener} with the outcome.
     * @return {@link OfferResult#OK} (sent: the listener will be called); {@code BACK_PRESSURED} (ring full or
     *         {@link ClientContext#maxInFlight} requests in flight), {@code NOT_CONNECTED}, {@code PEER_DEAD},
     *         {@code CLOSED}, {@code TOO_LARGE}, or {@code INVALID_ARGUMENT} (as for {@link #offer}, or a null
     *         {@code listener} or a timeout not above 0): nothing sent, the listener is not called.
     */
    public long requestAsync(
        final int typeId,
        final DirectBuffer src,
        final int offset,
        final int length,
        final long timeoutNs,
        final ResponseListener listener,
        final long context)
    {
        return current.requestAsync(typeId, src, offset, length, timeoutNs, listener, context);
    }

    /**
     * The simple call: sends {@code payload} as a request and returns the response's bytes, or throws. Built on
     * {@link #request}; allocates the returned array (and the codec's copy of nothing else).
     *
     * @param typeId  application type id (non-negative).
     * @param payload the request.
     * @param timeout how long to wait for the response.
     * @return the response bytes.
     * @throws io.ipcgateway.core.CallException when the server answered with {@link ClientSession#respondError}.
     * @throws RequestTimeoutException when no response came in time.
     * @throws PeerDeadException when the service was lost.
     * @throws IpcException for the other {@link OfferResult} codes ({@code BACK_PRESSURED}, ...), naming the code.
     */
    public byte[] call(final int typeId, final byte[] payload, final Duration timeout)
    {
        return calls.tryCall(typeId, payload, Codecs.bytes(), Codecs.bytes(), timeout.toNanos()).orThrow();
    }

    /**
     * A typed call with the client's default request timeout, e.g.
     * {@code long price = client.call(QUOTE, "AAPL", Codecs.utf8(), Codecs.int64())}.
     *
     * @param typeId        application type id (non-negative).
     * @param request       the request value.
     * @param requestCodec  encodes the request.
     * @param responseCodec decodes the response.
     * @param <Q>           the request type.
     * @param <R>           the response type.
     * @return the decoded response.
     * @throws io.ipcgateway.core.CallException as {@link #call(int, byte[], Duration)}, and so do the others.
     */
    public <Q, R> R call(final int typeId, final Q request, final Codec<Q> requestCodec, final Codec<R> responseCodec)
    {
        return calls.tryCall(typeId, request, requestCodec, responseCodec, context.requestTimeoutNs()).orThrow();
    }

    /**
     * A typed call with an explicit timeout.
     *
     * @param typeId        application type id (non-negative).
     * @param request       the request value.
     * @param requestCodec  encodes the request.
     * @param responseCodec decodes the response.
     * @param timeout       how long to wait for the response.
     * @param <Q>           the request type.
     * @param <R>           the response type.
     * @return the decoded response.
     * @throws io.ipcgateway.core.CallException as {@link #call(int, byte[], Duration)}, and so do the others.
     */
    public <Q, R> R call(
        final int typeId, final Q request, final Codec<Q> requestCodec, final Codec<R> responseCodec,
        final Duration timeout)
    {
        return calls.tryCall(typeId, request, requestCodec, responseCodec, timeout.toNanos()).orThrow();
    }

    /**
     * A typed call that throws nothing for the expected outcomes: the transport's code, the server's error status
     * and the value are on the result ({@link CallResult#orThrow()} is the optional throwing check). Blocks like
     * {@link #request}, on its allocation-free path: each thread reuses its own request buffer.
     *
     * @param typeId        application type id (non-negative).
     * @param request       the request value.
     * @param requestCodec  encodes the request.
     * @param responseCodec decodes the response (inside the response callback; a {@code CodecException} it throws
     *                      is thrown here).
     * @param timeout       how long to wait for the response.
     * @param <Q>           the request type.
     * @param <R>           the response type.
     * @return the outcome.
     */
    public <Q, R> CallResult<R> tryCall(
        final int typeId, final Q request, final Codec<Q> requestCodec, final Codec<R> responseCodec,
        final Duration timeout)
    {
        return calls.tryCall(typeId, request, requestCodec, responseCodec, timeout.toNanos());
    }

    /**
     * A typed call that returns at once, over {@link #requestAsync}: the future completes with the decoded
     * response, or exceptionally with {@link io.ipcgateway.core.CallException} (an error status),
     * {@link RequestTimeoutException}, {@link PeerDeadException} or {@link IpcException}. The same rules as
     * {@link #requestAsync} say which thread completes it.
     *
     * @param typeId        application type id (non-negative).
     * @param request       the request value.
     * @param requestCodec  encodes the request.
     * @param responseCodec decodes the response.
     * @param timeout       how long to wait for the response.
     * @param <Q>           the request type.
     * @param <R>           the response type.
     * @return the future response.
     */
    public <Q, R> CompletableFuture<R> callAsync(
        final int typeId, final Q request, final Codec<Q> requestCodec, final Codec<R> responseCodec,
        final Duration timeout)
    {
        return calls.callAsync(typeId, request, requestCodec, responseCodec, timeout.toNanos());
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
        return current.poll();
    }

    /**
     * The client's duty cycle as an Agrona agent (one pass = {@link #poll()}), for an {@code AgentInvoker} on the
     * application's thread; use {@link #idleStrategy()} between passes. With it, requesting threads no longer poll
     * themselves: drive it continuously. It follows reconnects.
     *
     * @return the agent.
     */
    public Agent agent()
    {
        synchronized (lifecycleLock)
        {
            agentDriven = true;
            current.markDedicatedReceiver();
        }
        return agent;
    }

    /**
     * A new idle strategy for the configured mode; in BLOCK mode it sleeps on the inbox notifier (of the current
     * connection: it follows reconnects).
     *
     * @return a fresh strategy for one thread.
     */
    public IdleStrategy idleStrategy()
    {
        if (context.idleMode() == IdleMode.BLOCK)
        {
            return new FollowingIdleStrategy();
        }
        return context.idleMode().newIdleStrategy();
    }

    /**
     * Whether the client can send. Turns false when the service dies, closes, is replaced or sends corrupt data, and
     * when the server left a record uncommitted in this client's inbox for the liveness timeout (the client reports a
     * {@link PeerDeadException} to its error handler, drops the connection and reconnects when reconnect is on).
     *
     * @return true while connected.
     */
    public boolean isConnected()
    {
        return current.isConnected();
    }

    /**
     * How many times this client connected again after losing its service.
     *
     * @return the count, 0 for a client that never lost its service.
     */
    public long reconnects()
    {
        return reconnects;
    }

    /**
     * Session id assigned by the server (a new one after each reconnect).
     *
     * @return the id.
     */
    public int sessionId()
    {
        return current.sessionId();
    }

    /**
     * This client's inbox file (a new one after each reconnect).
     *
     * @return its path.
     */
    public Path inboxFile()
    {
        return current.inboxFile();
    }

    /**
     * This client's counters (in its inbox file header, readable from other processes); a reconnect starts new ones
     * in the new inbox file.
     *
     * @return the counters of the current connection.
     */
    public IpcCounters counters()
    {
        return current.counters();
    }

    /**
     * The notifier primitive of this client's inbox in BLOCK mode.
     *
     * @return the kind, or null when the client does not block.
     */
    public NotifierKind notifierKind()
    {
        return current.notifierKind();
    }

    /**
     * Disconnects cleanly: aborts the zero-copy claims it left open (see {@link #tryClaim}), tells the server, fails
     * requests in flight, stops the receiver thread and reconnecting, and deletes this client's file (and the service
     * folder when the server is gone too). Idempotent.
     */
    @Override
    public void close()
    {
        final ClientConnection connection;
        synchronized (lifecycleLock)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            connection = current;
        }
        ClientWatchdog.unregister(this);
        connection.close();
    }

    /**
     * How long the watchdog may wait before it calls {@link #watch} again: the reconnect interval while the service
     * is lost, else a quarter of the liveness timeout (at most a second), which keeps this client's heartbeat fresh
     * without waking an idle process more often than its own duty cycle does.
     */
    long watchIntervalNs()
    {
        final ClientConnection connection = current;
        if (connection.isLost())
        {
            return context.reconnectIntervalNs();
        }
        // Async requests that nobody polls for are expired by the watchdog at their deadline (1 ms granularity).
        return Math.min(Math.min(context.livenessTimeoutNs() / 4, 1_000_000_000L),
            Math.max(connection.asyncDeadlineInNs(System.nanoTime()), 1_000_000L));
    }

    /**
     * The watchdog's pass, on its thread only: heartbeat and server check, then, once the service is lost, one
     * connect attempt per reconnect interval. A successful attempt replaces the connection; the lost one is retired.
     *
     * @param nowNs the monotonic time now.
     */
    void watch(final long nowNs)
    {
        final ClientConnection connection = current;
        if (closed)
        {
            return;
        }
        connection.watch(nowNs);
        if (!connection.isLost())
        {
            return;
        }
        if (!lossReported)
        {
            lossReported = true;
            LOGGER.log(System.Logger.Level.WARNING, "lost service=" + context.serviceName() + " ("
                + connection.describeState() + ", session=" + connection.sessionId() + "): " + (context.reconnect() ?
                "reconnecting every " + Durations.format(context.reconnectIntervalNs()) :
                "reconnect is off, connect a new client"));
        }
        if (!context.reconnect() || nowNs - nextAttemptNs < 0)
        {
            return;
        }
        nextAttemptNs = nowNs + context.reconnectIntervalNs();
        final ClientConnection next;
        try
        {
            // One look for a live server file now (no waiting), then a handshake bounded by the liveness timeout
            // too: the watchdog serves every client of this JVM and must not hang on one unresponsive server.
            final long startNs = System.nanoTime();
            next = new ClientConnection(context, startNs,
                startNs + Math.min(context.connectTimeoutNs(), context.livenessTimeoutNs()));
        }
        catch (final RuntimeException ex)
        {
            // Not there yet (no file, or the dead server's file), or refused: try again next interval, and log each
            // new reason once.
            final String reason = String.valueOf(ex.getMessage());
            if (!reason.equals(lastAttemptFailure))
            {
                lastAttemptFailure = reason;
                LOGGER.log(System.Logger.Level.DEBUG, "reconnect attempt failed: " + reason);
            }
            return;
        }
        // The lost connection goes first (its inbox file deleted, its waiters woken), so nobody sees two inboxes.
        connection.retire();
        synchronized (lifecycleLock)
        {
            if (closed)
            {
                next.close();
                return;
            }
            if (agentDriven)
            {
                next.markDedicatedReceiver();
            }
            current = next;
            reconnects++;
        }
        lossReported = false;
        lastAttemptFailure = null;
        LOGGER.log(System.Logger.Level.INFO, "reconnected to service=" + context.serviceName() + " session="
            + next.sessionId() + " file=" + next.inboxFile().getFileName());
    }

    /** One pass polls the current connection, so an application's invoker keeps working across reconnects. */
    private final class FacadeAgent implements Agent
    {
        @Override
        public int doWork()
        {
            return current.poll();
        }

        @Override
        public String roleName()
        {
            return "ipc-client-" + context.serviceName();
        }
    }

    /** Sleeps on the inbox notifier of whichever connection is current, switching when the client reconnects. */
    private final class FollowingIdleStrategy implements IdleStrategy
    {
        private ClientConnection owner;
        private IdleStrategy delegate;

        private IdleStrategy delegate()
        {
            final ClientConnection connection = current;
            if (connection != owner)
            {
                owner = connection;
                delegate = connection.idleStrategy();
            }
            return delegate;
        }

        @Override
        public void idle(final int workCount)
        {
            delegate().idle(workCount);
        }

        @Override
        public void idle()
        {
            delegate().idle();
        }

        @Override
        public void reset()
        {
            delegate().reset();
        }

        @Override
        public String alias()
        {
            return "ipc-notifier";
        }
    }
}
