package io.ipcgateway.resilience.bulkhead;

import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A semaphore bulkhead with the behaviour of Resilience4j's {@code SemaphoreBulkhead}: at most
 * {@code maxConcurrentCalls} calls at once; a caller finding none free waits up to {@code maxWaitDuration}.
 * Every permission acquired is given back with {@link #onComplete()} when the call ends.
 * <p>
 * Differences from Resilience4j: no events and no runtime change of the limit.
 */
public final class Bulkhead
{
    private final String name;
    private final BulkheadConfig config;
    private final Semaphore semaphore;
    private final BulkheadFullException full;

    private Bulkhead(final String name, final BulkheadConfig config)
    {
        this.name = Objects.requireNonNull(name, "name");
        this.config = Objects.requireNonNull(config, "config");
        this.semaphore = new Semaphore(config.maxConcurrentCalls(), config.fairCallHandling());
        this.full = new BulkheadFullException(name, config.maxConcurrentCalls());
    }

    /**
     * Makes a bulkhead.
     *
     * @param name   the bulkhead's name, used in errors.
     * @param config its settings.
     * @return the bulkhead, every slot free.
     */
    public static Bulkhead of(final String name, final BulkheadConfig config)
    {
        return new Bulkhead(name, config);
    }

    /**
     * The bulkhead's name.
     *
     * @return the name.
     */
    public String name()
    {
        return name;
    }

    /**
     * The bulkhead's settings.
     *
     * @return the settings.
     */
    public BulkheadConfig config()
    {
        return config;
    }

    /**
     * Takes a slot, waiting up to {@code maxWaitDuration} for one.
     *
     * @return {@code true} when a slot was taken (give it back with {@link #onComplete()}); {@code false} when
     *         none came in time or the thread was interrupted while waiting (its interrupt flag is then set
     *         again).
     */
    public boolean tryAcquirePermission()
    {
        final long maxWaitNs = config.maxWaitNs();
        if (maxWaitNs == 0 && !config.fairCallHandling())
        {
            return semaphore.tryAcquire();
        }
        try
        {
            return semaphore.tryAcquire(maxWaitNs, TimeUnit.NANOSECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Takes a slot like {@link #tryAcquirePermission()}, or throws.
     *
     * @throws BulkheadFullException (preallocated, no stack trace) when no slot came in time.
     */
    public void acquirePermission()
    {
        if (!tryAcquirePermission())
        {
            throw full;
        }
    }

    /**
     * Gives back the slot of a call that ended.
     */
    public void onComplete()
    {
        semaphore.release();
    }

    /**
     * Slots free now.
     *
     * @return the count.
     */
    public int availableConcurrentCalls()
    {
        return semaphore.availablePermits();
    }

    /**
     * The exception a decorated call throws when refused: preallocated, without a stack trace.
     *
     * @return the bulkhead's exception.
     */
    public BulkheadFullException fullException()
    {
        return full;
    }

    @Override
    public String toString()
    {
        return "Bulkhead{name=" + name + ", maxConcurrentCalls=" + config.maxConcurrentCalls() + '}';
    }
}
