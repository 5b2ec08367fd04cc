package io.ipcgateway.core;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
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
    /** Busy spin: lowest latency, burns a whole core. */
    SPIN,
    /** Spin with {@link Thread#yield()}: gives the core away when others need it. */
    YIELD,
    /** Agrona's backoff (spin, yield, then park up to 1 ms): cheap when idle, wakes in tens to hundreds of us. */
    BACKOFF,
    /** Spin briefly, then sleep on the channel's notifier until a producer signals: no CPU when idle. */
    BLOCK;

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
                return new BusySpinIdleStrategy();
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
