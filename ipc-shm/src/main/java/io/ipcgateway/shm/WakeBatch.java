package io.ipcgateway.shm;

import java.util.Arrays;

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
 */
final class WakeBatch
{
    private static final int INITIAL_CAPACITY = 64;

    // A plain field: another thread may read a stale value, but never its own thread, so it never defers wrongly.
    private Thread owner;
    private FrameWriter[] pending = new FrameWriter[INITIAL_CAPACITY];
    private int count;

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
        for (int i = 0; i < flushed; i++)
        {
            final FrameWriter writer = pending[i];
            pending[i] = null;
            writer.flushWake();
        }
        count = 0;
        return flushed;
    }
}
