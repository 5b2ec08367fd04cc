package io.ipcgateway.shm;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.CorruptionException;
import io.ipcgateway.core.CounterKind;
import io.ipcgateway.core.Durations;
import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.IpcCounters;
import io.ipcgateway.core.PeerDeadException;
import io.ipcgateway.shm.notify.Notifier;
import io.ipcgateway.shm.notify.Notifiers;
import io.ipcgateway.shm.notify.SharedWake;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

import static io.ipcgateway.shm.FrameDescriptor.CONNECTED_KIND;
import static io.ipcgateway.shm.FrameDescriptor.CONNECTED_LENGTH;
import static io.ipcgateway.shm.FrameDescriptor.CONNECTED_MAX_MESSAGE_LENGTH_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.CONNECTED_PROTOCOL_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.CONNECTED_SERVER_PID_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.CONNECTED_SESSION_ID_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.CONNECT_KIND;
import static io.ipcgateway.shm.FrameDescriptor.CONNECT_NAME_LENGTH_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.CONNECT_NAME_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.CONNECT_PID_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.CONNECT_PROTOCOL_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.CORRELATION_ID_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.DISCONNECT_KIND;
import static io.ipcgateway.shm.FrameDescriptor.FRAGMENT_KIND;
import static io.ipcgateway.shm.FrameDescriptor.MESSAGE_HEADER_LENGTH;
import static io.ipcgateway.shm.FrameDescriptor.MESSAGE_KIND;
import static io.ipcgateway.shm.FrameDescriptor.PROTOCOL_VERSION;
import static io.ipcgateway.shm.FrameDescriptor.REJECTED_KIND;
import static io.ipcgateway.shm.FrameDescriptor.REJECTED_REASON_LENGTH_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.REJECTED_REASON_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.REQUEST_HEADER_LENGTH;
import static io.ipcgateway.shm.FrameDescriptor.REQUEST_KIND;
import static io.ipcgateway.shm.FrameDescriptor.SESSION_ID_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.TYPE_ID_OFFSET;

/**
 * The server's duty cycle: reads the inbox ring, validates each frame, runs the handshake, dispatches messages and
 * requests to the {@link ServerHandler}, and writes the heartbeat. Single-threaded: everything here runs on the
 * thread that drives the agent.
 */
final class ServerAgent implements Agent, MessageHandler
{
    private static final int FRAGMENT_KINDS = Reassembler.kinds(MESSAGE_KIND, REQUEST_KIND);
    /** Longest reason sent in a REJECTED frame; the client reads up to 1024 bytes. */
    private static final int MAX_REASON_LENGTH = 1000;
    /** Longest record of the smallest ring Agrona allows us (capacity / 8). */
    private static final int MIN_RING_RECORD_LENGTH = ShmConfiguration.MIN_RING_CAPACITY / 8;
    /** Ring positions are never negative. */
    private static final long NO_STUCK_HEAD = -1;

