package io.ipcgateway.audit;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

import io.ipcgateway.core.Configuration;
import io.ipcgateway.core.IpcException;
import io.ipcgateway.core.OfferResult;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpscArrayQueue;
import org.jctools.queues.MpscUnboundedArrayQueue;
import org.jctools.queues.SpmcArrayQueue;

/**
 * The asynchronous appender: any number of threads hand records to one writer thread, which appends them to an
 * {@link AuditLog} in the order they were handed over and applies the log's {@link DurabilityPolicy} to whole
 * batches (group commit).
 * <p>
 * How a record travels, with no allocation on the caller's side: the caller takes a preallocated slot from a free
 * list (a JCTools {@link SpmcArrayQueue} the writer refills), copies the payload into it and offers the slot to a
 * JCTools {@link MpscArrayQueue}; the writer drains that queue, appends each slot and returns it to the free list.
 * <p>
 * Back-pressure is a return code, never a silent drop: when every slot is in use, {@link #tryAppend} returns
 * {@link OfferResult#BACK_PRESSURED} at once, and {@link #append(int, int, DirectBuffer, int, int, long)} waits up to
 * its timeout and then returns {@link OfferResult#BACK_PRESSURED}. Success is a positive <em>ticket</em>: the record
 * is durable (its policy met) once {@link #durableTicket()} reaches it; wait with
 * {@link #awaitDurable(long, long)} (no allocation) or use {@link #appendFuture} (a future per record). A ticket is
 * an upper bound on the record's position in the hand-over order, so waiting on it may wait for a few records
 * handed over at the same moment by other threads, never less than needed.
 * <p>
 * When the disk is full the writer keeps the record it could not write and retries every
 * {@value #RETRY_INTERVAL_MS} ms (nothing is dropped; the queue fills and callers see back-pressure);
 * {@link #lastError()} says why. Thread-safe.
 * <p>
 * Under {@link DurabilityPolicy#everyRecord()} and {@link DurabilityPolicy#everyNanos(long)} a second thread, the
 * committer, forces the log (back to back, or when the interval is due) while the writer goes on appending: the
 * writer never waits for the disk, and a force covers whatever was appended while the previous one ran.
 */
public final class AsyncAuditAppender implements AutoCloseable
{
    /** Default number of slots. */
    public static final int DEFAULT_CAPACITY = 4096;
    /** Default largest payload a slot holds. */
    public static final int DEFAULT_MAX_PAYLOAD_LENGTH = 4096;
    /** How often a writer that failed to append (e.g. a full disk) tries again. */
    public static final long RETRY_INTERVAL_MS = 10;

    private static final int BATCH_LIMIT = 1024;
    private static final long IDLE_PARK_NS = 20_000;
    /** Pairs of (ticket, sequence) the writer remembers until a force covers them; merged into the newest when full. */
    private static final int MARKS = 1024;
    /** The committer's longest park while nothing waits for a force (the writer unparks it sooner). */
    private static final long COMMITTER_IDLE_PARK_NS = 10_000_000;

    private final AuditLog log;
    private final int maxPayloadLength;
    private final SpmcArrayQueue<Slot> free;
    private final MpscArrayQueue<Slot> submitted;
    private final MpscUnboundedArrayQueue<Pending> newPending = new MpscUnboundedArrayQueue<>(64);
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final MessagePassingQueue.Consumer<Slot> writeSlot = this::writeSlot;
    private final Thread writer;
    private final Thread committer;
    private final long[] markTickets = new long[MARKS];
    private final long[] markSequences = new long[MARKS];
    private int markHead;
    private int markCount;
    private volatile boolean committerIdle;
    private volatile boolean committerRunning = true;
    private volatile boolean running = true;
    private volatile boolean stopped;
    private volatile long durableTicket;
    private volatile Throwable lastError;
    private long consumed;
    private long lastWrittenSequence;
    private Slot stalled;

