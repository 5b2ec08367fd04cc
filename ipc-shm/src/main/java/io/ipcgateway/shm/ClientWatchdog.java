package io.ipcgateway.shm;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * One daemon thread per JVM that watches every open {@link ShmClient}: writes heartbeats, notices a lost service also
 * for clients that never poll, and reconnects. It runs only while clients are open and sleeps between passes for
 * the shortest interval any client asks for ({@link ShmClient#watchIntervalNs}), so an idle connected client adds
 * about one wake-up per second at default settings.
 */
final class ClientWatchdog implements Runnable
{
    private static final System.Logger LOGGER = System.getLogger(ClientWatchdog.class.getName());
    private static final CopyOnWriteArrayList<ShmClient> CLIENTS = new CopyOnWriteArrayList<>();
    private static Thread thread;

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

    static void unregister(final ShmClient client)
    {
        CLIENTS.remove(client);
    }

    private static synchronized boolean stopWhenIdle()
    {
        if (CLIENTS.isEmpty())
        {
            thread = null;
            return true;
        }
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
            LockSupport.parkNanos(this, sleepNs == Long.MAX_VALUE ? 100_000_000L : sleepNs);
        }
    }
}
