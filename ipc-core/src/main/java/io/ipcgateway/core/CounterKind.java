package io.ipcgateway.core;

/**
 * The counters every IPC Gateway endpoint keeps in shared memory, one Agrona counter each.
 * <p>
 * {@link IpcCounters} allocates them in declaration order, so in a counters area created by it the Agrona counter
 * id of a kind is its {@link #ordinal()}; its Agrona type id is {@link #typeId()}. Names follow Prometheus
 * conventions (base units, {@code _total} for monotonic counters).
 */
public enum CounterKind
{
    /** Messages published by this endpoint (a fragmented message counts once). */
    MESSAGES_SENT("ipc_messages_sent_total", false),
    /** Payload bytes published by this endpoint. */
    BYTES_SENT("ipc_bytes_sent_total", false),
    /** Messages delivered to this endpoint's handlers (a reassembled message counts once). */
    MESSAGES_RECEIVED("ipc_messages_received_total", false),
    /** Payload bytes delivered to this endpoint's handlers. */
    BYTES_RECEIVED("ipc_bytes_received_total", false),
    /** Offers or claims refused because the destination ring was full. */
    BACK_PRESSURE_EVENTS("ipc_backpressure_events_total", false),
    /** Times this endpoint's consumer went to sleep on its notifier. */
    NOTIFIER_SLEEPS("ipc_notifier_sleeps_total", false),
    /** Times this endpoint's consumer was woken by a producer's signal (not by a timeout). */
    NOTIFIER_WAKEUPS("ipc_notifier_wakeups_total", false),
    /** Bytes waiting in this endpoint's inbox ring when last sampled by its duty cycle (a gauge). */
    RING_OCCUPANCY_BYTES("ipc_ring_occupancy_bytes", true),
    /** Fragments published for messages larger than one ring record. */
    FRAGMENTS_SENT("ipc_fragments_sent_total", false),
    /** Fragments received and reassembled. */
    FRAGMENTS_RECEIVED("ipc_fragments_received_total", false),
    /** Requests that got no response in time. */
    REQUESTS_TIMED_OUT("ipc_requests_timed_out_total", false),
    /** Errors: invalid records or control messages dropped, handler exceptions, failed peers. */
    ERRORS("ipc_errors_total", false),
    /** Ring slots claimed by a producer that died before committing, skipped by the consumer after the timeout. */
    UNBLOCKED_SLOTS("ipc_unblocked_slots_total", false);

    /** Agrona type id of the first kind; the others follow in declaration order. */
    public static final int TYPE_ID_BASE = 0x1C_0000;

    private static final CounterKind[] VALUES = values();

    private final String metricName;
    private final boolean gauge;

    CounterKind(final String metricName, final boolean gauge)
    {
        this.metricName = metricName;
        this.gauge = gauge;
    }

    /**
     * The Prometheus-style metric name.
     *
     * @return e.g. {@code "ipc_messages_sent_total"}.
     */
    public String metricName()
    {
        return metricName;
    }

    /**
     * Whether the value goes up and down (a gauge) rather than only up.
     *
     * @return true for gauges.
     */
    public boolean isGauge()
    {
        return gauge;
    }

    /**
     * The Agrona counter type id stored in the counter's metadata.
     *
     * @return {@link #TYPE_ID_BASE} plus the ordinal.
     */
    public int typeId()
    {
        return TYPE_ID_BASE + ordinal();
    }

    /**
     * The kind for an Agrona type id.
     *
     * @param typeId a type id read from counter metadata.
     * @return the kind, or null when the type id is not one of ours.
     */
    public static CounterKind fromTypeId(final int typeId)
    {
        final int index = typeId - TYPE_ID_BASE;
        return index >= 0 && index < VALUES.length ? VALUES[index] : null;
    }
}