    private final ServerContext context;
    private final ServerHandler handler;
    private final ErrorHandler errorHandler;
    private final Path serviceDirectory;
    private final ChannelFile file;
    private final ManyToOneRingBuffer inbox;
    private final CheckedRingReader inboxReader;
    private final Notifier notifier;
    private final IpcCounters counters;
    private final AtomicCounter messagesReceived;
    private final AtomicCounter bytesReceived;
    /** Messages and bytes read in the current pass over the inbox, published when the pass ends. */
    private long receivedInPass;
    private long bytesReceivedInPass;
    private final AtomicCounter fragmentsReceived;
    private final AtomicCounter occupancy;
    private final AtomicCounter errors;
    private final AtomicCounter notifierSleeps;
    private final AtomicCounter notifierWakeups;
    private final AtomicCounter unblockedSlots;
    private final long livenessTimeoutNs;
    private long nextLivenessCheckNs;
    private final Int2ObjectHashMap<ClientSession> sessions = new Int2ObjectHashMap<>();
    private final UnsafeBuffer controlBuffer = new UnsafeBuffer(new byte[REJECTED_REASON_OFFSET + MAX_REASON_LENGTH]);
    private final int pollLimit;
    private final long heartbeatIntervalNs;
    private volatile int sessionCount;
    private volatile boolean closing;
    // Set once another process truncated the server file: nothing may touch its mapping after that.
    private volatile boolean fileLost;
    // Session ids are drawn at random: every client writes into the same inbox, so an id is what a frame claims
    // to come from, and a sequential id would let a buggy or hostile client hit another's session by accident.
    private final SplittableRandom sessionIds = new SplittableRandom(new SecureRandom().nextLong());
    private ClientSession lastSession;
    /** Wake-ups of sleeping clients, issued at the end of each pass. */
    private final WakeBatch wakeBatch = new WakeBatch();
    /** The word sleeping clients wait on, woken once per pass for all of them, or null (see {@link SharedWake}). */
    private final SharedWake sharedWake;
    // Work handed to the duty cycle by other threads (ShmServer.execute): a node per task, off the hot path.
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private volatile boolean tasksClosed;
    private long nextHeartbeatNs;
    private boolean closed;
    /**
     * Duty cycles between clock reads, minus one, in SPIN mode: a clock read is a good part of a busy-spinning empty
     * poll, and a shorter poll loop answers sooner (busy-spin ping-pong p50 0.24-0.30 -> 0.22-0.26 us). Not in BLOCK
     * mode, where one cycle may end in a sleep of up to the longest sleep and heartbeats would come late.
     */
    private final int clockCyclesMask;
    private int cyclesSinceClock;
    // The inbox head position at which the consumer found a claimed but uncommitted record, and since when.
    private long stuckHead = NO_STUCK_HEAD;
    private long stuckSinceNs;

    ServerAgent(final ServerContext context, final ServerHandler handler)
    {
        this.context = context;
        this.handler = handler;
        this.errorHandler = context.errorHandler();
        this.serviceDirectory = context.serviceDirectory();
        this.pollLimit = context.pollLimit();
        this.clockCyclesMask = context.idleMode() == IdleMode.SPIN ? 7 : 0;
        this.heartbeatIntervalNs = context.heartbeatIntervalNs();

        ServiceDirectory.ensureDirectory(serviceDirectory, context.fileAccess());
        final Path serverFile = ServiceDirectory.serverFile(serviceDirectory);
        ServiceDirectory.removeStaleServerFile(serverFile, context.fileAccess());
        ServiceDirectory.removeStaleClientFiles(serviceDirectory);
        try
        {
            this.file = ChannelFile.create(serverFile, ChannelDescriptor.TYPE_SERVER, context.ringCapacity(),
                ShmServer.inboxTrailerLength(), context.maxMessageLength(), context.idleMode(), context.fileAccess(),
                context.recordChecksums() ? ChannelDescriptor.RING_FLAG_RECORD_CHECKSUMS : 0);
        }
        catch (final RuntimeException ex)
        {
            // e.g. a full file system: leave no empty service folder behind either.
            ServiceDirectory.deleteIfEmpty(serviceDirectory);
            throw ex;
        }
        try
        {
            this.inbox = ShmServer.inbox(file);
            this.inboxReader = new CheckedRingReader(file.ring(), file.path(), ChannelDescriptor.HEADER_LENGTH,
                context.recordChecksums());
            this.counters = file.createCounters("service=" + context.serviceName());
            this.notifier = context.idleMode() == IdleMode.BLOCK ?
                ShmServer.openConsumerNotifier(file, context.notifierKind(), context.fileAccess()) : null;
            // Offered before any client can connect; null when this JVM wakes each client on its own word.
            this.sharedWake = SharedWake.offer(file.header(), ChannelDescriptor.SERVER_WAKE_SEQUENCE_OFFSET);
            wakeBatch.wakeThrough(sharedWake);
        }
        catch (final RuntimeException ex)
        {
            file.close();
            throw ex;
        }
        this.messagesReceived = counters.counter(CounterKind.MESSAGES_RECEIVED);
        this.bytesReceived = counters.counter(CounterKind.BYTES_RECEIVED);
        this.fragmentsReceived = counters.counter(CounterKind.FRAGMENTS_RECEIVED);
        this.occupancy = counters.counter(CounterKind.RING_OCCUPANCY_BYTES);
        this.errors = counters.counter(CounterKind.ERRORS);
        this.notifierSleeps = counters.counter(CounterKind.NOTIFIER_SLEEPS);
        this.notifierWakeups = counters.counter(CounterKind.NOTIFIER_WAKEUPS);
        this.unblockedSlots = counters.counter(CounterKind.UNBLOCKED_SLOTS);
        this.livenessTimeoutNs = context.livenessTimeoutNs();
    }

