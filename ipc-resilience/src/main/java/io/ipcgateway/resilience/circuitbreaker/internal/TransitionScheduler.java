package io.ipcgateway.resilience.circuitbreaker.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one daemon thread that runs the timed transitions of every breaker of the process (OPEN to HALF_OPEN when
 * automatic, the maximum wait in HALF_OPEN): one thread for the process, not one per breaker. Started on first use.
 */
public final class TransitionScheduler
{
    /** Name of the scheduler thread. */
    public static final String THREAD_NAME = "ipc-circuit-breaker-scheduler";

    private TransitionScheduler()
    {
    }

    /**
     * Runs a task after a delay.
     *
     * @param task    the task; an exception it throws is dropped so the thread lives on.
     * @param delayNs the delay in nanoseconds.
     * @return the future, to cancel it.
     */
    public static ScheduledFuture<?> schedule(final Runnable task, final long delayNs)
    {
        return Holder.EXECUTOR.schedule(() ->
        {
            try
            {
                task.run();
            }
            catch (final RuntimeException ex)
            {
                // A breaker's timed transition must not kill the thread every other breaker relies on.
            }
        }, Math.max(0, delayNs), TimeUnit.NANOSECONDS);
    }

    /**
     * The scheduler thread's pool, created on first use, for tests that check there is only one.
     *
     * @return the executor.
     */
    public static ScheduledThreadPoolExecutor executor()
    {
        return Holder.EXECUTOR;
    }

    private static final class Holder
    {
        static final ScheduledThreadPoolExecutor EXECUTOR = create();

        private Holder()
        {
        }

        private static ScheduledThreadPoolExecutor create()
        {
            final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable ->
            {
                final Thread thread = new Thread(runnable, THREAD_NAME);
                thread.setDaemon(true);
                return thread;
            });
            executor.setRemoveOnCancelPolicy(true);
            return executor;
        }
    }
}
