package io.ipcgateway.shm;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * One daemon thread per JVM that watches every open {@link ShmClient}: writes heartbeats, notices a lost service also
 * for clients that never poll, and reconnects. It runs only while clients are open and sleeps between passes for
 * the shortest interval any client asks for ({@link ShmClient#watchIntervalNs}), so an idle connected client adds
 * about one wake-up per second at default settings. It also completes async requests at their timeout when no
 * thread polls their client (no receiver thread): {@link #wakeBy} brings its next pass forward to the earliest such
 * deadline, and it notices a server that left a record uncommitted in a client's inbox.
 */
final class ClientWatchdog implements Runnable
{
    private static final System.Logger LOGGER = System.getLogger(ClientWatchdog.class.getName());
    private static final CopyOnWriteArrayList<ShmClient> CLIENTS = new CopyOnWriteArrayList<>();
    private static Thread thread;
    /** The watchdog thread, for {@link #wakeBy}; null while it stops. */
    private static volatile Thread parkedThread;
    /** When the watchdog's current sleep ends (monotonic time). */
    private static volatile long wakeAtNs;

    private ClientWatchdog()
    {
    }

    static synchronized void register(final ShmClient client)
    {
        CLIENTS.add(client);
        if (thread == null)
        {
            thread = new Thread(new ClientWatchdog(), "ipc-client-watchdog");
            thread.setDaemon(true);
            thread.start();
        }
        else
        {
            // The new client may want a shorter interval than the one the thread sleeps for.
            LockSupport.unpark(thread);
        }
    }

    /**
     * Makes sure the watchdog looks at the clients again by {@code deadlineNs}: wakes it only when it plans to sleep
     * longer (an async request with a shorter timeout than any in flight), so a stream of requests with the same
     * timeout wakes it about once per timeout, not once per request.
     *
     * @param deadlineNs monotonic time by which the watchdog must run a pass.
     */
    static void wakeBy(final long deadlineNs)
    {
        final Thread watchdog = parkedThread;
        if (watchdog != null && deadlineNs - wakeAtNs < 0)
        {
            wakeAtNs = deadlineNs;
            LockSupport.unpark(watchdog);
        }
    }

    static void unregister(final ShmClient client)
    {
        CLIENTS.remove(client);
    }

    private static synchronized boolean stopWhenIdle()
    {
        if (CLIENTS.isEmpty())
        {
            thread = null;
            parkedThread = null;
            return true;
        }
        parkedThread = thread;
        return false;
    }

    @Override
    public void run()
    {
        while (!stopWhenIdle())
        {
            long sleepNs = Long.MAX_VALUE;
            for (final ShmClient client : CLIENTS)
            {
                try
                {
                    client.watch(System.nanoTime());
                    sleepNs = Math.min(sleepNs, client.watchIntervalNs());
                }
                catch (final Throwable ex)
                {
                    // One broken client must not stop the others' heartbeats and reconnects.
                    LOGGER.log(System.Logger.Level.ERROR, "client watchdog pass failed", ex);
                    sleepNs = Math.min(sleepNs, 100_000_000L);
                }
            }
            final long parkNs = sleepNs == Long.MAX_VALUE ? 100_000_000L : sleepNs;
            wakeAtNs = System.nanoTime() + parkNs;
            LockSupport.parkNanos(this, parkNs);
        }
    }
}