    private AsyncAuditAppender(final AuditLog log, final int capacity, final int maxPayloadLength)
    {
        this.log = log;
        this.maxPayloadLength = maxPayloadLength;
        this.free = new SpmcArrayQueue<>(capacity);
        this.submitted = new MpscArrayQueue<>(capacity);
        for (int i = 0; i < capacity; i++)
        {
            free.offer(new Slot(maxPayloadLength));
        }
        this.writer = new Thread(this::run, "ipc-audit-writer-" + log.config().name());
        this.writer.setDaemon(true);
        final DurabilityPolicy.Kind kind = log.config().durability().kind();
        if (kind == DurabilityPolicy.Kind.EVERY_RECORD || kind == DurabilityPolicy.Kind.EVERY_INTERVAL)
        {
            this.committer = new Thread(this::commit, "ipc-audit-committer-" + log.config().name());
            this.committer.setDaemon(true);
        }
        else
        {
            this.committer = null;
        }
    }

    /**
     * Starts an appender and its writer thread with the default capacity and slot size.
     *
     * @param log the log to append to (stays open when the appender is closed).
     * @return the running appender.
     */
    public static AsyncAuditAppender start(final AuditLog log)
    {
        return start(log, DEFAULT_CAPACITY, Math.min(DEFAULT_MAX_PAYLOAD_LENGTH, log.config().maxPayloadLength()));
    }

    /**
     * Starts an appender and its writer thread.
     *
     * @param log              the log to append to (stays open when the appender is closed).
     * @param capacity         slots, 2 to 1,048,576: how many records may wait for the writer.
     * @param maxPayloadLength largest payload, 0 to the log's maximum; every slot holds this much.
     * @return the running appender.
     */
    public static AsyncAuditAppender start(final AuditLog log, final int capacity, final int maxPayloadLength)
    {
        Configuration.requireRange("capacity", capacity, 2, 1 << 20);
        Configuration.requireRange("maxPayloadLength", maxPayloadLength, 0, log.config().maxPayloadLength());
        final AsyncAuditAppender appender = new AsyncAuditAppender(log, capacity, maxPayloadLength);
        if (appender.committer != null)
        {
            appender.committer.start();
        }
        appender.writer.start();
        return appender;
    }

    /**
     * Hands a record to the writer without waiting. Allocates nothing, takes no lock, makes no system call.
     *
     * @param type   an application-defined type.
     * @param flags  application-defined flags.
     * @param buffer holds the payload (copied before this returns).
     * @param offset where the payload starts.
     * @param length payload bytes.
     * @return a ticket (&gt; 0) for {@link #awaitDurable(long, long)}, or {@link OfferResult#BACK_PRESSURED} (every
     *     slot in use), {@link OfferResult#TOO_LARGE} (longer than the slots), {@link OfferResult#CLOSED}.
     */
    public long tryAppend(
        final int type, final int flags, final DirectBuffer buffer, final int offset, final int length)
    {
        if (!running)
        {
            return OfferResult.CLOSED;
        }
        if (length < 0 || length > maxPayloadLength)
        {
            return length < 0 ? OfferResult.INVALID_ARGUMENT : OfferResult.TOO_LARGE;
        }
        final Slot slot = free.poll();
        if (slot == null)
        {
            return OfferResult.BACK_PRESSURED;
        }
        slot.buffer.putBytes(0, buffer, offset, length);
        slot.type = type;
        slot.flags = flags;
        slot.length = length;
        submitted.offer(slot);
        return submitted.currentProducerIndex();
    }

    /**
     * Hands a record to the writer, waiting up to a timeout while every slot is in use.
     *
     * @param type      an application-defined type.
     * @param flags     application-defined flags.
     * @param buffer    holds the payload (copied before this returns).
     * @param offset    where the payload starts.
     * @param length    payload bytes.
     * @param timeoutNs how long to wait for a free slot.
     * @return a ticket (&gt; 0), or {@link OfferResult#BACK_PRESSURED} (still full after the timeout),
     *     {@link OfferResult#TOO_LARGE}, {@link OfferResult#CLOSED}.
     */
    public long append(
        final int type, final int flags, final DirectBuffer buffer, final int offset, final int length,
        final long timeoutNs)
    {
        long result = tryAppend(type, flags, buffer, offset, length);
        if (result != OfferResult.BACK_PRESSURED)
        {
            return result;
        }
        final long deadline = System.nanoTime() + timeoutNs;
        int idle = 0;
        while ((result = tryAppend(type, flags, buffer, offset, length)) == OfferResult.BACK_PRESSURED)
        {
            if (System.nanoTime() - deadline >= 0)
            {
                return OfferResult.BACK_PRESSURED;
            }
            idle = idle(idle);
        }
        return result;
    }