    /**
     * The configured {@link ServerContext#threadName} (default {@code ipc-server-<service>}): Agrona's runner names
     * the duty thread after its agent's role when it starts, so this is the name the thread carries.
     */
    @Override
    public String roleName()
    {
        return context.threadName();
    }

    @Override
    public int doWork()
    {
        try
        {
            return duty();
        }
        catch (final InternalError ex)
        {
            // How the JVM reports a SIGBUS in an Unsafe access: polling a ring another process truncated faults
            // before the heartbeat check below sees it. Ours to handle only when our own file shrank.
            if (file.isTruncated())
            {
                throw stopOnTruncatedFile(ex);
            }
            throw ex;
        }
    }

    private int duty()
    {
        int work;
        // One pass over the inbox and the tasks, then every client answered in it is woken, each once.
        wakeBatch.begin();
        try
        {
            work = readInbox();
            work += runTasks(pollLimit);
        }
        finally
        {
            wakeBatch.flush();
        }
        if (clockCyclesMask != 0 && (++cyclesSinceClock & clockCyclesMask) != 0)
        {
            return work;
        }
        final long nowNs = System.nanoTime();
        if (nowNs - nextHeartbeatNs >= 0)
        {
            nextHeartbeatNs = nowNs + heartbeatIntervalNs;
            if (file.isTruncated())
            {
                throw stopOnTruncatedFile(null);
            }
            file.heartbeat(nowNs);
            verifyInboxPositions();
            // After the trailer check, which unblocking relies on.
            unblockStuckSlot(nowNs);
            occupancy.setRelease(inbox.size());
            publishSessionCounts();
            if (notifier != null)
            {
                notifierSleeps.setRelease(notifier.sleeps());
                notifierWakeups.setRelease(notifier.wakeups());
            }
            if (nowNs - nextLivenessCheckNs >= 0)
            {
                nextLivenessCheckNs = nowNs + livenessTimeoutNs;
                removeDeadSessions(nowNs);
            }
        }
        return work;
    }

    /** What a closing session's writer counted, unless the counters' file is gone or truncated. */
    private void publishCountsOf(final ClientSession session)
    {
        if (!fileLost)
        {
            session.publishCounts();
        }
    }

    /** Responses and pushes are counted by each session's writer and published here, once per heartbeat. */
    private void publishSessionCounts()
    {
        for (final ClientSession session : sessions.values())
        {
            session.publishCounts();
        }
    }

    private int readInbox()
    {
        try
        {
            final int read = inboxReader.read(this, pollLimit);
            publishReceived();
            return read;
        }
        catch (final CorruptionException ex)
        {
            // The reader has already skipped what it could not trust; the writer cannot be told apart in a shared
            // inbox, so frames with a valid session keep flowing from the next record on.
            publishReceived();
            errors.incrementRelease();
            errorHandler.onError(ex);
            return 1;
        }
        // Anything else (a handler threw, the file was truncated): what this pass counted is published by the next.
    }

    /**
     * Adds the messages and bytes received in this pass over the inbox to the shared counters: once per pass (up to
     * the poll limit of records), not per message, so readers see them at most one pass late (a pass whose handler
     * threw: the next one).
     */
    private void publishReceived()
    {
        final long messages = receivedInPass;
        if (messages != 0)
        {
            receivedInPass = 0;
            messagesReceived.getAndAddRelease(messages);
            bytesReceived.getAndAddRelease(bytesReceivedInPass);
            bytesReceivedInPass = 0;
        }
    }

    private void countReceived(final long bytes)
    {
        receivedInPass++;
        bytesReceivedInPass += bytes;
    }

