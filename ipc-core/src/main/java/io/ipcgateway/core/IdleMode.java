package io.ipcgateway.core;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

/**
 * How a duty cycle waits when it has no work.
 * <p>
 * {@link #SPIN}, {@link #YIELD} and {@link #BACKOFF} map to Agrona's idle strategies ({@link #newIdleStrategy()});
 * {@link #BLOCK} needs a notifier bound to a channel, so transports build it themselves.
 */
public enum IdleMode
{
    /**
     * Busy spin: lowest latency, burns a whole core. After {@link #SPIN_POLLS_BEFORE_YIELD} empty polls in a row it
     * yields the core on each further empty poll (returning at once when nothing else wants the core): with more
     * spinning threads than cores, pure spinning starves the threads that would make progress.
     */
    SPIN,
    /** Spin with {@link Thread#yield()}: gives the core away when others need it. */
    YIELD,
    /** Agrona's backoff (spin, yield, then park up to 1 ms): cheap when idle, wakes in tens to hundreds of us. */
    BACKOFF,
    /** Spin briefly, then sleep on the channel's notifier until a producer signals: no CPU when idle. */
    BLOCK;

    /** Empty polls a {@link #SPIN} strategy spins through before it starts yielding (roughly 20-50 us). */
    public static final int SPIN_POLLS_BEFORE_YIELD = 500;

    /**
     * A new Agrona idle strategy for this mode.
     *
     * @return a fresh strategy (strategies hold per-thread state, so do not share one).
     * @throws UnsupportedOperationException for {@link #BLOCK}, which the transport builds with its notifier.
     */
    public IdleStrategy newIdleStrategy()
    {
        switch (this)
        {
            case SPIN:
                return new BackoffIdleStrategy(SPIN_POLLS_BEFORE_YIELD, Long.MAX_VALUE, 1, 1);
            case YIELD:
                return new YieldingIdleStrategy();
            case BACKOFF:
                return new BackoffIdleStrategy();
            default:
                throw new UnsupportedOperationException(
                    "idle mode BLOCK needs a channel notifier: the transport creates its idle strategy");
        }
    }
}