    /**
     * Hands a record to the writer and returns a future completed with its ticket once the record is durable (or
     * completed exceptionally when it cannot be). Allocates the future: use {@link #tryAppend} and
     * {@link #awaitDurable(long, long)} on hot paths.
     *
     * @param type   an application-defined type.
     * @param flags  application-defined flags.
     * @param buffer holds the payload (copied before this returns).
     * @param offset where the payload starts.
     * @param length payload bytes.
     * @return the future; failed at once with an {@link IpcException} naming the result code when the record was
     *     not taken (back-pressured, too large, closed).
     */
    public CompletableFuture<Long> appendFuture(
        final int type, final int flags, final DirectBuffer buffer, final int offset, final int length)
    {
        final CompletableFuture<Long> future = new CompletableFuture<>();
        final long ticket = tryAppend(type, flags, buffer, offset, length);
        if (ticket < 0)
        {
            future.completeExceptionally(new IpcException("audit record not appended: result="
                + OfferResult.describe(ticket) + " log=" + log.config().name()));
            return future;
        }
        if (ticket <= durableTicket)
        {
            future.complete(ticket);
            return future;
        }
        newPending.offer(new Pending(ticket, future));
        return future;
    }

    /**
     * Every record whose ticket is at most this is durable (its policy met).
     *
     * @return the watermark.
     */
    public long durableTicket()
    {
        return durableTicket;
    }

    /**
     * Whether a record is durable.
     *
     * @param ticket its ticket.
     * @return true when its policy has been met.
     */
    public boolean isDurable(final long ticket)
    {
        return durableTicket >= ticket;
    }

    /**
     * Waits until a record is durable. Allocates nothing: spins briefly, then parks.
     *
     * @param ticket    its ticket.
     * @param timeoutNs how long to wait at most.
     * @return true when durable; false on timeout or when the appender stopped first.
     */
    public boolean awaitDurable(final long ticket, final long timeoutNs)
    {
        if (durableTicket >= ticket)
        {
            return true;
        }
        final long deadline = System.nanoTime() + timeoutNs;
        int idle = 0;
        while (durableTicket < ticket)
        {
            if (stopped || System.nanoTime() - deadline >= 0)
            {
                return durableTicket >= ticket;
            }
            idle = idle(idle);
        }
        return true;
    }

    /**
     * The last error the writer met (e.g. {@link AuditDiskFullException} while it retries), or null.
     *
     * @return the error, or null.
     */
    public Throwable lastError()
    {
        return lastError;
    }

    /**
     * Largest payload one slot holds: longer records are refused with {@link OfferResult#TOO_LARGE}.
     *
     * @return bytes.
     */
    public int maxPayloadLength()
    {
        return maxPayloadLength;
    }

    /**
     * Records handed over and not yet appended.
     *
     * @return count (approximate while threads append).
     */
    public int backlog()
    {
        return submitted.size() + (stalled == null ? 0 : 1);
    }