    /**
     * Another process truncated the server file: every later touch of its mapping (inbox, heartbeat, counters,
     * notifier) could fault, so the service stops. Reports a {@link CorruptionException} naming the file, counts it
     * when the counters' page is still in the file, and ends the duty cycle; {@link #onClose} then tells the clients
     * and frees their sessions without touching the server file again.
     *
     * @param fault the JVM's report of a fault in the mapping, or null when the heartbeat check found it first.
     * @return the exception that stops the agent's runner (or invoker), to throw.
     */
    private AgentTerminationException stopOnTruncatedFile(final Throwable fault)
    {
        fileLost = true;
        if (sharedWake != null)
        {
            sharedWake.close();
        }
        final long length = file.currentLength();
        final CorruptionException corruption = new CorruptionException(file.path(), Math.max(length, 0),
            "server file truncated by another process (mapped length " + file.mappedLength() + ", length now "
            + length + "): service=" + context.serviceName() + " stops and closes its " + sessions.size()
            + " sessions");
        if (fault != null)
        {
            corruption.addSuppressed(fault);
        }
        if (length >= ChannelDescriptor.COUNTERS_VALUES_OFFSET + ChannelDescriptor.COUNTERS_VALUES_LENGTH)
        {
            errors.incrementRelease();
        }
        errorHandler.onError(corruption);
        return new AgentTerminationException(corruption);
    }

    /**
     * Last resort for an error that escaped the runner and ends the duty cycle's thread. The JVM raises a fault in
     * a mapping asynchronously in compiled code, so the {@link InternalError} of a truncated server file can surface
     * in the runner's own loop, outside {@link #doWork}: then the service stops here as it would there.
     *
     * @param error what ended the thread.
     */
    void onThreadEnded(final Throwable error)
    {
        if (error instanceof InternalError && !fileLost && file.isTruncated())
        {
            stopOnTruncatedFile(error);
            onClose();
        }
        else
        {
            errorHandler.onError(error);
        }
    }

    private void verifyInboxPositions()
    {
        try
        {
            inboxReader.verifyPositions();
        }
        catch (final CorruptionException ex)
        {
            errors.incrementRelease();
            errorHandler.onError(ex);
        }
    }

    /**
     * A producer that died (or stopped) between claim and commit leaves a record the consumer cannot pass. After
     * the liveness timeout on the same head position, the reader turns it into padding: the slot is skipped and
     * counted, and the records behind it are read in order. A producer that resumes later fails on commit (its
     * compare-and-set of the tagged record header no longer matches) instead of publishing into a reused slot.
     * <p>
     * Checked at heartbeat time, not on every empty poll: it reads the producers' tail, and a consumer spinning on
     * that cache line makes every producer's claim of it a cache miss (the slot is skipped between one liveness
     * timeout and one heartbeat interval more after the head stopped).
     */
    private void unblockStuckSlot(final long nowNs)
    {
        final long head = inboxReader.head();
        if (head == inboxReader.tail())
        {
            stuckHead = NO_STUCK_HEAD;
            return;
        }
        if (head != stuckHead)
        {
            stuckHead = head;
            stuckSinceNs = nowNs;
            return;
        }
        if (nowNs - stuckSinceNs < livenessTimeoutNs)
        {
            return;
        }
        // The trailer was verified just before, in the same heartbeat. False while a dead producer's claim without a
        // header is the last record (nothing written behind it to find the record's end), or when the producer
        // committed at the last moment: tried again at the next heartbeat.
        if (unblockInbox())
        {
            stuckHead = NO_STUCK_HEAD;
            unblockedSlots.incrementRelease();
            errors.incrementRelease();
            errorHandler.onError(new PeerDeadException("a producer did not commit its claim in the inbox of service="
                + context.serviceName() + " within " + Durations.format(livenessTimeoutNs) + ": slot skipped: file="
                + file.path() + " offset=" + (ChannelDescriptor.HEADER_LENGTH + (head & (file.ringCapacity() - 1)))));
        }
    }

    private boolean unblockInbox()
    {
        try
        {
            return inboxReader.unblock();
        }
        catch (final CorruptionException ex)
        {
            errors.incrementRelease();
            errorHandler.onError(ex);
            stuckHead = NO_STUCK_HEAD;
            return false;
        }
    }

