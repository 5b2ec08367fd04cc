package io.ipcgateway.shm;

import java.util.Arrays;

import io.ipcgateway.shm.notify.SharedWake;

/**
 * The server's wake-ups of one duty-cycle pass, issued together at its end: while the duty-cycle thread reads the
 * inbox and answers, a response to a sleeping client only marks that client's writer, and the pass ends by waking
 * every client it answered, each once.
 * <p>
 * Why: a client woken in the middle of a pass competes for the cores with the server that still has requests to
 * answer (with more threads than cores the woken thread often takes the server's core), and a client answered twice
 * in a pass would be woken twice. Only the thread that {@link #begin began} the pass defers; a writer used by any
 * other thread (a push from an application thread) wakes at once, so nothing waits for a pass that is not running.
 * Allocation-free once the array holds as many writers as one pass answers.
 * <p>
 * When the server offered its clients a {@link SharedWake} word, the clients asleep on it are not woken one by one:
 * the pass collects their bits and ends with one {@code FUTEX_WAKE_BITSET} for all of them (the others, asleep on
 * their own word or on the socket, are still woken each on its own).
 */
final class WakeBatch
{
    private static final int INITIAL_CAPACITY = 64;

    // A plain field: another thread may read a stale value, but never its own thread, so it never defers wrongly.
    private Thread owner;
    private FrameWriter[] pending = new FrameWriter[INITIAL_CAPACITY];
    private int count;
    private SharedWake sharedWake;

    /**
     * Wakes clients asleep on the server's shared word through it, one syscall per pass.
     *
     * @param wake the server's word, or {@code null} to wake every client on its own word.
     */
    void wakeThrough(final SharedWake wake)
    {
        this.sharedWake = wake;
    }

    /** The duty-cycle thread starts a pass: wake-ups of its writers wait for {@link #flush}. */
    void begin()
    {
        owner = Thread.currentThread();
    }

    /**
     * Whether a writer signalling now should defer to this batch.
     *
     * @return true on the thread of the running pass.
     */
    boolean defers()
    {
        return owner == Thread.currentThread();
    }

    /**
     * Adds a writer with a wake-up to issue (once per pass: the writer remembers it is pending).
     *
     * @param writer the writer.
     */
    void add(final FrameWriter writer)
    {
        if (count == pending.length)
        {
            pending = Arrays.copyOf(pending, count * 2);
        }
        pending[count++] = writer;
    }

    /**
     * Ends the pass: wakes every client answered in it.
     *
     * @return the number of writers that had a wake-up pending.
     */
    int flush()
    {
        owner = null;
        final int flushed = count;
        int mask = 0;
        for (int i = 0; i < flushed; i++)
        {
            final FrameWriter writer = pending[i];
            pending[i] = null;
            mask |= writer.flushWake();
        }
        count = 0;
        if (mask != 0)
        {
            sharedWake.wake(mask);
        }
        return flushed;
    }
}
