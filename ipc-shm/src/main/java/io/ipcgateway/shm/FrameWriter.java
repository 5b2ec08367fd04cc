package io.ipcgateway.shm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import io.ipcgateway.core.ClaimCompleter;
import io.ipcgateway.core.CounterKind;
import io.ipcgateway.core.IpcCounters;
import io.ipcgateway.core.MessageClaim;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.shm.notify.Notifier;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import static io.ipcgateway.shm.FrameDescriptor.CORRELATION_ID_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.FRAGMENT_HEADER_LENGTH;
import static io.ipcgateway.shm.FrameDescriptor.FRAGMENT_INNER_KIND_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.FRAGMENT_KIND;
import static io.ipcgateway.shm.FrameDescriptor.FRAGMENT_OFFSET_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.FRAGMENT_TOTAL_LENGTH_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.MESSAGE_HEADER_LENGTH;
import static io.ipcgateway.shm.FrameDescriptor.REQUEST_HEADER_LENGTH;
import static io.ipcgateway.shm.FrameDescriptor.SESSION_ID_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.TYPE_ID_OFFSET;

/**
 * Writes data frames into one ring: claims a record, writes the frame header and the payload in place, commits,
 * then signals the consumer's notifier (only when the consumer declared it may sleep). Messages larger than one
 * record are fragmented, one message at a time per writer.
 * <p>
 * The hot path ({@link #send} of a message that fits one record) takes no lock, allocates nothing and makes no
 * syscall unless the consumer sleeps. Thread-safe when the ring is a many-to-one ring ({@code concurrent} true).
 * <p>
 * Messages and bytes sent are not written to the shared-memory counters per message: while one thread sends (the
 * first to send on a concurrent writer; any thread, one at a time, on the others), it accumulates running totals in
 * fields of this writer and adds what is new to the counters every {@value #PUBLISH_EVERY} messages, when the ring
 * is full, and whenever {@link #publishCounts} is called (the client watchdog's pass, the server's heartbeat, close).
 * So an outside reader sees them at most {@code PUBLISH_EVERY - 1} messages, or one of those periods, behind. Once a
 * second thread sends through a concurrent writer, its sends count atomically into the counters at once.
 */