    /**
     * Frees the sessions of clients that died without disconnecting (kill -9, crash), and drops those whose file
     * another process truncated (writing into it would raise SIGBUS).
     */
    private void removeDeadSessions(final long nowNs)
    {
        List<ClientSession> dead = null;
        for (final ClientSession session : sessions.values())
        {
            if (session.isTruncated())
            {
                if (dead == null)
                {
                    dead = new ArrayList<>();
                }
                dead.add(session);
            }
            else if (session.isDead(nowNs, livenessTimeoutNs))
            {
                if (dead == null)
                {
                    dead = new ArrayList<>();
                }
                dead.add(session);
            }
        }
        if (dead == null)
        {
            return;
        }
        for (final ClientSession session : dead)
        {
            sessions.remove(session.sessionId());
            lastSession = null;
            sessionCount = sessions.size();
            errors.incrementRelease();
            if (session.isTruncated())
            {
                errorHandler.onError(new CorruptionException(session.clientFile(), session.mappedLength(),
                    "client file truncated by another process (mapped length " + session.mappedLength()
                    + "): service=" + context.serviceName() + " sessionId=" + session.sessionId() + " pid="
                    + session.pid() + ": session dropped"));
            }
            else
            {
                errorHandler.onError(new PeerDeadException("client died without disconnecting: service="
                    + context.serviceName() + " sessionId=" + session.sessionId() + " pid=" + session.pid()
                    + ": session freed"));
            }
            session.takeBackWaiters(file.header());
            publishCountsOf(session);
            session.close();
            // The dead client cannot delete its own files any more.
            ChannelFile.deleteQuietly(session.clientFile());
            ChannelFile.deleteQuietly(session.clientFile().resolveSibling(
                session.clientFile().getFileName() + Notifiers.WAKE_SOCKET_SUFFIX));
            try
            {
                handler.onDisconnect(session);
            }
            catch (final Throwable ex)
            {
                errorHandler.onError(ex);
            }
        }
    }

    boolean hasWork()
    {
        // A closing server counts as work, so its duty cycle does not go back to sleep while being stopped.
        return fileLost || closing || inbox.producerPosition() != inbox.consumerPosition() || !tasks.isEmpty();
    }

    /**
     * @return whether the service stopped because another process truncated its file.
     */
    boolean isFileLost()
    {
        return fileLost;
    }

    /**
     * Wakes the duty cycle if it sleeps and keeps it awake until it is stopped.
     */
    void beginClose()
    {
        closing = true;
        if (notifier != null && !fileLost)
        {
            notifier.signal();
        }
    }

    @Override
    public void onMessage(final int kind, final MutableDirectBuffer buffer, final int index, final int length)
    {
        try
        {
            switch (kind)
            {
                case MESSAGE_KIND:
                    onData(buffer, index, length);
                    break;
                case REQUEST_KIND:
                    onRequest(buffer, index, length);
                    break;
                case FRAGMENT_KIND:
                    onFragment(buffer, index, length);
                    break;
                case CONNECT_KIND:
                    onConnect(buffer, index, length);
                    break;
                case DISCONNECT_KIND:
                    onDisconnect(buffer, index, length);
                    break;
                default:
                    invalid("unknown frame kind=" + kind + " length=" + length, index);
            }
        }
        catch (final Throwable ex)
        {
            errors.incrementRelease();
            abortOpenClaims();
            errorHandler.onError(ex);
        }
    }

    /**
     * A handler that threw may have left a zero-copy claim (a response or a push) neither committed nor aborted in
     * some client's inbox, which that client could never read past: abort it. Only after a handler threw.
     */
    private void abortOpenClaims()
    {
        for (final ClientSession session : sessions.values())
        {
            if (session.abortOpenClaim())
            {
                errorHandler.onError(new IllegalStateException("handler threw with a claim open: aborted the claim in"
                    + " the inbox of session=" + session.sessionId() + " file=" + session.clientFile()));
            }
        }
    }

