package io.ipcgateway.shm;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * How a one-way producer waits for room in a full ring ({@link ShmClient#offer(int, org.agrona.DirectBuffer, int,
 * int, long)}): it spins briefly and then yields only while fewer producers of this process wait for room than there
 * are cores; otherwise, and after the spin window, it parks for {@link #PARK_NS} between attempts.
 * <p>
 * Why parking costs nothing here: a full ring holds milliseconds of work for its consumer (a 1 MiB inbox holds about
 * 20,000 small records), far more than a park of 50-100 us, so the consumer never runs dry while the producers
 * sleep; and producers that spun or yielded instead would take the core the consumer needs to make the room they wait
 * for (32 producers on 2 cores).
 */
final class RoomWait
{
    /** Pause between attempts of a parked producer: on this kind of VM a park really lasts 50-75 us more. */
    static final long PARK_NS = 20_000;
    /** How long a producer busy-spins (a consumer frees a cache line within that) before it yields. */
    private static final long PAUSE_SPIN_NS = 2_000;

    /** Producers of this process waiting for room now. */
    private static final AtomicInteger WAITING_PRODUCERS = new AtomicInteger();

    private RoomWait()
    {
    }

    /** A producer found the ring full and starts waiting. */
    static void enter()
    {
        WAITING_PRODUCERS.incrementAndGet();
    }

    /** A producer that {@link #enter entered} stops waiting. */
    static void leave()
    {
        WAITING_PRODUCERS.decrementAndGet();
    }

    /**
     * One pause between two attempts.
     *
     * @param waitedNs how long this producer has waited so far.
     * @param cores    cores producers may spin on ({@link ClientContext#waitCores()}).
     * @param spinNs   the spin window ({@link ClientContext#spinBeforeSleepNs()}).
     */
    static void pause(final long waitedNs, final int cores, final long spinNs)
    {
        if (waitedNs < spinNs && WAITING_PRODUCERS.get() < cores)
        {
            if (waitedNs < PAUSE_SPIN_NS)
            {
                Thread.onSpinWait();
            }
            else
            {
                Thread.yield();
            }
        }
        else
        {
            LockSupport.parkNanos(PARK_NS);
        }
    }

    /**
     * Producers of this process waiting for room now (for tests and diagnostics).
     *
     * @return the count.
     */
    static int waitingProducers()
    {
        return WAITING_PRODUCERS.get();
    }
}
