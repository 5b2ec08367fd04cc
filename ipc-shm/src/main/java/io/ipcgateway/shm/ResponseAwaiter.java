package io.ipcgateway.shm;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.shm.notify.Notifier;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * How a thread blocked in {@link ShmClient#request} waits for its response: it leads (takes the poll guard and
 * polls the inbox for every waiting thread) or follows (spins, yields or parks until its slot is done), and a
 * leaving leader hands polling off to a parked follower in BLOCK mode.
 * <p>
 * In BLOCK mode a wait that outlasts its first few polls counts itself in the {@link WaitGate}, and spins or yields
 * only while fewer threads wait than there are cores; otherwise the poller sleeps on the inbox notifier at once (the
 * followers park as before), so the threads the server answers get the cores, in the order they asked.
 */
final class ResponseAwaiter
{
    /** A deadline not set yet: the clock has not been read. */
    private static final long NO_DEADLINE = Long.MIN_VALUE;
    /** How long a blocking waiter busy-spins (a fast server answers within that) before it yields: 2 us. */
    private static final long PAUSE_SPIN_NS = 2_000;
    /** Empty polls between clock reads while spinning, minus one. */
    private static final int CLOCK_POLLS_MASK = 15;

    private final Object blocker;
    private final ClientState connection;
    private final PollGuard guard;
    private final RequestTable requests;
    private final InboxReceiver receiver;
    private final Notifier inboxNotifier;
    private final BooleanSupplier inboxHasWork;
    private final AtomicCounter requestsTimedOut;
    private final WaitGate gate;
    private final AtomicInteger parkedWaiters = new AtomicInteger();
    private final boolean blocking;
    private final IdleMode idleMode;
    private final long spinBeforeSleepNs;
    private final long maxSleepNs;

    ResponseAwaiter(
        final Object blocker,
        final ClientContext context,
        final ClientState connection,
        final PollGuard guard,
        final RequestTable requests,
        final InboxReceiver receiver,
        final Notifier inboxNotifier,
        final BooleanSupplier inboxHasWork,
        final AtomicCounter requestsTimedOut,
        final WaitGate gate)
    {
        this.blocker = blocker;
        this.connection = connection;
        this.guard = guard;
        this.requests = requests;
        this.receiver = receiver;
        this.inboxNotifier = inboxNotifier;
        this.inboxHasWork = inboxHasWork;
        this.requestsTimedOut = requestsTimedOut;
        this.gate = gate;
        this.idleMode = context.idleMode();
        this.blocking = idleMode == IdleMode.BLOCK;
        this.spinBeforeSleepNs = context.spinBeforeSleepNs();
        this.maxSleepNs = context.maxSleepNs();
    }

    /**
     * Waits for the response to a request sent just now.
     *
     * @param slot      the request's slot, PENDING.
     * @param timeoutNs how long to wait; the clock is first read only once the response is not there at once, so a
     *                  fast round trip reads it not at all (the deadline then counts from that first read, which
     *                  comes after 16 empty polls, a microsecond or two).
     * @return {@link OfferResult#OK} or a negative code.
     */
    long awaitResponse(final RequestSlot slot, final long timeoutNs)
    {
        try
        {
            return await(slot, timeoutNs);
        }
        catch (final Throwable ex)
        {
            // The slot is still this thread's (it is released only on the normal returns, after leaving the gate).
            leaveGate(slot);
            throw ex;
        }
    }