    /**
     * Stops taking records, lets the writer append (and make durable) every record already handed over, and stops
     * it. The log stays open: close the appender before the log. Waits for the writer up to 30 s. A record handed
     * over by a thread racing with this call is either written or, when the writer had already stopped, left
     * unwritten with a ticket that never becomes durable ({@link #awaitDurable} returns false): never acknowledged.
     */
    @Override
    public void close()
    {
        running = false;
        try
        {
            writer.join(30_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static int idle(final int idle)
    {
        if (idle < 100)
        {
            Thread.onSpinWait();
        }
        else if (idle < 200)
        {
            Thread.yield();
        }
        else
        {
            LockSupport.parkNanos(IDLE_PARK_NS);
        }
        return idle + 1;
    }

    /**
     * The writer's idle: spin, yield, park 20 us, and after about 20 ms without work park 200 us, so an idle
     * writer costs little CPU on a shared host while a busy one reacts in microseconds.
     */
    private static int writerIdle(final int idle)
    {
        if (idle < 1200)
        {
            return idle(idle);
        }
        LockSupport.parkNanos(IDLE_PARK_NS * 10);
        return idle;
    }

    private void run()
    {
        try
        {
            int idle = 0;
            while (true)
            {
                final boolean wasRunning = running;
                int work = 0;
                if (stalled != null)
                {
                    if (!retryStalled())
                    {
                        if (!running && log.isClosed())
                        {
                            break;
                        }
                        LockSupport.parkNanos(RETRY_INTERVAL_MS * 1_000_000L);
                        continue;
                    }
                    work++;
                }
                try
                {
                    work += submitted.drain(writeSlot, BATCH_LIMIT);
                }
                catch (final StallSignal signal)
                {
                    work++;
                }
                if (work > 0 && committer != null)
                {
                    mark();
                }
                complete();
                if (work == 0)
                {
                    if (!wasRunning && submitted.isEmpty() && stalled == null)
                    {
                        break;
                    }
                    // Under a group commit, records wait in the log's staging for the next force: out of work, write
                    // them to the file now, so readers see them and they survive this process.
                    log.writeStaged();
                    final long due = committer == null ? log.nanosUntilForceDue() : -1;
                    if (due >= 0 && due < IDLE_PARK_NS)
                    {
                        LockSupport.parkNanos(Math.max(1, due));
                    }
                    else
                    {
                        idle = writerIdle(idle);
                    }
                }
                else
                {
                    idle = 0;
                }
            }
            // Records offered by threads that passed the running check just before close().
            if (stalled == null)
            {
                try
                {
                    submitted.drain(writeSlot, Integer.MAX_VALUE);
                }
                catch (final StallSignal signal)
                {
                    // The disk is full again: that record stays unwritten and its ticket never durable.
                }
            }
            if (committer != null)
            {
                mark();
            }
            if (!log.isClosed() && log.config().durability().kind() != DurabilityPolicy.Kind.NONE)
            {
                log.sync();
            }
            complete();
        }
        catch (final RuntimeException | Error ex)
        {
            lastError = ex;
            running = false;
        }
        finally
        {
            stopCommitter();
            stopped = true;
            failPending();
        }
    }

    /**
     * The committer: forces the log when the policy is due and something waits for it, then wakes the writer to
     * complete the tickets the force covered. Parks while there is nothing to force.
     */
    private void commit()
    {
        final boolean everyRecord = log.config().durability().kind() == DurabilityPolicy.Kind.EVERY_RECORD;
        try
        {
            while (committerRunning && !log.isClosed())
            {
                if (log.lastSequence() <= log.durableSequence())
                {
                    committerIdle = true;
                    if (committerRunning && log.lastSequence() <= log.durableSequence())
                    {
                        LockSupport.parkNanos(COMMITTER_IDLE_PARK_NS);
                    }
                    committerIdle = false;
                    continue;
                }
                final long due = everyRecord ? 0 : log.nanosUntilForceDue();
                if (due > 0)
                {
                    LockSupport.parkNanos(due);
                    continue;
                }
                log.forceIfDue();
                LockSupport.unpark(writer);
            }
        }
        catch (final RuntimeException | Error ex)
        {
            lastError = ex;
        }
    }

    private void stopCommitter()
    {
        if (committer == null || committer == Thread.currentThread())
        {
            return;
        }
        committerRunning = false;
        LockSupport.unpark(committer);
        boolean interrupted = false;
        while (committer.isAlive())
        {
            try
            {
                committer.join();
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Remembers that every ticket up to {@code consumed} is durable once the log's durable sequence reaches the last
     * sequence this writer appended, and wakes the committer if it sleeps.
     */
    private void mark()
    {
        if (markCount > 0 && markTickets[(markHead + markCount - 1) % MARKS] == consumed)
        {
            return;
        }
        if (markCount == MARKS)
        {
            // Full: extend the newest mark (later completion for its tickets, never earlier).
            final int newest = (markHead + markCount - 1) % MARKS;
            markTickets[newest] = consumed;
            markSequences[newest] = lastWrittenSequence;
        }
        else
        {
            final int at = (markHead + markCount) % MARKS;
            markTickets[at] = consumed;
            markSequences[at] = lastWrittenSequence;
            markCount++;
        }
        if (committerIdle)
        {
            LockSupport.unpark(committer);
        }
    }

    private void writeSlot(final Slot slot)
    {
        try
        {
            lastWrittenSequence = log.appendNoWait(slot.type, slot.flags, slot.buffer, 0, slot.length);
            consumed++;
            free.offer(slot);
        }
        catch (final AuditDiskFullException ex)
        {
            lastError = ex;
            stalled = slot;
            throw new StallSignal();
        }
    }

    private boolean retryStalled()
    {
        try
        {
            lastWrittenSequence = log.appendNoWait(stalled.type, stalled.flags, stalled.buffer, 0, stalled.length);
            consumed++;
            free.offer(stalled);
            stalled = null;
            lastError = null;
            return true;
        }
        catch (final AuditDiskFullException ex)
        {
            lastError = ex;
            return false;
        }
    }

    private void complete()
    {
        if (committer != null)
        {
            final long durable = log.durableSequence();
            long done = durableTicket;
            while (markCount > 0 && markSequences[markHead] <= durable)
            {
                done = markTickets[markHead];
                markHead = (markHead + 1) % MARKS;
                markCount--;
            }
            if (done > durableTicket)
            {
                durableTicket = done;
            }
        }
        else
        {
            final long durable = log.forceIfDue();
            final DurabilityPolicy.Kind kind = log.config().durability().kind();
            final boolean met = kind == DurabilityPolicy.Kind.NONE ||
                kind == DurabilityPolicy.Kind.EVERY_N_RECORDS || durable >= lastWrittenSequence;
            if (met && consumed > durableTicket)
            {
                durableTicket = consumed;
            }
        }
        Pending p;
        while ((p = newPending.poll()) != null)
        {
            pending.add(p);
        }
        if (!pending.isEmpty())
        {
            final long done = durableTicket;
            final Iterator<Pending> it = pending.iterator();
            while (it.hasNext())
            {
                final Pending next = it.next();
                if (next.ticket <= done)
                {
                    it.remove();
                    next.future.complete(next.ticket);
                }
            }
        }
    }

    private void failPending()
    {
        Pending p;
        while ((p = newPending.poll()) != null)
        {
            pending.add(p);
        }
        final long done = durableTicket;
        for (final Pending next : pending)
        {
            if (next.ticket <= done)
            {
                next.future.complete(next.ticket);
            }
            else
            {
                next.future.completeExceptionally(new IpcException("audit appender stopped before the record was "
                    + "durable: ticket=" + next.ticket + " durableTicket=" + done + " lastError=" + lastError));
            }
        }
        pending.clear();
    }

    /** A preallocated record slot. */
    private static final class Slot
    {
        final UnsafeBuffer buffer;
        int type;
        int flags;
        int length;

        Slot(final int capacity)
        {
            buffer = new UnsafeBuffer(new byte[Math.max(1, capacity)]);
        }
    }

    /** A future waiting for a ticket. */
    private static final class Pending
    {
        final long ticket;
        final CompletableFuture<Long> future;

        Pending(final long ticket, final CompletableFuture<Long> future)
        {
            this.ticket = ticket;
            this.future = future;
        }
    }

    /** Stops a drain after a write failed; the failed slot is kept in {@code stalled}. */
    private static final class StallSignal extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        StallSignal()
        {
            super(null, null, false, false);
        }
    }
}
