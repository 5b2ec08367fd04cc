package io.ipcgateway.shm;

import java.util.concurrent.atomic.AtomicInteger;

import org.agrona.concurrent.AtomicBuffer;

import static io.ipcgateway.shm.ChannelDescriptor.PARKED_REQUESTERS_OFFSET;
import static io.ipcgateway.shm.ChannelDescriptor.WAITING_REQUESTERS_OFFSET;

/**
 * Decides whether a thread waiting for a response may spin (and yield) or must sleep at once: it may spin only while
 * fewer threads wait than there are cores to run them, counting the waiters of this process and, through the
 * service's server file, those of every client of the service on the host.
 * <p>
 * Why: with more waiting threads than cores, a waiter that spins or yields holds a core that a thread woken by its
 * response (or the server) needs, and the waiters that slept fall behind the ones that spin: 32 requesting threads on
 * 2 cores served 1 client in 11 at a fair rate. When waiters outnumber the cores, every waiter sleeps on the inbox
 * notifier and the server wakes them in the order it answers, which is the order they asked in.
 * <p>
 * The count: a waiter adds itself to its client file's word (that client's share) and then to the server file's word
 * (the service's total), and takes itself off in the reverse order, only when its share is still there. The server
 * takes a dead client's whole share back ({@link #takeBackShare}), so a client killed while its threads waited does
 * not leave the total high for ever; a client that comes back after that (it was only stopped) finds its share gone
 * and takes nothing off twice. Entering and leaving are a few atomic operations on two cache lines, paid only by a
 * request whose response was not there within its first polls (about a microsecond).
 * <p>
 * Of the waiters, those asleep (on the inbox notifier, or parked behind the thread that polls) are counted as well,
 * in a second word kept the same way ({@link #parked} / {@link #unparked}), so that {@code bin/ipc stat} can show how
 * many of a service's waiters spin and how many sleep. Two more atomic adds around a sleep that costs a syscall.
 */
final class WaitGate
{
    /** Threads of this process waiting for a response, over every client and service. */
    private static final AtomicInteger PROCESS_WAITERS = new AtomicInteger();

    private final AtomicBuffer service;
    private final AtomicBuffer share;
    private final int cores;

    /**
     * @param serviceHeader the server file's header (the service's total).
     * @param clientHeader  this client file's header (its share).
     * @param cores         how many waiters may spin at once: fewer waiters than this spin, more sleep at once.
     */
    WaitGate(final AtomicBuffer serviceHeader, final AtomicBuffer clientHeader, final int cores)
    {
        this.service = serviceHeader;
        this.share = clientHeader;
        this.cores = cores;
    }

    /**
     * Whether a waiter may spin now: fewer threads wait, in this process and for this service on the host, than there
     * are cores. A plain volatile read of each count, no write.
     *
     * @return true to spin or yield, false to sleep at once.
     */
    boolean maySpin()
    {
        return PROCESS_WAITERS.get() < cores && service.getIntVolatile(WAITING_REQUESTERS_OFFSET) < cores;
    }

    /** A thread starts waiting for a response. */
    void enter()
    {
        PROCESS_WAITERS.incrementAndGet();
        share.getAndAddInt(WAITING_REQUESTERS_OFFSET, 1);
        service.getAndAddInt(WAITING_REQUESTERS_OFFSET, 1);
    }

    /** A thread that {@link #enter entered} stops waiting. */
    void leave()
    {
        PROCESS_WAITERS.decrementAndGet();
        takeOff(WAITING_REQUESTERS_OFFSET);
    }

    /** A waiting thread goes to sleep (on the notifier or parked): counted apart from those that spin. */
    void parked()
    {
        share.getAndAddInt(PARKED_REQUESTERS_OFFSET, 1);
        service.getAndAddInt(PARKED_REQUESTERS_OFFSET, 1);
    }

    /** A thread that {@link #parked parked} is awake again. */
    void unparked()
    {
        takeOff(PARKED_REQUESTERS_OFFSET);
    }

    private void takeOff(final int offset)
    {
        while (true)
        {
            final int current = share.getIntVolatile(offset);
            if (current <= 0)
            {
                // The server took this client's share back (it believed the client dead): nothing left to take off.
                return;
            }
            if (share.compareAndSetInt(offset, current, current - 1))
            {
                service.getAndAddInt(offset, -1);
                return;
            }
        }
    }

    /**
     * Server side, when a session goes: removes the client's share from the service's total, once.
     *
     * @param serviceHeader the server file's header.
     * @param clientHeader  the leaving client's file header, still mapped.
     */
    static void takeBackShare(final AtomicBuffer serviceHeader, final AtomicBuffer clientHeader)
    {
        takeBack(serviceHeader, clientHeader, WAITING_REQUESTERS_OFFSET);
        takeBack(serviceHeader, clientHeader, PARKED_REQUESTERS_OFFSET);
    }

    private static void takeBack(final AtomicBuffer serviceHeader, final AtomicBuffer clientHeader, final int offset)
    {
        final int taken = clientHeader.getAndSetInt(offset, 0);
        if (taken > 0)
        {
            serviceHeader.getAndAddInt(offset, -taken);
        }
    }

    /**
     * Threads of this process waiting for a response now (for tests and diagnostics).
     *
     * @return the count.
     */
    static int processWaiters()
    {
        return PROCESS_WAITERS.get();
    }

    /**
     * Threads of every client of the service waiting for a response now, as the server file counts them.
     *
     * @param serviceHeader the server file's header.
     * @return the count (briefly off by the threads entering or leaving).
     */
    static int serviceWaiters(final AtomicBuffer serviceHeader)
    {
        return serviceHeader.getIntVolatile(WAITING_REQUESTERS_OFFSET);
    }

    /**
     * Of the {@link #serviceWaiters waiters}, those asleep now (on the inbox notifier or parked).
     *
     * @param serviceHeader the server file's header (or a client file's, for that client's share).
     * @return the count (briefly off by the threads falling asleep or waking).
     */
    static int serviceParked(final AtomicBuffer serviceHeader)
    {
        return serviceHeader.getIntVolatile(PARKED_REQUESTERS_OFFSET);
    }
}