    private long await(final RequestSlot slot, final long timeoutNs)
    {
        long deadlineNs = NO_DEADLINE;
        long idleSinceNs = 0;
        boolean leading = false;
        while (true)
        {
            if (slot.state == RequestSlot.DONE)
            {
                final long result = slot.result;
                leaveGate(slot);
                slot.release();
                handOff(leading, slot.index);
                return result;
            }
            final int state = connection.state;
            if (state != ClientState.CONNECTED)
            {
                leaveGate(slot);
                if (requests.cancel(slot))
                {
                    handOff(leading, slot.index);
                    return ClientState.notConnectedCode(state);
                }
                continue;
            }
            final long nowNs;
            if (deadlineNs == NO_DEADLINE)
            {
                nowNs = 0;
            }
            else
            {
                nowNs = System.nanoTime();
                if (nowNs - deadlineNs >= 0)
                {
                    // Before reporting a timeout: a server whose process is gone makes it PEER_DEAD.
                    receiver.checkServerOnTimeout(nowNs);
                    final int stateNow = connection.state;
                    leaveGate(slot);
                    if (requests.cancel(slot))
                    {
                        handOff(leading, slot.index);
                        if (stateNow != ClientState.CONNECTED)
                        {
                            return ClientState.notConnectedCode(stateNow);
                        }
                        requestsTimedOut.increment();
                        return OfferResult.TIMED_OUT;
                    }
                    continue;
                }
            }
            leading = !guard.dedicatedReceiver && guard.tryEnterPoll();
            if (leading)
            {
                try
                {
                    deadlineNs = lead(slot, deadlineNs, timeoutNs);
                }
                finally
                {
                    guard.exitPoll();
                }
                idleSinceNs = 0;
            }
            else if (deadlineNs == NO_DEADLINE)
            {
                // A follower: its wait is not a fast one, read the clock from here on.
                deadlineNs = deadline(System.nanoTime(), timeoutNs);
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

    /** Counts this request's thread as waiting, once, from its first clock read on (BLOCK mode only). */
    private void enterGate(final RequestSlot slot)
    {
        if (!slot.waitCounted)
        {
            slot.waitCounted = true;
            gate.enter();
        }
    }

    /** Before the slot is released or cancelled: the thread no longer waits. */
    private void leaveGate(final RequestSlot slot)
    {
        if (slot.waitCounted)
        {
            slot.waitCounted = false;
            gate.leave();
        }
    }

    private static long deadline(final long nowNs, final long timeoutNs)
    {
        final long deadlineNs = nowNs + timeoutNs;
        return deadlineNs == NO_DEADLINE ? deadlineNs + 1 : deadlineNs;
    }

    /**
     * Polls the inbox for every waiting thread while holding the poll guard, until this thread's response is
     * delivered, the client stops being connected or the deadline passes. Keeping the guard across iterations,
     * and reading the clock only every few empty polls while spinning, keeps the spinning round trip free of
     * atomic operations and clock reads.
     *
     * @return the deadline, set at the first clock read when it was {@link #NO_DEADLINE}.
     */
    private long lead(final RequestSlot slot, final long deadline, final long timeoutNs)
    {
        long deadlineNs = deadline;
        long nowNs = 0;
        long idleSinceNs = 0;
        int emptyPolls = 0;
        // Read once per request, BLOCK mode only (two volatile reads): when waiters outnumber the cores, even the
        // first polls do not spin. A thread that spins through them is answered first every time once the server
        // answers within a microsecond (it does when its wake-ups cost it little, see SharedWake), and it keeps the
        // cores while every other waiter sleeps: 32 requesting threads on 2 cores measured fairness 0.08-0.17.
        final boolean fastSpin = !blocking || gate.maySpin();
        while (slot.state != RequestSlot.DONE && connection.state == ClientState.CONNECTED)
        {
            if (receiver.readInbox() > 0)
            {
                idleSinceNs = 0;
                continue;
            }
            if ((++emptyPolls & CLOCK_POLLS_MASK) == 0 || (deadlineNs != NO_DEADLINE && nowNs == 0))
            {
                nowNs = System.nanoTime();
                if (deadlineNs == NO_DEADLINE)
                {
                    deadlineNs = deadline(nowNs, timeoutNs);
                }
                if (nowNs - deadlineNs >= 0)
                {
                    return deadlineNs;
                }
                receiver.duties(nowNs);
            }
            if (nowNs == 0)
            {
                if (fastSpin)
                {
                    // Before the first clock read: a fast response is on its way, spin for it.
                    Thread.onSpinWait();
                    continue;
                }
                // The gate says sleep: start the wait now (the notifier re-checks the inbox before it blocks).
                nowNs = System.nanoTime();
                if (deadlineNs == NO_DEADLINE)
                {
                    deadlineNs = deadline(nowNs, timeoutNs);
                }
            }
            if (idleSinceNs == 0)
            {
                idleSinceNs = nowNs;
                if (blocking)
                {
                    enterGate(slot);
                }
            }
            if (idleMode == IdleMode.SPIN)
            {
                // The poller spins for as long as it waits (a yield on a busy machine can cost a whole scheduler
                // slice); the threads waiting behind it yield after the spin window instead.
                Thread.onSpinWait();
            }
            else if (blocking && nowNs - idleSinceNs < PAUSE_SPIN_NS && gate.maySpin())
            {
                Thread.onSpinWait();
            }
            else
            {
                leaderIdle(nowNs, idleSinceNs, deadlineNs);
                // Yields and sleeps take real time: read the clock again before the next decision.
                nowNs = System.nanoTime();
                if (nowNs - deadlineNs >= 0)
                {
                    return deadlineNs;
                }
            }
        }
        return deadlineNs;
    }

    private void leaderIdle(final long nowNs, final long idleSinceNs, final long deadlineNs)
    {
        if (!blocking)
        {
            idleOnce(nowNs, idleSinceNs);
        }
        else if (nowNs - idleSinceNs < spinBeforeSleepNs && gate.maySpin())
        {
            // The rest of the spin window yields: a waiter that only spins holds its core while the threads that
            // would answer it, the server among them, may be waiting for one. With 32 requesting threads on 2 cores
            // (rr-32c in ipc-bench) this took request/response from about 0.25M to 0.8-2.2M messages/s and its p99
            // from about 0.8 ms to under 1 us in most runs; a yield with nothing else runnable returns at once.
            Thread.yield();
        }
        else
        {
            // The slot entered the gate before the first idle decision, so the sleep is counted for stat.
            gate.parked();
            try
            {
                inboxNotifier.await(inboxHasWork, Math.min(deadlineNs - nowNs, maxSleepNs));
            }
            finally
            {
                gate.unparked();
            }
        }
    }

    private void followerIdle(final RequestSlot slot, final long nowNs, final long idleSinceNs, final long deadlineNs)
    {
        if (!blocking)
        {
            idleOnce(nowNs, idleSinceNs);
            return;
        }
        enterGate(slot);
        slot.parked = true;
        parkedWaiters.incrementAndGet();
        gate.parked();
        try
        {
            // Re-check after announcing: the poller reads 'parked' after publishing DONE, or hands off after
            // leaving the guard, so one of the two sides always sees the other.
            if (slot.state == RequestSlot.PENDING && (guard.dedicatedReceiver || guard.pollGuard != 0))
            {
                LockSupport.parkNanos(blocker, Math.min(deadlineNs - nowNs, maxSleepNs));
            }
        }
        finally
        {
            gate.unparked();
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
        if (!leading || !blocking || guard.dedicatedReceiver || parkedWaiters.get() == 0)
        {
            return;
        }
        final RequestSlot[] slots = requests.slots;
        final int slotMask = requests.slotMask;
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
}