    private ClientSession session(final int sessionId)
    {
        // Consecutive frames often come from the same client: skip the map lookup then.
        final ClientSession last = lastSession;
        if (last != null && last.sessionId() == sessionId)
        {
            return last;
        }
        final ClientSession session = sessions.get(sessionId);
        if (session != null)
        {
            lastSession = session;
        }
        return session;
    }

    private void onData(final DirectBuffer buffer, final int index, final int length)
    {
        if (length < MESSAGE_HEADER_LENGTH)
        {
            invalid("message frame too short: length=" + length, index);
            return;
        }
        final ClientSession session = session(buffer.getInt(index + SESSION_ID_OFFSET));
        if (session == null)
        {
            invalid("message from unknown sessionId=" + buffer.getInt(index + SESSION_ID_OFFSET), index);
            return;
        }
        final int payloadLength = length - MESSAGE_HEADER_LENGTH;
        countReceived(payloadLength);
        handler.onMessage(session, buffer.getInt(index + TYPE_ID_OFFSET), buffer, index + MESSAGE_HEADER_LENGTH,
            payloadLength);
    }

    private void onRequest(final DirectBuffer buffer, final int index, final int length)
    {
        if (length < REQUEST_HEADER_LENGTH)
        {
            invalid("request frame too short: length=" + length, index);
            return;
        }
        final ClientSession session = session(buffer.getInt(index + SESSION_ID_OFFSET));
        if (session == null)
        {
            invalid("request from unknown sessionId=" + buffer.getInt(index + SESSION_ID_OFFSET), index);
            return;
        }
        final int payloadLength = length - REQUEST_HEADER_LENGTH;
        countReceived(payloadLength);
        handler.onRequest(session, buffer.getLong(index + CORRELATION_ID_OFFSET),
            buffer.getInt(index + TYPE_ID_OFFSET), buffer, index + REQUEST_HEADER_LENGTH, payloadLength);
    }

    private void onFragment(final DirectBuffer buffer, final int index, final int length)
    {
        if (length < MESSAGE_HEADER_LENGTH)
        {
            invalid("fragment frame too short: length=" + length, index);
            return;
        }
        final ClientSession session = session(buffer.getInt(index + SESSION_ID_OFFSET));
        if (session == null)
        {
            invalid("fragment from unknown sessionId=" + buffer.getInt(index + SESSION_ID_OFFSET), index);
            return;
        }
        final Reassembler reassembler = session.reassembler();
        final int result = reassembler.onFragment(buffer, index, length, FRAGMENT_KINDS);
        if (result == Reassembler.INVALID)
        {
            invalid("invalid fragment from sessionId=" + session.sessionId() + " length=" + length, index);
            return;
        }
        fragmentsReceived.incrementRelease();
        if (result == Reassembler.COMPLETE)
        {
            countReceived(reassembler.length());
            if (reassembler.innerKind() == REQUEST_KIND)
            {
                handler.onRequest(session, reassembler.correlationId(), reassembler.typeId(), reassembler.buffer(), 0,
                    reassembler.length());
            }
            else
            {
                handler.onMessage(session, reassembler.typeId(), reassembler.buffer(), 0, reassembler.length());
            }
        }
    }

