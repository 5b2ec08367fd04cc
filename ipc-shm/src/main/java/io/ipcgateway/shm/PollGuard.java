package io.ipcgateway.shm;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * Who polls a client's inbox: at most one thread at a time holds the guard (a requester, the receiver thread or
 * an application's poll); {@link #dedicatedReceiver} says that a receiver thread or agent polls for everyone.
 */
final class PollGuard
{
    private static final AtomicIntegerFieldUpdater<PollGuard> POLL_GUARD =
        AtomicIntegerFieldUpdater.newUpdater(PollGuard.class, "pollGuard");

    private final boolean blocking;
    volatile int pollGuard;
    volatile boolean dedicatedReceiver;

    PollGuard(final boolean blocking)
    {
        this.blocking = blocking;
    }

    boolean tryEnterPoll()
    {
        return pollGuard == 0 && POLL_GUARD.compareAndSet(this, 0, 1);
    }

    void exitPoll()
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
}
