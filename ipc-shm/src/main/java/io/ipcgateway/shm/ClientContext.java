package io.ipcgateway.shm;

import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.Configuration;
import io.ipcgateway.core.MessageHandler;

/**
 * Settings of a {@link ShmClient}. The ring capacity is this client's inbox (the server writes responses and
 * pushes into it), default {@link ShmConfiguration#CLIENT_RING_CAPACITY_DEFAULT} (64 KiB, property
 * {@value ShmConfiguration#CLIENT_RING_CAPACITY_PROP_NAME}). See {@link ShmConfiguration} for sizing.
 */
public final class ClientContext extends ShmContext<ClientContext>
{
    private long connectTimeoutNs = Configuration.durationProperty(
        ShmConfiguration.CONNECT_TIMEOUT_PROP_NAME, ShmConfiguration.CONNECT_TIMEOUT_DEFAULT_NS);
    private long requestTimeoutNs = Configuration.durationProperty(
        ShmConfiguration.REQUEST_TIMEOUT_PROP_NAME, ShmConfiguration.REQUEST_TIMEOUT_DEFAULT_NS);
    private int maxInFlight = Configuration.intProperty(
        ShmConfiguration.MAX_IN_FLIGHT_PROP_NAME, ShmConfiguration.MAX_IN_FLIGHT_DEFAULT);
    private boolean reconnect = Configuration.booleanProperty(
        ShmConfiguration.RECONNECT_PROP_NAME, ShmConfiguration.RECONNECT_DEFAULT);
    private long reconnectIntervalNs = Configuration.durationProperty(
        ShmConfiguration.RECONNECT_INTERVAL_PROP_NAME, ShmConfiguration.RECONNECT_INTERVAL_DEFAULT_NS);
    private int waitCores = Configuration.intProperty(
        ShmConfiguration.WAIT_CORES_PROP_NAME, ShmConfiguration.WAIT_CORES_DEFAULT);
    private MessageHandler pushHandler;
    private boolean receiverThread;

    /**
     * A context with every setting at its default (or its system property).
     */
    public ClientContext()
    {
        super(Configuration.sizeProperty(
            ShmConfiguration.CLIENT_RING_CAPACITY_PROP_NAME, ShmConfiguration.CLIENT_RING_CAPACITY_DEFAULT));
    }

    @Override
    void concludeSpecific()
    {
        Configuration.requireDurationRange("connectTimeout", connectTimeoutNs, 1, Long.MAX_VALUE / 2);
        Configuration.requireDurationRange("requestTimeout", requestTimeoutNs, 1, Long.MAX_VALUE / 2);
        Configuration.requireRange(ShmConfiguration.MAX_IN_FLIGHT_PROP_NAME, maxInFlight, 1, 1 << 20);
        Configuration.requireDurationRange(ShmConfiguration.RECONNECT_INTERVAL_PROP_NAME, reconnectIntervalNs,
            1_000_000L, TimeUnit.HOURS.toNanos(1));
        if (waitCores == ShmConfiguration.WAIT_CORES_DEFAULT)
        {
            waitCores = Runtime.getRuntime().availableProcessors();
        }
        Configuration.requireRange(ShmConfiguration.WAIT_CORES_PROP_NAME, waitCores, 0, Integer.MAX_VALUE);
        if (pushHandler == null)
        {
            pushHandler = (typeId, buffer, offset, length) -> { };
        }
    }

    @Override
    String ringCapacityName()
    {
        return ShmConfiguration.CLIENT_RING_CAPACITY_PROP_NAME;
    }

    /**
     * How long {@link ShmClient#connect} waits for the service to appear and accept.
     *
     * @param connectTimeoutNs nanoseconds.
     * @return this context.
     */
    public ClientContext connectTimeoutNs(final long connectTimeoutNs)
    {
        this.connectTimeoutNs = connectTimeoutNs;
        return this;
    }

    /**
     * @return the connect timeout in nanoseconds.
     */
    public long connectTimeoutNs()
    {
        return connectTimeoutNs;
    }

    /**
     * Timeout of requests made without an explicit timeout.
     *
     * @param requestTimeoutNs nanoseconds.
     * @return this context.
     */
    public ClientContext requestTimeoutNs(final long requestTimeoutNs)
    {
        this.requestTimeoutNs = requestTimeoutNs;
        return this;
    }

