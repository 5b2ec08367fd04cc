package io.ipcgateway.shm;

import io.ipcgateway.core.Configuration;

/**
 * Settings of a {@link ShmServer}. The ring capacity is the server's inbox (all clients write into it), default
 * {@link ShmConfiguration#SERVER_RING_CAPACITY_DEFAULT} (1 MiB, property
 * {@value ShmConfiguration#SERVER_RING_CAPACITY_PROP_NAME}). See {@link ShmConfiguration} for sizing.
 */
public final class ServerContext extends ShmContext<ServerContext>
{
    /** Default most messages one duty-cycle pass reads before it does other duties. */
    public static final int POLL_LIMIT_DEFAULT = 256;

    private int pollLimit = POLL_LIMIT_DEFAULT;
    private String threadName;

    /**
     * A context with every setting at its default (or its system property).
     */
    public ServerContext()
    {
        super(Configuration.sizeProperty(
            ShmConfiguration.SERVER_RING_CAPACITY_PROP_NAME, ShmConfiguration.SERVER_RING_CAPACITY_DEFAULT));
    }

    @Override
    void concludeSpecific()
    {
        Configuration.requireRange("pollLimit", pollLimit, 1, 1 << 20);
        if (threadName == null)
        {
            threadName = "ipc-server-" + serviceName();
        }
    }

    @Override
    String ringCapacityName()
    {
        return ShmConfiguration.SERVER_RING_CAPACITY_PROP_NAME;
    }

    /**
     * Most messages one duty-cycle pass reads before it writes heartbeats and samples counters.
     *
     * @param pollLimit messages per pass.
     * @return this context.
     */
    public ServerContext pollLimit(final int pollLimit)
    {
        this.pollLimit = pollLimit;
        return this;
    }

    /**
     * @return messages per duty-cycle pass.
     */
    public int pollLimit()
    {
        return pollLimit;
    }

    /**
     * Name of the thread {@link ShmServer#launch} starts; default {@code ipc-server-<service>}.
     *
     * @param threadName the name.
     * @return this context.
     */
    public ServerContext threadName(final String threadName)
    {
        this.threadName = threadName;
        return this;
    }

    /**
     * @return the duty-cycle thread name.
     */
    public String threadName()
    {
        return threadName;
    }
}
