package io.ipcgateway.shm;

import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
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
 * syscall unless the consumer sleeps. Thread-safe when the ring is a many-to-one ring ({@code concurrent} true);
 * counters are updated with plain release adds while only one thread (the first to send) sends, atomically once a
 * second thread sends.
 */
final class FrameWriter
{
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
    private volatile Thread soleWriter;
    private volatile boolean shared;

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
     * @return {@link OfferResult#OK} or a negative code; nothing is sent when the code is negative.
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
        if (typeId < 0 || length < 0)
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
        buffer.putBytes(index + headerLength, src, offset, length);
        commit(index, ring.claimedHeader(kind, position, headerLength + length), headerLength, src, offset, length);
        signal();
        countSent(length);
        return OfferResult.OK;
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
        count(bytesSent, length);
        claim.wrap(headerLength == REQUEST_HEADER_LENGTH ? longHeaderCompleter : shortHeaderCompleter,
            buffer, ring.frameIndex(position) + headerLength, length,
            ring.claimedHeader(kind, position, headerLength + length));
        return OfferResult.OK;
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
            return position;
        }
        final int index = ring.frameIndex(position);
        final AtomicBuffer buffer = this.buffer;
        buffer.putInt(index + SESSION_ID_OFFSET, sessionId);
        buffer.putInt(index + TYPE_ID_OFFSET, typeId);
        if (headerLength == REQUEST_HEADER_LENGTH)
        {
            buffer.putLong(index + CORRELATION_ID_OFFSET, correlationId);
        }
        return position;
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
                        return OfferResult.BACK_PRESSURED;
                    }
                    signal();
                    Thread.yield();
                    continue;
                }
                final int index = ring.frameIndex(position);
                buffer.putInt(index + SESSION_ID_OFFSET, sessionId);
                buffer.putInt(index + TYPE_ID_OFFSET, typeId);
                buffer.putLong(index + CORRELATION_ID_OFFSET, correlationId);
                buffer.putInt(index + FRAGMENT_INNER_KIND_OFFSET, kind);
                buffer.putInt(index + FRAGMENT_TOTAL_LENGTH_OFFSET, length);
                buffer.putInt(index + FRAGMENT_OFFSET_OFFSET, sent);
                buffer.putInt(index + FRAGMENT_OFFSET_OFFSET + 4, 0);
                buffer.putBytes(index + FRAGMENT_HEADER_LENGTH, src, offset + sent, fragmentLength);
                commit(index, ring.claimedHeader(FRAGMENT_KIND, position, FRAGMENT_HEADER_LENGTH + fragmentLength),
                    FRAGMENT_HEADER_LENGTH, src, offset + sent, fragmentLength);
                signal();
                sent += fragmentLength;
                fragments++;
            }
            count(fragmentsSent, fragments);
            count(messagesSent, 1);
            count(bytesSent, length);
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

    private void signal()
    {
        final Notifier notifier = this.notifier;
        if (notifier != null)
        {
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
     * Counts one message of {@code length} bytes sent. Kept small so the JIT inlines it into {@link #send}: the
     * sole-writer check is one field read once the first sender is recorded.
     */
    private void countSent(final int length)
    {
        if (!concurrent || (!shared && soleWriter == Thread.currentThread()))
        {
            messagesSent.getAndAddRelease(1);
            bytesSent.getAndAddRelease(length);
        }
        else
        {
            count(messagesSent, 1);
            count(bytesSent, length);
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
            ring.commit(index - headerLength, token);
            signal();
            count(messagesSent, 1);
        }

        @Override
        public void abort(final int index, final long token)
        {
            // False when the consumer already skipped the claim: discarded either way, and nothing written.
            ring.abort(index - headerLength, token);
        }
    }
}
