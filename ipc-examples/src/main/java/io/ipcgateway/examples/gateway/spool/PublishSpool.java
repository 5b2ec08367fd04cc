package io.ipcgateway.examples.gateway.spool;

import java.io.Closeable;
import java.util.concurrent.atomic.AtomicLong;

import io.ipcgateway.audit.AuditDiskFullException;
import io.ipcgateway.audit.AuditLog;
import io.ipcgateway.audit.AuditLogConfig;
import io.ipcgateway.audit.DurabilityPolicy;
import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.IpcException;
import io.ipcgateway.core.JvmAccess;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * A bounded, durable, ordered local spool of publishes, for while the bus is down: {@link #append} stores a message
 * (subject, opaque headers, payload) and returns its sequence once it is durable under the configured
 * {@link DurabilityPolicy}; {@link #drain} later hands the oldest undelivered messages, in order, to a
 * {@link SpoolSink} (for the gateway: NATS) and moves past each one the sink confirms.
 * <p>
 * <b>Storage.</b> A folder holding an audit log named {@value #LOG_NAME} (ipc-audit's segment files, CRCs, hash chain
 * and crash recovery: a torn tail after a crash is cut on open; {@code bin/ipc audit verify DIR --name spool} checks
 * it), one record per message ({@link SpoolRecordDescriptor}), plus a cursor file ({@link SpoolCursorDescriptor})
 * with the last sequence the sink confirmed. Segments whose messages were all delivered are deleted after each drain,
 * so the disk holds the undelivered messages plus at most three segments (the partly delivered oldest, the active,
 * and the one ipc-audit reserves ahead): about {@code min(maxBytes, undelivered) + 3 * segmentSize}.
 * <p>
 * <b>Bounds.</b> An append that would take the undelivered messages beyond {@link SpoolConfig#maxMessages()} or their
 * stored bytes ({@link #bytes()}, each message as its audit record: the record header, the encoded message,
 * padded to the record alignment) beyond {@link SpoolConfig#maxBytes()} stores nothing and returns {@link #SPOOL_FULL}.
 * <p>
 * <b>Guarantees.</b> A message whose append returned a sequence survives kill -9 of the process at any moment
 * (under every policy) and a power loss (under a policy other than {@link DurabilityPolicy#none()}, as ipc-audit
 * describes). Messages are delivered in sequence order, each exactly once while the process lives. The cursor is
 * written once per {@link #drain} call, after the sink's last confirmation in it (forced to the disk unless the policy
 * is {@code none()}), and before any segment is deleted: a crash during a drain call means that, after reopening, the
 * messages that call had confirmed are delivered again, i.e. at most {@code maxMessages} of that one call, starting
 * with the first message after the previous call's last confirmation; a crash between drain calls repeats nothing.
 * (Under {@code none()}, a power loss can lose cursor writes too, and repeats reach back to the last one on the disk.)
 * So delivery is at-least-once across a crash, and the sink should be idempotent or tolerate those repeats.
 * {@link #drain(AsyncSpoolSink, int, int)} pipelines the same: up to a window of messages sent before the oldest is
 * confirmed, the spool moving past them only along the contiguous confirmed prefix (and writing the cursor once per
 * call), so a failure in the window, or a crash, repeats messages but never skips one.
 * If the log ends before the cursor on reopen (a power loss under {@code none()} cut the log's tail), the cursor is
 * moved back to the log's end, so new messages are never mistaken for delivered ones.
 * <p>
 * <b>Threads.</b> {@link #append} may be called from any number of threads at once (ipc-audit serialises the writes
 * in a short lock; each thread keeps its own encoding buffer, as large as its largest message); sequences follow the
 * order in which appends took that lock. {@link #drain} is called by one thread at a time (calls are serialised by a
 * lock) and may run while others append. {@link #depth()} and {@link #bytes()} may be read from any thread.
 * {@link #close()} waits for a running drain; appends after it return {@link #CLOSED}.
 * <p>
 * To keep order while the bus comes back, send new publishes to the spool as long as {@link #depth()} is above zero,
 * and directly only once it has drained.
 */
public final class PublishSpool implements Closeable
{
    /** {@link #append} result: the bounds would be exceeded; nothing was stored. */
    public static final long SPOOL_FULL = -1;
    /** {@link #append} result: the disk had no room for a new segment; nothing was stored. */
    public static final long DISK_FULL = -2;
    /** {@link #append} result: the spool is closed; nothing was stored. */
    public static final long CLOSED = -3;
    /** The name of the audit log inside the spool's folder. */
    public static final String LOG_NAME = "spool";

    private static final int INITIAL_SCRATCH = 4096;

    private final SpoolConfig config;
    private final AuditLog log;
    private final SpoolCursor cursor;
    private final SpoolDrainer drainer;
    private final int maxMessageLength;
    private final AtomicLong depth = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final ThreadLocal<ExpandableArrayBuffer> scratch =
        ThreadLocal.withInitial(() -> new ExpandableArrayBuffer(INITIAL_SCRATCH));
    private final Object drainLock = new Object();
    private volatile boolean closed;

    private PublishSpool(final SpoolConfig config, final AuditLog log, final SpoolCursor cursor)
    {
        this.config = config;
        this.log = log;
        this.cursor = cursor;
        this.maxMessageLength = log.config().maxPayloadLength();
        final long first = Math.max(cursor.delivered() + 1, log.firstSequence());
        this.drainer = new SpoolDrainer(config.directory(), first, (sequence, stored) ->
        {
            depth.decrementAndGet();
            bytes.addAndGet(-stored);
        });
    }

    /**
     * Opens the spool in {@code config.directory()}, creating the folder (0700) and its files when missing, and
     * recovering after a crash: the log's torn tail is cut, and delivery resumes after the cursor's sequence.
     *
     * @param config the settings.
     * @return the open spool.
     * @throws ChannelFileException naming the folder when it cannot be created or written, belongs to another user,
     *     is in use by another spool, or holds something that is not a spool; {@link io.ipcgateway.core
     *     .CorruptionException} when the cursor is corrupt.
     */
    public static PublishSpool open(final SpoolConfig config)
    {
        JvmAccess.ensureAgronaAccess();
        SpoolFolder.prepare(config.directory());
        final boolean durable = config.durability().kind() != DurabilityPolicy.Kind.NONE;
        final SpoolCursor cursor = SpoolCursor.open(config.directory(), durable);
        AuditLog log = null;
        PublishSpool spool = null;
        try
        {
            log = AuditLog.open(AuditLogConfig.builder(config.directory()).name(LOG_NAME)
                .segmentSize(config.segmentSize()).durability(config.durability()).build());
            reconcile(cursor, log);
            spool = new PublishSpool(config, log, cursor);
            spool.countUndelivered();
            return spool;
        }
        catch (final RuntimeException ex)
        {
            if (spool != null)
            {
                spool.drainer.close();
            }
            if (log != null)
            {
                log.close();
            }
            cursor.close();
            throw ex;
        }
    }

    /**
     * Stores a message. Thread-safe; allocates nothing for an ASCII subject once the calling thread's buffer is
     * large enough.
     *
     * @param subject the subject, non-empty.
     * @param headers opaque header bytes (copied), or null for none.
     * @param payload holds the payload.
     * @param offset  where the payload starts.
     * @param length  payload bytes.
     * @return the message's spool sequence (from 1, +1 per message) once durable under the policy; or
     *     {@link #SPOOL_FULL}, {@link #DISK_FULL} or {@link #CLOSED} (all negative) when nothing was stored.
     * @throws IllegalArgumentException when the subject is empty or the message exceeds
     *     {@link #maxMessageLength()}.
     */
    public long append(final String subject, final byte[] headers, final DirectBuffer payload, final int offset,
        final int length)
    {
        if (closed)
        {
            return CLOSED;
        }
        final ExpandableArrayBuffer buffer = scratch.get();
        final int encoded = SpoolRecords.encode(buffer, maxMessageLength, subject, headers, payload, offset, length);
        final long stored = SpoolDrainer.storedBytes(encoded);
        if (!reserve(stored))
        {
            return SPOOL_FULL;
        }
        try
        {
            return log.append(SpoolRecordDescriptor.RECORD_TYPE, SpoolRecordDescriptor.RECORD_VERSION, buffer, 0,
                encoded);
        }
        catch (final AuditDiskFullException ex)
        {
            release(stored);
            return DISK_FULL;
        }
        catch (final IpcException ex)
        {
            release(stored);
            if (closed || log.isClosed())
            {
                return CLOSED;
            }
            throw ex;
        }
    }

    /**
     * Delivers up to {@code maxMessages} of the oldest undelivered messages, in order, until the sink declines one
     * (it stays at the head for the next call) or throws (the same), then records the progress in the cursor and
     * deletes segments whose messages were all delivered. One thread at a time (serialised). Returns fewer than
     * {@code maxMessages} only when the sink declined or fewer were waiting (appends still in progress may show up
     * on the next call).
     *
     * @param sink        receives each message.
     * @param maxMessages most messages to deliver, at least 1.
     * @return messages the sink confirmed; 0 when none was waiting, the first was declined, or the spool is closed.
     */
    public int drain(final SpoolSink sink, final int maxMessages)
    {
        if (maxMessages < 1)
        {
            throw new IllegalArgumentException("maxMessages=" + maxMessages + ": expected at least 1");
        }
        synchronized (drainLock)
        {
            if (closed)
            {
                return 0;
            }
            try
            {
                int taken = drainer.drain(sink, maxMessages);
                if (taken < maxMessages && !drainer.declined() && log.lastSequence() >= drainer.nextSequence())
                {
                    // The reader looks for the next segment at most once a millisecond when it made no progress;
                    // the log says there is more, so look now (a directory listing, once per segment at most).
                    drainer.seek(drainer.nextSequence());
                    taken += drainer.drain(sink, maxMessages - taken);
                }
                return taken;
            }
            finally
            {
                final long confirmed = drainer.lastTaken();
                if (confirmed > cursor.delivered())
                {
                    cursor.store(confirmed);
                    log.deleteSegmentsBefore(confirmed + 1);
                }
            }
        }
    }

    /**
     * Like {@link #drain(SpoolSink, int)}, pipelined: sends up to {@code window} messages before the oldest is
     * confirmed, and moves past messages only along the contiguous confirmed prefix, in sequence order. When a
     * message's future completes exceptionally, nothing after it is sent or confirmed in this call (the futures
     * already sent are waited for and their outcomes ignored): the next call starts again at that message, so the
     * ones sent after it and confirmed by the bus are sent once more (at-least-once, as across a crash). The cursor
     * is written once per call, as {@link #drain(SpoolSink, int)} does, so a crash mid-window repeats at most this
     * call's messages, from the first one after the previous call's last confirmation. Returns once every message it
     * sent has its answer.
     *
     * @param sink        sends each message; its futures must complete in bounded time.
     * @param maxMessages most messages to confirm, at least 1.
     * @param window      most messages sent and not yet confirmed, at least 1 (1: one at a time).
     * @return messages confirmed; 0 when none was waiting, the first was declined or failed, or the spool is closed.
     */
    public int drain(final AsyncSpoolSink sink, final int maxMessages, final int window)
    {
        if (maxMessages < 1 || window < 1)
        {
            throw new IllegalArgumentException("maxMessages=" + maxMessages + " window=" + window +
                ": expected at least 1 each");
        }
        synchronized (drainLock)
        {
            if (closed)
            {
                return 0;
            }
            int taken = 0;
            boolean sending = true;
            boolean failed = false;
            boolean lookedForMore = false;
            RuntimeException thrown = null;
            drainer.startWindow(sink, window);
            try
            {
                while (true)
                {
                    final int room = Math.min(window, maxMessages - taken) - drainer.outstanding();
                    if (sending && !failed && room > 0)
                    {
                        try
                        {
                            int sent = drainer.sendMore(room);
                            if (sent == 0 && !drainer.declined() && !lookedForMore &&
                                log.lastSequence() >= drainer.nextSequence())
                            {
                                // As in drain(SpoolSink, int): the reader looks for a new segment only now and then.
                                lookedForMore = true;
                                drainer.seek(drainer.nextSequence());
                                sent = drainer.sendMore(room);
                            }
                            sending = !drainer.declined();
                        }
                        catch (final RuntimeException ex)
                        {
                            // Like a decline, and reported once the messages already sent have their answers.
                            sending = false;
                            thrown = ex;
                        }
                    }
                    if (drainer.outstanding() == 0)
                    {
                        if (thrown != null)
                        {
                            throw thrown;
                        }
                        return taken;
                    }
                    // Every message sent is waited for, even after a failure, so none is in flight after the call.
                    final boolean confirmed = drainer.awaitOldest();
                    if (confirmed && !failed)
                    {
                        drainer.confirmOldest();
                        taken++;
                    }
                    else
                    {
                        failed = true;
                        drainer.dropOldest();
                    }
                }
            }
            finally
            {
                drainer.endWindow();
                final long confirmed = Math.max(drainer.lastTaken(), cursor.delivered());
                if (drainer.nextSequence() != confirmed + 1)
                {
                    drainer.seek(confirmed + 1); // sent but not confirmed: offered again by the next call
                }
                if (drainer.lastTaken() > cursor.delivered())
                {
                    cursor.store(drainer.lastTaken());
                    log.deleteSegmentsBefore(drainer.lastTaken() + 1);
                }
            }
        }
    }

    /**
     * Messages not yet delivered, including appends in progress.
     *
     * @return messages.
     */
    public long depth()
    {
        return depth.get();
    }

    /**
     * Stored bytes of the messages not yet delivered (what {@link SpoolConfig#maxBytes()} bounds).
     *
     * @return bytes.
     */
    public long bytes()
    {
        return bytes.get();
    }

    /**
     * The sequence of the last message the sink confirmed (as in the cursor).
     *
     * @return sequence, 0 when none yet.
     */
    public long deliveredSequence()
    {
        synchronized (drainLock)
        {
            return cursor.delivered();
        }
    }

    /**
     * The sequence of the last message appended.
     *
     * @return sequence, 0 when none yet.
     */
    public long lastSequence()
    {
        return log.lastSequence();
    }

    /**
     * The largest message: 8 bytes + the subject's UTF-8 bytes + header bytes + payload bytes.
     *
     * @return bytes.
     */
    public int maxMessageLength()
    {
        return maxMessageLength;
    }

    /**
     * The settings.
     *
     * @return them.
     */
    public SpoolConfig config()
    {
        return config;
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true when closed.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Waits for a running drain, forces the log (unless the policy is {@code none()}), and releases the folder.
     * Idempotent.
     */
    @Override
    public void close()
    {
        synchronized (drainLock)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            drainer.close();
            log.close();
            cursor.close();
        }
    }

    private boolean reserve(final long stored)
    {
        final long maxMessages = config.maxMessages();
        long messages;
        do
        {
            messages = depth.get();
            if (messages >= maxMessages)
            {
                return false;
            }
        }
        while (!depth.compareAndSet(messages, messages + 1));
        final long maxBytes = config.maxBytes();
        long used;
        do
        {
            used = bytes.get();
            if (used + stored > maxBytes)
            {
                depth.decrementAndGet();
                return false;
            }
        }
        while (!bytes.compareAndSet(used, used + stored));
        return true;
    }

    private void release(final long stored)
    {
        bytes.addAndGet(-stored);
        depth.decrementAndGet();
    }

    /**
     * Puts the cursor back within the log: after the log's end when a power loss cut the log's tail, and before its
     * oldest segment when segments were deleted after a cursor write that did not reach the disk.
     */
    private static void reconcile(final SpoolCursor cursor, final AuditLog log)
    {
        final long last = log.lastSequence();
        if (cursor.delivered() > last)
        {
            cursor.store(last);
        }
        else if (cursor.delivered() + 1 < log.firstSequence())
        {
            cursor.store(log.firstSequence() - 1);
        }
    }

    private void countUndelivered()
    {
        final long[] counted = drainer.count();
        final long expected = log.lastSequence() - cursor.delivered();
        if (counted[0] != expected)
        {
            throw new ChannelFileException(config.directory(), "spool log is incomplete: messages after the cursor="
                + counted[0] + " expected=" + expected + " (delivered up to " + cursor.delivered() + ", last="
                + log.lastSequence() + "): directory=" + config.directory() + ": run 'bin/ipc audit verify "
                + config.directory() + " --name " + LOG_NAME + "'");
        }
        depth.set(counted[0]);
        bytes.set(counted[1]);
        drainer.seek(cursor.delivered() + 1);
    }
}