    private void onConnect(final DirectBuffer buffer, final int index, final int length)
    {
        if (length < CONNECT_NAME_OFFSET)
        {
            invalid("connect frame too short: length=" + length, index);
            return;
        }
        final String name = FrameDescriptor.readAscii(buffer, index + CONNECT_NAME_OFFSET,
            buffer.getInt(index + CONNECT_NAME_LENGTH_OFFSET), index + length,
            FrameDescriptor.MAX_CLIENT_FILE_NAME_LENGTH);
        if (name == null || !FrameDescriptor.isValidClientFileName(name))
        {
            invalid("connect with invalid client file name: " + (name == null ? "length out of range" : name),
                index);
            return;
        }
        final long pid = buffer.getLong(index + CONNECT_PID_OFFSET);
        final ChannelFile clientFile;
        try
        {
            clientFile = ChannelFile.open(serviceDirectory.resolve(name), ChannelDescriptor.TYPE_CLIENT);
        }
        catch (final ChannelFileException ex)
        {
            invalid("connect refused, cannot open client file: " + ex.getMessage(), index);
            return;
        }
        final long ownerPid = clientFile.ownerPid();
        if (ownerPid != pid)
        {
            // Read before the close: the header is unmapped then, and reading it would crash the JVM (SIGSEGV).
            clientFile.close();
            invalid("connect refused: pid=" + pid + " but the file's ownerPid=" + ownerPid, index);
            return;
        }
        Notifier clientNotifier = null;
        try
        {
            if (clientFile.consumerIdleMode() == IdleMode.BLOCK)
            {
                clientNotifier = ShmServer.openClientNotifier(clientFile, context.notifierKind(), sharedWake);
            }
        }
        catch (final RuntimeException ex)
        {
            // The client polls its inbox during the handshake, so it reads the refusal without being woken.
            reject(new ClientSession(newSessionId(), pid, clientFile, null, context.maxMessageLength(),
                context.sendTimeoutNs(), counters, wakeBatch),
                "cannot open the client's notifier: " + ex.getMessage(), index);
            return;
        }
        final ClientSession session = new ClientSession(newSessionId(), pid, clientFile, clientNotifier,
            context.maxMessageLength(), context.sendTimeoutNs(), counters, wakeBatch);
        final int protocol = buffer.getInt(index + CONNECT_PROTOCOL_OFFSET);
        if (protocol != PROTOCOL_VERSION)
        {
            reject(session, "protocol mismatch: client=" + protocol + " server=" + PROTOCOL_VERSION
                + ": run the same IPC Gateway version on both sides", index);
            return;
        }
        final String refusal = admissionRefusal(session);
        if (refusal != null)
        {
            reject(session, refusal, index);
            return;
        }
        controlBuffer.putInt(CONNECTED_SESSION_ID_OFFSET, session.sessionId());
        controlBuffer.putInt(CONNECTED_PROTOCOL_OFFSET, PROTOCOL_VERSION);
        controlBuffer.putLong(CONNECTED_SERVER_PID_OFFSET, ProcessInfo.pid());
        controlBuffer.putInt(CONNECTED_MAX_MESSAGE_LENGTH_OFFSET, context.maxMessageLength());
        controlBuffer.putInt(CONNECTED_MAX_MESSAGE_LENGTH_OFFSET + 4, 0);
        // Registered before the client learns it is connected, so its first message finds the session.
        sessions.put(session.sessionId(), session);
        sessionCount = sessions.size();
        if (!session.sendControl(CONNECTED_KIND, controlBuffer, 0, CONNECTED_LENGTH))
        {
            sessions.remove(session.sessionId());
            sessionCount = sessions.size();
            session.close();
            invalid("connect refused: the client's ring is full before the handshake, file=" + name, index);
            return;
        }
        handler.onConnect(session);
    }

    /**
     * Why a client may not connect, or null: its file must be owned by a user the file access admits (this user,
     * or the group in group mode), and by a uid on the allow-list when there is one.
     */
    private String admissionRefusal(final ClientSession session)
    {
        try
        {
            context.fileAccess().checkExisting(session.clientFile(), "client file");
        }
        catch (final ChannelFileException ex)
        {
            return "uid=" + session.uid() + " refused by service=" + context.serviceName() + ": " + ex.getMessage();
        }
        if (!context.isUidAllowed(session.uid()))
        {
            return "uid=" + session.uid() + " is not allowed to connect to service=" + context.serviceName()
                + " (allowedUids=" + java.util.Arrays.toString(context.allowedUids()) + ", "
                + ShmConfiguration.ALLOWED_UIDS_PROP_NAME + ")";
        }
        return null;
    }

    private void reject(final ClientSession session, final String reason, final int index)
    {
        try
        {
            sendRejected(session, reason, MAX_REASON_LENGTH);
        }
        catch (final IllegalArgumentException tooLongForRing)
        {
            // The smallest client ring (1 KiB) takes records of 128 bytes: send the start of the reason.
            sendRejected(session, reason, MIN_RING_RECORD_LENGTH - REJECTED_REASON_OFFSET);
        }
        finally
        {
            session.close();
        }
        invalid("connect refused: " + reason, index);
    }

