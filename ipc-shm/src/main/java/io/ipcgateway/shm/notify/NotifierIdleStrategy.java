package io.ipcgateway.shm.notify;

import io.ipcgateway.core.Durations;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * An Agrona {@link IdleStrategy} for consumers: spins for a short while (20 us by default,
 * {@link #DEFAULT_SPIN_NS}), then sleeps on a {@link Notifier} with a bounded timeout, re-checking for work
 * through the supplied {@link BooleanSupplier} after announcing the sleep.
 * <p>
 * The spin matters: in a fast stream, a consumer that slept as soon as one poll came back empty would make the
 * producer pay a wake-up syscall per message; spinning about 20 us cut wake-ups twentyfold in measurements here.
 * The timeout bounds the delay of a wake-up that was lost (for example a producer that died between announcing
 * and waking), so a consumer never hangs.
 * <p>
 * Not thread-safe: one instance per consumer thread, as with every Agrona idle strategy.
 */
public final class NotifierIdleStrategy implements IdleStrategy
{
    /** Name of this idle strategy, as in Agrona's {@code alias()}. */
    public static final String ALIAS = "notifier";

    /** Default spin before sleeping: 20 us. */
    public static final long DEFAULT_SPIN_NS = TimeUnit.MICROSECONDS.toNanos(20);

    /** Default longest sleep: 10 ms, the worst-case delay of a lost wake-up. */
    public static final long DEFAULT_MAX_SLEEP_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Notifier notifier;
    private final BooleanSupplier hasWork;
    private final long spinNs;
    private final long maxSleepNs;
    private boolean spinning;
    private long spinDeadlineNs;

    /**
     * Creates a strategy with the default spin and sleep bounds.
     *
     * @param notifier the consumer-side notifier of the channel.
     * @param hasWork  polls the channel without consuming: {@code true} when a record is ready.
     */
    public NotifierIdleStrategy(final Notifier notifier, final BooleanSupplier hasWork)
    {
        this(notifier, hasWork, DEFAULT_SPIN_NS, DEFAULT_MAX_SLEEP_NS);
    }

    /**
     * Creates a strategy.
     *
     * @param notifier   the consumer-side notifier of the channel.
     * @param hasWork    polls the channel without consuming: {@code true} when a record is ready.
     * @param spinNs     how long to spin before sleeping, in nanoseconds (0 sleeps at the first idle).
     * @param maxSleepNs the longest single sleep in nanoseconds, positive.
     * @throws IllegalArgumentException when a bound is out of range.
     */
    public NotifierIdleStrategy(
        final Notifier notifier, final BooleanSupplier hasWork, final long spinNs, final long maxSleepNs)
    {
        if (notifier == null || hasWork == null)
        {
            throw new IllegalArgumentException("notifier and hasWork are required: notifier=" + notifier
                + ", hasWork=" + hasWork);
        }
        if (spinNs < 0 || maxSleepNs <= 0)
        {
            throw new IllegalArgumentException("spin must be >= 0 and maxSleep > 0: "
                + Durations.describe("spin", spinNs) + ", " + Durations.describe("maxSleep", maxSleepNs));
        }
        this.notifier = notifier;
        this.hasWork = hasWork;
        this.spinNs = spinNs;
        this.maxSleepNs = maxSleepNs;
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            reset();
        }
        else
        {
            idle();
        }
    }

    @Override
    public void idle()
    {
        final long nowNs = System.nanoTime();
        if (!spinning)
        {
            spinning = true;
            spinDeadlineNs = nowNs + spinNs;
        }
        if (nowNs - spinDeadlineNs < 0)
        {
            Thread.onSpinWait();
            return;
        }
        notifier.await(hasWork, maxSleepNs);
        // After a sleep the stream may have resumed: spin again before the next sleep.
        spinning = false;
    }

    @Override
    public void reset()
    {
        spinning = false;
    }

    @Override
    public String alias()
    {
        return ALIAS;
    }

    @Override
    public String toString()
    {
        return "NotifierIdleStrategy{alias=" + ALIAS + ", spinNs=" + spinNs + ", maxSleepNs=" + maxSleepNs
            + ", notifier=" + notifier + '}';
    }
}