    /**
     * @return the default request timeout in nanoseconds.
     */
    public long requestTimeoutNs()
    {
        return requestTimeoutNs;
    }

    /**
     * Cores that threads waiting for a response may spin on, in {@code BLOCK} idle mode: while fewer threads wait for a
     * response (in this process, and for this service on the host, counted in the service's file) than this many, a
     * waiter spins briefly, then yields, before it sleeps on the notifier; from this many on, it sleeps at once. So
     * with more waiting threads than cores, waiters that spin or yield never take the cores from the ones that slept,
     * and every thread is served at about the same rate. Default ({@value ShmConfiguration#WAIT_CORES_DEFAULT}):
     * {@link Runtime#availableProcessors()} (the process's CPU affinity and cgroup quota); 0 never spins.
     *
     * @param waitCores the number of cores, 0 or more, or {@value ShmConfiguration#WAIT_CORES_DEFAULT} for the
     *                  default.
     * @return this context.
     */
    public ClientContext waitCores(final int waitCores)
    {
        this.waitCores = waitCores;
        return this;
    }

    /**
     * @return the cores waiters may spin on, once concluded; {@value ShmConfiguration#WAIT_CORES_DEFAULT} before for
     *         the default.
     */
    public int waitCores()
    {
        return waitCores;
    }

    /**
     * Requests this client may have in flight at once, over all threads; more return {@code BACK_PRESSURED}.
     *
     * @param maxInFlight the limit (rounded up to a power of two).
     * @return this context.
     */
    public ClientContext maxInFlight(final int maxInFlight)
    {
        this.maxInFlight = maxInFlight;
        return this;
    }

    /**
     * @return the limit of requests in flight.
     */
    public int maxInFlight()
    {
        return maxInFlight;
    }

    /**
     * Whether the client connects again by itself after its service died or closed: it keeps trying every
     * {@link #reconnectIntervalNs} until the service is back (a new session and inbox file) or the client is closed.
     * Meanwhile sends return {@code PEER_DEAD} or {@code NOT_CONNECTED} and requests fail at once.
     *
     * @param reconnect false to stay disconnected (the application connects a new client).
     * @return this context.
     */
    public ClientContext reconnect(final boolean reconnect)
    {
        this.reconnect = reconnect;
        return this;
    }

    /**
     * @return whether the client reconnects by itself (default true).
     */
    public boolean reconnect()
    {
        return reconnect;
    }

    /**
     * How often a disconnected client tries to connect again.
     *
     * @param reconnectIntervalNs nanoseconds, 1 ms to 1 h.
     * @return this context.
     */
    public ClientContext reconnectIntervalNs(final long reconnectIntervalNs)
    {
        this.reconnectIntervalNs = reconnectIntervalNs;
        return this;
    }

    /**
     * @return the reconnect interval in nanoseconds.
     */
    public long reconnectIntervalNs()
    {
        return reconnectIntervalNs;
    }

    /**
     * Receives server pushes, on whichever thread polls this client (its receiver thread when enabled).
     *
     * @param pushHandler the handler; default ignores pushes.
     * @return this context.
     */
    public ClientContext pushHandler(final MessageHandler pushHandler)
    {
        this.pushHandler = pushHandler;
        return this;
    }

    /**
     * @return the push handler.
     */
    public MessageHandler pushHandler()
    {
        return pushHandler;
    }

    /**
     * Whether the client runs its own receiver thread (an Agrona {@code AgentRunner}) that polls the inbox, so
     * pushes and async responses arrive even when no thread is blocked in a request. Without it, threads blocked
     * in {@link ShmClient#request} poll for everyone, or the application calls {@link ShmClient#poll()} or drives
     * {@link ShmClient#agent()} with an {@code AgentInvoker}.
     *
     * @param receiverThread true to start one.
     * @return this context.
     */
    public ClientContext receiverThread(final boolean receiverThread)
    {
        this.receiverThread = receiverThread;
        return this;
    }

    /**
     * @return whether a receiver thread is started.
     */
    public boolean receiverThread()
    {
        return receiverThread;
    }
}