final class FrameWriter
{
    /** Messages between two publications of a sole sender's counts (a power of two). */
    static final int PUBLISH_EVERY = 64;
    private static final long OPEN_CLAIM_GRACE_NS = 1_000_000L;
    private static final VarHandle SENT_MESSAGES;
    private static final VarHandle SENT_BYTES;
    private static final VarHandle PUBLISHED_MESSAGES;
    private static final VarHandle PUBLISHED_BYTES;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            SENT_MESSAGES = lookup.findVarHandle(FrameWriter.class, "sentMessages", long.class);
            SENT_BYTES = lookup.findVarHandle(FrameWriter.class, "sentBytes", long.class);
            PUBLISHED_MESSAGES = lookup.findVarHandle(FrameWriter.class, "publishedMessages", long.class);
            PUBLISHED_BYTES = lookup.findVarHandle(FrameWriter.class, "publishedBytes", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private static final AtomicReferenceFieldUpdater<FrameWriter, Thread> SOLE_WRITER =
        AtomicReferenceFieldUpdater.newUpdater(FrameWriter.class, Thread.class, "soleWriter");

    private final FrameRing ring;
    private final AtomicBuffer buffer;
    private final Notifier notifier;
    private final boolean concurrent;
    private final int maxRecordLength;
    private final int maxMessageLength;
    private final long sendTimeoutNs;
    private final AtomicCounter messagesSent;
    private final AtomicCounter bytesSent;
    private final AtomicCounter backPressure;
    private final AtomicCounter fragmentsSent;
    private final ReentrantLock fragmentLock = new ReentrantLock();
    private final Completer shortHeaderCompleter = new Completer(MESSAGE_HEADER_LENGTH);
    private final Completer longHeaderCompleter = new Completer(REQUEST_HEADER_LENGTH);
    /** Header of the open zero-copy claim of a single-threaded writer, 0 when none (see {@link #abortOpenClaim}). */
    private long openClaimHeader;
    private long openClaimPosition;
    private volatile Thread soleWriter;
    /**
     * Running totals of the sole sender (written by it alone, with release stores, read by {@link #publishCounts}),
     * and how much of them has been added to the shared counters (moved forward by compare-and-set, so two threads
     * publishing at once never add the same part twice).
     */
    @SuppressWarnings("unused")
    private long sentMessages;
    @SuppressWarnings("unused")
    private long sentBytes;
    @SuppressWarnings("unused")
    private long publishedMessages;
    @SuppressWarnings("unused")
    private long publishedBytes;
    private volatile boolean shared;
    /** Where the server's duty cycle collects its wake-ups for the end of a pass, or null (see {@link WakeBatch}). */
    private WakeBatch wakeBatch;
    private boolean wakePending;
    private boolean wakesClosed;

    /**
     * @param ring             the ring to write (its {@code concurrent} mode matches {@code concurrent}).
     * @param notifier         producer side of the consumer's notifier, or null when the consumer never sleeps.
     * @param concurrent       whether several threads write through this writer (atomic counter updates).
     * @param maxMessageLength largest message accepted, after reassembly, by the consumer.
     * @param sendTimeoutNs    how long a fragmented send retries a full ring.
     * @param counters         counters of the sending endpoint.
     */
    FrameWriter(
        final FrameRing ring,
        final Notifier notifier,
        final boolean concurrent,
        final int maxMessageLength,
        final long sendTimeoutNs,
        final IpcCounters counters)
    {
        this.ring = ring;
        this.buffer = ring.buffer();
        this.notifier = notifier;
        this.concurrent = concurrent;
        this.maxRecordLength = ring.maxMsgLength();
        this.maxMessageLength = maxMessageLength;
        this.sendTimeoutNs = sendTimeoutNs;
        this.messagesSent = counters.counter(CounterKind.MESSAGES_SENT);
        this.bytesSent = counters.counter(CounterKind.BYTES_SENT);
        this.backPressure = counters.counter(CounterKind.BACK_PRESSURE_EVENTS);
        this.fragmentsSent = counters.counter(CounterKind.FRAGMENTS_SENT);
    }

    static int headerLength(final int kind)
    {
        return kind == FrameDescriptor.REQUEST_KIND || kind == FrameDescriptor.RESPONSE_KIND ?
            REQUEST_HEADER_LENGTH : MESSAGE_HEADER_LENGTH;
    }

    int maxMessageLength()
    {
        return maxMessageLength;
    }

    /**
     * Largest payload one zero-copy claim of this kind can hold.
     *
     * @param kind a data frame kind.
     * @return the limit in bytes.
     */
    int maxClaimLength(final int kind)
    {
        return maxRecordLength - headerLength(kind);
    }

    /**
     * Sends one data frame (MESSAGE, REQUEST, RESPONSE or PUSH), fragmenting when it does not fit one record.
     *
     * @return {@link OfferResult#OK} or a negative code; nothing is sent when the code is negative
     *         ({@link OfferResult#INVALID_ARGUMENT} for the arguments {@link #isInvalid} rejects, before any claim).
     * @throws io.ipcgateway.core.StaleClaimException when this thread held its claim longer than the consumer's
     *                                                unblock timeout (it was stopped): nothing was sent.
     */
    long send(
        final int kind,
        final int sessionId,
        final int typeId,
        final long correlationId,
        final DirectBuffer src,
        final int offset,
        final int length)
    {
        if (isInvalid(typeId, src, offset, length))
        {
            return OfferResult.INVALID_ARGUMENT;
        }
        final int headerLength = headerLength(kind);
        if (length > maxRecordLength - headerLength)
        {
            return sendFragmented(kind, sessionId, typeId, correlationId, src, offset, length);
        }
        final long position = claimFrame(kind, headerLength, sessionId, typeId, correlationId, length);
        if (position < 0)
        {
            return OfferResult.BACK_PRESSURED;
        }
        final int index = ring.frameIndex(position);
        final long claimedHeader = ring.claimedHeader(kind, position, headerLength + length);
        try
        {
            buffer.putBytes(index + headerLength, src, offset, length);
            commit(index, claimedHeader, headerLength, src, offset, length);
        }
        catch (final Throwable ex)
        {
            abortAfterFault(index, claimedHeader, ex);
            throw ex;
        }
        signal();
        countSent(1, length);
        return OfferResult.OK;
    }

    /**
     * Whether a send's arguments are invalid: a negative (reserved) type id, no buffer, a negative offset or length,
     * or a message reaching beyond the buffer's capacity. Checked before anything is claimed, so a bad call never
     * leaves a claimed record that the consumer cannot pass. A few compares, kept small to be inlined.
     *
     * @return true when {@link OfferResult#INVALID_ARGUMENT} is the answer.
     */
    static boolean isInvalid(final int typeId, final DirectBuffer src, final int offset, final int length)
    {
        // offset > capacity - length cannot overflow: both are non-negative once the first test passed.
        return (typeId | offset | length) < 0 || src == null || offset > src.capacity() - length;
    }

    /**
     * Claims room for one data frame whose payload the caller writes in place.
     *
     * @return {@link OfferResult#OK} with {@code claim} wrapped, or a negative code.
     */
    long tryClaim(
        final int kind,
        final int sessionId,
        final int typeId,
        final long correlationId,
        final int length,
        final MessageClaim claim)
    {
        if (typeId < 0 || length < 0)
        {
            return OfferResult.INVALID_ARGUMENT;
        }
        final int headerLength = headerLength(kind);
        if (length > maxRecordLength - headerLength)
        {
            return OfferResult.TOO_LARGE;
        }
        final long position = claimFrame(kind, headerLength, sessionId, typeId, correlationId, length);
        if (position < 0)
        {
            return OfferResult.BACK_PRESSURED;
        }
        countSent(0, length);
        final long claimedHeader = ring.claimedHeader(kind, position, headerLength + length);
        if (!concurrent)
        {
            // One writing thread: remember its open claim, so it can be aborted when the code filling it throws.
            openClaimPosition = position;
            openClaimHeader = claimedHeader;
        }
        claim.wrap(headerLength == REQUEST_HEADER_LENGTH ? longHeaderCompleter : shortHeaderCompleter,
            buffer, ring.frameIndex(position) + headerLength, length, claimedHeader);
        return OfferResult.OK;
    }

    /**
     * Aborts the zero-copy claim this single-threaded writer handed out and that was neither committed nor aborted
     * (the code filling it threw). No-op for a concurrent writer, and when no claim is open.
     *
     * @return true when a claim was aborted.
     */
    boolean abortOpenClaim()
    {
        final long claimedHeader = openClaimHeader;
        if (concurrent || claimedHeader == 0)
        {
            return false;
        }
        openClaimHeader = 0;
        return ring.abortAt(openClaimPosition, claimedHeader);
    }

    /**
     * Aborts the claims {@code sessionId} still holds in this ring, when they stay open for a millisecond: a
     * closing client's zero-copy claims whose code threw before commit or abort. A claim of a thread still inside
     * {@link #send} or about to commit its zero-copy claim at this moment is aborted too: its commit then throws
     * {@link io.ipcgateway.core.StaleClaimException}. Not on the hot path.
     *
     * @param sessionId the closing session.
     * @return how many claims were aborted.
     */
    int abortOpenClaims(final int sessionId)
    {
        final long[] open = ring.openClaimsOf(sessionId);
        if (open.length == 0)
        {
            return 0;
        }
        // A send in progress commits within microseconds; a claim still open a millisecond later is abandoned.
        LockSupport.parkNanos(OPEN_CLAIM_GRACE_NS);
        int aborted = 0;
        for (int i = 0; i < open.length; i += 2)
        {
            if (ring.abortAt(open[i], open[i + 1]))
            {
                aborted++;
            }
        }
        return aborted;
    }

    /**
     * Claims one ring record for a data frame and writes its header (session, type and, for long headers, the
     * correlation id); counts back pressure when the ring is full.
     *
     * @return the record's ring position, or a negative value when the ring is full (nothing claimed).
     */
    private long claimFrame(
        final int kind,
        final int headerLength,
        final int sessionId,
        final int typeId,
        final long correlationId,
        final int length)
    {
        final long position = ring.claim(kind, headerLength + length);
        if (position < 0)
        {
            count(backPressure, 1);
            // A full ring is a pause in sending: a good moment for readers of the counters to catch up.
            publishCounts();
            // The consumer has a full ring to read: a wake-up deferred to the end of the pass must not wait for it.
            wakeNow();
            return position;
        }
        final int index = ring.frameIndex(position);
        final AtomicBuffer buffer = this.buffer;
        try
        {
            buffer.putInt(index + SESSION_ID_OFFSET, sessionId);
            buffer.putInt(index + TYPE_ID_OFFSET, typeId);
            if (headerLength == REQUEST_HEADER_LENGTH)
            {
                buffer.putLong(index + CORRELATION_ID_OFFSET, correlationId);
            }
        }
        catch (final Throwable ex)
        {
            abortAfterFault(index, ring.claimedHeader(kind, position, headerLength + length), ex);
            throw ex;
        }
        return position;
    }

    /**
     * Discards a claim whose frame could not be written or committed (a fault between claim and commit), so the
     * consumer passes it at once instead of after its unblock timeout. A second fault while aborting (the mapping is
     * gone) is attached to the first, which the caller rethrows.
     */
    private void abortAfterFault(final int frameIndex, final long claimedHeader, final Throwable fault)
    {
        try
        {
            // False when the claim was already skipped or committed: nothing to undo then.
            ring.abort(frameIndex, claimedHeader);
        }
        catch (final Throwable abortFault)
        {
            fault.addSuppressed(abortFault);
        }
    }

    /**
     * Writes a control frame as it is (not on the hot path).
     *
     * @return true when written, false when the ring is full.
     */
    boolean sendControl(final int kind, final DirectBuffer src, final int offset, final int length)
    {
        final boolean written = ring.write(kind, src, offset, length);
        if (written)
        {
            signal();
        }
        return written;
    }

    private long sendFragmented(
        final int kind,
        final int sessionId,
        final int typeId,
        final long correlationId,
        final DirectBuffer src,
        final int offset,
        final int length)
    {
        if (length > maxMessageLength)
        {
            return OfferResult.TOO_LARGE;
        }
        // Fragments of one message must not interleave with another message's fragments from the same sender:
        // the receiver keeps one reassembly per sender. Only large messages take this lock.
        fragmentLock.lock();
        try
        {
            final int chunk = maxRecordLength - FRAGMENT_HEADER_LENGTH;
            final long deadlineNs = System.nanoTime() + sendTimeoutNs;
            int sent = 0;
            int fragments = 0;
            while (sent < length)
            {
                final int fragmentLength = Math.min(chunk, length - sent);
                final long position = ring.claim(FRAGMENT_KIND, FRAGMENT_HEADER_LENGTH + fragmentLength);
                if (position < 0)
                {
                    if (sent == 0 || System.nanoTime() - deadlineNs >= 0)
                    {
                        // Nothing sent, or the consumer stalled mid-message: the receiver drops the partial message
                        // when the next message starts.
                        count(backPressure, 1);
                        wakeNow();
                        return OfferResult.BACK_PRESSURED;
                    }
                    // Not deferred: this thread waits here for the consumer to make room.
                    wakeNow();
                    Thread.yield();
                    continue;
                }
                final int index = ring.frameIndex(position);
                final long claimedHeader =
                    ring.claimedHeader(FRAGMENT_KIND, position, FRAGMENT_HEADER_LENGTH + fragmentLength);
                try
                {
                    buffer.putInt(index + SESSION_ID_OFFSET, sessionId);
                    buffer.putInt(index + TYPE_ID_OFFSET, typeId);
                    buffer.putLong(index + CORRELATION_ID_OFFSET, correlationId);
                    buffer.putInt(index + FRAGMENT_INNER_KIND_OFFSET, kind);
                    buffer.putInt(index + FRAGMENT_TOTAL_LENGTH_OFFSET, length);
                    buffer.putInt(index + FRAGMENT_OFFSET_OFFSET, sent);
                    buffer.putInt(index + FRAGMENT_OFFSET_OFFSET + 4, 0);
                    buffer.putBytes(index + FRAGMENT_HEADER_LENGTH, src, offset + sent, fragmentLength);
                    commit(index, claimedHeader, FRAGMENT_HEADER_LENGTH, src, offset + sent, fragmentLength);
                }
                catch (final Throwable ex)
                {
                    // The fragments committed before are dropped by the receiver when this sender's next message
                    // starts, as for a sender that stalled mid-message.
                    abortAfterFault(index, claimedHeader, ex);
                    throw ex;
                }
                signal();
                sent += fragmentLength;
                fragments++;
            }
            count(fragmentsSent, fragments);
            countSent(1, length);
            return OfferResult.OK;
        }
        finally
        {
            fragmentLock.unlock();
        }
    }

    /**
     * Commits a frame whose payload was copied from {@code src}. With record checksums, the payload's part of the
     * checksum is computed from {@code src}, not from the ring, so bytes a stale producer writes into the record
     * after the copy make the consumer drop it.
     */
    private void commit(
        final int index,
        final long claimedHeader,
        final int headerLength,
        final DirectBuffer src,
        final int offset,
        final int length)
    {
        if (ring.checksums())
        {
            final long headerHash = RecordChecksum.update(RecordChecksum.SEED, buffer, index, headerLength);
            ring.commit(index, claimedHeader, RecordChecksum.finish(
                RecordChecksum.update(headerHash, src, offset, length), headerLength + length));
        }
        else
        {
            ring.commit(index, claimedHeader);
        }
    }

    /**
     * Server side: during a duty-cycle pass, wake-ups of this writer's consumer wait for the end of the pass.
     *
     * @param batch the duty cycle's batch.
     */
    void deferWakesTo(final WakeBatch batch)
    {
        this.wakeBatch = batch;
    }

    /**
     * Issues the wake-up deferred during a pass, if any; on the duty-cycle thread. A consumer asleep on the server's
     * shared wake word is not woken here: its bit is returned for the batch to wake with the others.
     *
     * @return the consumer's bit on the shared wake word when the batch must wake it, else 0.
     */
    int flushWake()
    {
        if (wakePending)
        {
            wakePending = false;
            if (!wakesClosed)
            {
                // The records were committed with release stores earlier in the pass: signalCollecting()'s fence
                // orders them before the read of the waiter word.
                return notifier.signalCollecting();
            }
        }
        return 0;
    }

    /**
     * Wakes the consumer now, even in a pass that defers its wake-ups: a writer about to wait for room in the ring.
     */
    private void wakeNow()
    {
        final Notifier notifier = this.notifier;
        if (notifier != null && !wakesClosed)
        {
            // A pending deferred wake-up is issued here; the batch finds nothing left to do for this writer.
            wakePending = false;
            notifier.signal();
        }
    }

    /**
     * Before the consumer's notifier is closed: issues a deferred wake-up now, and none after.
     */
    void closeWakes()
    {
        if (wakePending && !wakesClosed)
        {
            wakePending = false;
            notifier.signal();
        }
        wakesClosed = true;
    }

    private void signal()
    {
        final Notifier notifier = this.notifier;
        if (notifier != null)
        {
            final WakeBatch batch = wakeBatch;
            if (batch != null && batch.defers())
            {
                if (!wakePending)
                {
                    wakePending = true;
                    batch.add(this);
                }
                return;
            }
            // A compare-and-set commit already orders the record before the read of the waiter word; a release-store
            // commit (single-producer ring) does not, and needs signal()'s fence.
            if (ring.commitsAtomically())
            {
                notifier.signalAfterAtomicCommit();
            }
            else
            {
                notifier.signal();
            }
        }
    }

    /**
     * Counts messages and bytes sent. Kept small so the JIT inlines it into {@link #send}: while one thread sends, two
     * release stores into this writer's own fields (the sole-writer check is one field read once the first sender is
     * recorded), and a publication every {@value #PUBLISH_EVERY} messages.
     */
    private void countSent(final int messages, final int bytes)
    {
        if (!concurrent || (!shared && soleWriter == Thread.currentThread()))
        {
            accumulate(messages, bytes);
        }
        else
        {
            countSentShared(messages, bytes);
        }
    }

    private void accumulate(final int messages, final int bytes)
    {
        final long total = sentMessages + messages;
        SENT_BYTES.setRelease(this, sentBytes + bytes);
        SENT_MESSAGES.setRelease(this, total);
        if (messages != 0 && (total & (PUBLISH_EVERY - 1)) == 0)
        {
            publishCounts();
        }
    }

    /** The first send of a concurrent writer (which records its sole sender), or any send once several threads do. */
    private void countSentShared(final int messages, final int bytes)
    {
        if (!shared && isSoleWriter(Thread.currentThread()))
        {
            accumulate(messages, bytes);
            return;
        }
        if (!shared)
        {
            shared = true;
        }
        // What the sole sender accumulated is published by the next publishCounts(); these go straight in (a
        // zero-copy claim counts its bytes, its commit the message).
        if (messages != 0)
        {
            messagesSent.getAndAdd(messages);
        }
        if (bytes != 0)
        {
            bytesSent.getAndAdd(bytes);
        }
    }

    /**
     * Adds what the sole sender counted since the last publication to the shared counters. From any thread, at any
     * time; allocation-free and lock-free (a compare-and-set and an atomic add per counter when there is news).
     */
    void publishCounts()
    {
        publish(PUBLISHED_MESSAGES, (long)SENT_MESSAGES.getAcquire(this), messagesSent);
        publish(PUBLISHED_BYTES, (long)SENT_BYTES.getAcquire(this), bytesSent);
    }

    private void publish(final VarHandle published, final long total, final AtomicCounter counter)
    {
        final long before = (long)published.getVolatile(this);
        // Totals only grow: a publisher that read an older total than the one already published does nothing.
        if (total - before > 0 && published.compareAndSet(this, before, total))
        {
            counter.getAndAdd(total - before);
        }
    }

    private void count(final AtomicCounter counter, final long delta)
    {
        // An atomic add costs about as much as the ring claim itself, so while only one thread sends (the common
        // case) counters take a plain release add; from the first send by a second thread on they are atomic.
        // An increment may be lost at that one switch-over instant: counters are for monitoring.
        if (!concurrent || (!shared && isSoleWriter(Thread.currentThread())))
        {
            counter.getAndAddRelease(delta);
        }
        else
        {
            if (!shared)
            {
                shared = true;
            }
            counter.getAndAdd(delta);
        }
    }

    private boolean isSoleWriter(final Thread current)
    {
        final Thread sole = soleWriter;
        return sole == current || (sole == null && SOLE_WRITER.compareAndSet(this, null, current));
    }

    private void closeOpenClaim()
    {
        if (!concurrent)
        {
            openClaimHeader = 0;
        }
    }

    /** Commits or aborts a zero-copy claim whose frame header has the given length. */
    private final class Completer implements ClaimCompleter
    {
        private final int headerLength;

        Completer(final int headerLength)
        {
            this.headerLength = headerLength;
        }

        @Override
        public void commit(final int index, final long token)
        {
            closeOpenClaim();
            ring.commit(index - headerLength, token);
            signal();
            countSent(1, 0);
        }

        @Override
        public void abort(final int index, final long token)
        {
            closeOpenClaim();
            // False when the consumer already skipped the claim: discarded either way, and nothing written.
            ring.abort(index - headerLength, token);
        }
    }
}