    private void sendRejected(final ClientSession session, final String reason, final int maxLength)
    {
        final int reasonLength = controlBuffer.putStringWithoutLengthAscii(REJECTED_REASON_OFFSET,
            reason.length() > maxLength ? reason.substring(0, maxLength) : reason);
        controlBuffer.putInt(REJECTED_REASON_LENGTH_OFFSET, reasonLength);
        session.sendControl(REJECTED_KIND, controlBuffer, 0, REJECTED_REASON_OFFSET + reasonLength);
    }

    private void onDisconnect(final DirectBuffer buffer, final int index, final int length)
    {
        if (length < SESSION_ID_OFFSET + Integer.BYTES)
        {
            invalid("disconnect frame too short: length=" + length, index);
            return;
        }
        final ClientSession session = sessions.remove(buffer.getInt(index + SESSION_ID_OFFSET));
        lastSession = null;
        if (session == null)
        {
            invalid("disconnect from unknown sessionId=" + buffer.getInt(index + SESSION_ID_OFFSET), index);
            return;
        }
        sessionCount = sessions.size();
        try
        {
            handler.onDisconnect(session);
        }
        finally
        {
            session.takeBackWaiters(file.header());
            publishCountsOf(session);
            session.close();
        }
    }

    /**
     * Counts and reports a refused frame, naming the server file and the offset of its record.
     *
     * @param index ring index of the frame (after its record header).
     */
    private void invalid(final String message, final int index)
    {
        errors.incrementRelease();
        errorHandler.onError(new ChannelFileException(file.path(), message + " (record at offset="
            + (ChannelDescriptor.HEADER_LENGTH + index - RecordDescriptor.HEADER_LENGTH) + ")"));
    }

    @Override
    public void onClose()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        // Tasks handed over before the close (e.g. last pushes) run before the clients are told the service closes.
        tasksClosed = true;
        runTasks(Integer.MAX_VALUE);
        final List<ClientSession> open = new ArrayList<>(sessions.values());
        sessions.clear();
        lastSession = null;
        sessionCount = 0;
        for (final ClientSession session : open)
        {
            try
            {
                session.sendClosing();
                handler.onDisconnect(session);
            }
            catch (final Throwable ex)
            {
                errorHandler.onError(ex);
            }
            finally
            {
                publishCountsOf(session);
                session.close();
            }
        }
        if (notifier != null)
        {
            notifier.close();
        }
        if (fileLost)
        {
            file.abandon();
        }
        else
        {
            // Not unmapped here: other threads may still read the counters; the mapping goes with the last reference.
            file.close(false);
        }
        ServiceDirectory.deleteIfEmpty(serviceDirectory);
    }

    /**
     * Queues a task for the duty cycle and wakes it; any thread.
     *
     * @return false when the server closed before the task could be queued (it will not run).
     */
    boolean execute(final Runnable task)
    {
        if (tasksClosed)
        {
            return false;
        }
        tasks.add(task);
        // A close that drained the queue between the check above and the add: take the task back if it is still
        // there, so a task either runs or is refused, never left behind.
        if (tasksClosed && tasks.remove(task))
        {
            return false;
        }
        if (notifier != null && !fileLost)
        {
            notifier.signal();
        }
        return true;
    }

    private int runTasks(final int limit)
    {
        int ran = 0;
        Runnable task;
        while (ran < limit && (task = tasks.poll()) != null)
        {
            ran++;
            try
            {
                task.run();
            }
            catch (final Throwable ex)
            {
                errors.incrementRelease();
                errorHandler.onError(ex);
            }
        }
        return ran;
    }

    /**
     * The sessions connected now; duty-cycle thread only.
     */
    List<ClientSession> sessions()
    {
        return new ArrayList<>(sessions.values());
    }

    private int newSessionId()
    {
        int id;
        do
        {
            id = sessionIds.nextInt(1, Integer.MAX_VALUE);
        }
        while (sessions.containsKey(id));
        return id;
    }

    int sessionCount()
    {
        return sessionCount;
    }

    IpcCounters counters()
    {
        return counters;
    }

    Notifier notifier()
    {
        return notifier;
    }
}
