package io.ipcgateway.shm;

import java.nio.file.Path;
import java.util.Arrays;

import io.ipcgateway.core.CounterKind;
import io.ipcgateway.core.Durations;
import io.ipcgateway.shm.notify.NotifierKind;

/**
 * What one channel file showed when {@link ShmObserver} read it: owner, liveness, ring occupancy, counters and
 * notifier activity. Immutable; values are as of the read.
 */
public final class ChannelSnapshot
{
    /** The channel name of a service's inbox. */
    public static final String SERVER_CHANNEL = "server";

    private final String service;
    private final String channel;
    private final Path file;
    private final String fileType;
    private final long ownerPid;
    private final int ownerUid;
    private final boolean ownerAlive;
    private final boolean closedByOwner;
    private final long heartbeatAgeNs;
    private final int ringCapacity;
    private final long occupancyBytes;
    private final long[] counters;
    private final long notifierSleeps;
    private final long notifierWakeups;
    private final long notifierTimeouts;
    private final NotifierKind notifierKind;
    private final int waitingRequesters;
    private final int parkedRequesters;

    ChannelSnapshot(
        final String service,
        final String channel,
        final Path file,
        final String fileType,
        final long ownerPid,
        final int ownerUid,
        final boolean ownerAlive,
        final boolean closedByOwner,
        final long heartbeatAgeNs,
        final int ringCapacity,
        final long occupancyBytes,
        final long[] counters,
        final long notifierSleeps,
        final long notifierWakeups,
        final long notifierTimeouts,
        final NotifierKind notifierKind,
        final int waitingRequesters,
        final int parkedRequesters)
    {
        this.service = service;
        this.channel = channel;
        this.file = file;
        this.fileType = fileType;
        this.ownerPid = ownerPid;
        this.ownerUid = ownerUid;
        this.ownerAlive = ownerAlive;
        this.closedByOwner = closedByOwner;
        this.heartbeatAgeNs = heartbeatAgeNs;
        this.ringCapacity = ringCapacity;
        this.occupancyBytes = occupancyBytes;
        this.counters = counters.clone();
        this.notifierSleeps = notifierSleeps;
        this.notifierWakeups = notifierWakeups;
        this.notifierTimeouts = notifierTimeouts;
        this.notifierKind = notifierKind;
        this.waitingRequesters = waitingRequesters;
        this.parkedRequesters = parkedRequesters;
    }

    /**
     * The service the channel belongs to (its folder's name).
     *
     * @return the service name.
     */
    public String service()
    {
        return service;
    }

    /**
     * {@value #SERVER_CHANNEL} for the service's inbox, otherwise the client file's name without extension,
     * e.g. {@code client-4242-1}. Bounded by the number of connected clients.
     *
     * @return the channel name.
     */
    public String channel()
    {
        return channel;
    }

    /**
     * The channel file.
     *
     * @return its path.
     */
    public Path file()
    {
        return file;
    }

    /**
     * The file type: {@code server}, {@code client} or {@code broadcast}.
     *
     * @return the type name.
     */
    public String fileType()
    {
        return fileType;
    }

    /**
     * Whether this is a service's inbox rather than a client's.
     *
     * @return true for the server channel.
     */
    public boolean isServer()
    {
        return SERVER_CHANNEL.equals(channel);
    }

    /**
     * The owning process's id as written in the header.
     *
     * @return the pid.
     */
    public long ownerPid()
    {
        return ownerPid;
    }

    /**
     * The owning process's uid as written in the header, -1 when unknown.
     *
     * @return the uid.
     */
    public int ownerUid()
    {
        return ownerUid;
    }

    /**
     * Whether the owner is alive: its pid exists with the start time in the header (defeats pid reuse), or, for an
     * owner in another pid namespace, its heartbeat is within the default liveness timeout.
     *
     * @return true when the owner process is alive.
     */
    public boolean ownerAlive()
    {
        return ownerAlive;
    }

    /**
     * Whether the owner marked the file closed (a clean shutdown in progress).
     *
     * @return true once closed by its owner.
     */
    public boolean closedByOwner()
    {
        return closedByOwner;
    }

    /**
     * How long ago the owner last wrote its heartbeat, on the monotonic clock shared by the host's processes.
     *
     * @return the age in nanoseconds.
     */
    public long heartbeatAgeNs()
    {
        return heartbeatAgeNs;
    }

    /**
     * The ring's data capacity.
     *
     * @return bytes.
     */
    public int ringCapacity()
    {
        return ringCapacity;
    }

    /**
     * Bytes written into the ring and not yet consumed.
     *
     * @return bytes, 0 to {@link #ringCapacity()}.
     */
    public long occupancyBytes()
    {
        return occupancyBytes;
    }

    /**
     * {@link #occupancyBytes()} as a fraction of {@link #ringCapacity()}.
     *
     * @return 0.0 to 1.0.
     */
    public double occupancyRatio()
    {
        return ringCapacity == 0 ? 0.0 : (double)occupancyBytes / ringCapacity;
    }

    /**
     * A counter's value, 0 when the file does not hold that counter.
     *
     * @param kind the counter.
     * @return its value.
     */
    public long counter(final CounterKind kind)
    {
        return counters[kind.ordinal()];
    }

    /**
     * Times the channel's consumer went to sleep on its notifier.
     *
     * @return the count kept in the notifier area.
     */
    public long notifierSleeps()
    {
        return notifierSleeps;
    }

    /**
     * Times a producer woke the channel's sleeping consumer.
     *
     * @return the count kept in the notifier area.
     */
    public long notifierWakeups()
    {
        return notifierWakeups;
    }

    /**
     * Times the consumer's sleep ended by timeout rather than by a wake-up.
     *
     * @return the count kept in the notifier area.
     */
    public long notifierTimeouts()
    {
        return notifierTimeouts;
    }

    @Override
    public String toString()
    {
        return "ChannelSnapshot{service=" + service + ", channel=" + channel + ", ownerPid=" + ownerPid
            + ", alive=" + ownerAlive + ", heartbeatAge=" + Durations.format(heartbeatAgeNs) + ", occupancy="
            + occupancyBytes + "/" + ringCapacity + ", notifier=" + notifierKind + ", waiting=" + waitingRequesters
            + ", parked=" + parkedRequesters + ", counters="
            + Arrays.toString(counters) + '}';
    }

    /**
     * How the channel's consumer sleeps now, as its notifier area records it: the mechanism every producer of the
     * channel wakes it with (a futex consumer switches to the socket when a producer without the futex connects).
     *
     * @return {@link NotifierKind#FUTEX} or {@link NotifierKind#UNIX_SOCKET}, or {@code null} when the consumer does
     *         not block (spin, yield or backoff idle mode) or has not opened its notifier.
     */
    public NotifierKind notifierKind()
    {
        return notifierKind;
    }

    /**
     * Threads blocked in a request that wait for their response now and are past the first polls of the fast path:
     * on the server channel, over every client of the service on the host (the count the wait gate compares with
     * the cores); on a client channel, that client's share of it.
     *
     * @return the count, at least 0 (briefly off by the threads starting or ending a wait).
     */
    public int waitingRequesters()
    {
        return Math.max(0, waitingRequesters);
    }

    /**
     * Of the {@link #waitingRequesters() waiting requesters}, those asleep now (on their inbox notifier, or parked
     * behind the thread that polls for them); the others spin or yield.
     *
     * @return the count, at least 0 and at most {@link #waitingRequesters()}.
     */
    public int parkedRequesters()
    {
        return Math.max(0, Math.min(parkedRequesters, waitingRequesters()));
    }
}
