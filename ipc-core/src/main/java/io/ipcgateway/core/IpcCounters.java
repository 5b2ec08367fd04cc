package io.ipcgateway.core;

import java.util.EnumMap;
import java.util.Map;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

/**
 * One endpoint's {@link CounterKind counters}, allocated with Agrona's {@link CountersManager} over buffers the
 * transport places in shared memory, so another process can read them later with a {@link CountersReader}
 * ({@link #read(CountersReader)}) without asking the application.
 * <p>
 * The hot path only increments: use {@link #counter(CounterKind)} once at setup, keep the {@link AtomicCounter},
 * then call {@link AtomicCounter#incrementRelease()} when a single thread writes the counter or
 * {@link AtomicCounter#increment()} when several do.
 */
public final class IpcCounters
{
    private static final int COUNT = CounterKind.values().length;

    private final CountersManager manager;
    private final AtomicCounter[] counters = new AtomicCounter[COUNT];

    private IpcCounters(final CountersManager manager, final String owner)
    {
        this.manager = manager;
        for (final CounterKind kind : CounterKind.values())
        {
            counters[kind.ordinal()] = manager.newCounter(owner + " " + kind.metricName(), kind.typeId());
        }
    }

    /**
     * Bytes of counter metadata needed for all kinds.
     *
     * @return the length of the metadata buffer to reserve.
     */
    public static int metaDataLength()
    {
        return COUNT * CountersReader.METADATA_LENGTH;
    }

    /**
     * Bytes of counter values needed for all kinds.
     *
     * @return the length of the values buffer to reserve.
     */
    public static int valuesLength()
    {
        return COUNT * CountersReader.COUNTER_LENGTH;
    }

    /**
     * Allocates every counter kind in fresh (zeroed) buffers; counter id {@code i} is {@code CounterKind.values()[i]}.
     *
     * @param metaDataBuffer buffer of at least {@link #metaDataLength()} bytes.
     * @param valuesBuffer   buffer of at least {@link #valuesLength()} bytes.
     * @param owner          label prefix naming the endpoint, e.g. {@code "service=echo client=7"}.
     * @return the counters.
     */
    public static IpcCounters create(
        final AtomicBuffer metaDataBuffer, final AtomicBuffer valuesBuffer, final String owner)
    {
        return new IpcCounters(new CountersManager(metaDataBuffer, valuesBuffer), owner);
    }

    /**
     * The counter of one kind, for the hot path to keep and increment.
     *
     * @param kind the kind.
     * @return its counter.
     */
    public AtomicCounter counter(final CounterKind kind)
    {
        return counters[kind.ordinal()];
    }

    /**
     * The current value of one kind.
     *
     * @param kind the kind.
     * @return its value.
     */
    public long get(final CounterKind kind)
    {
        return counters[kind.ordinal()].get();
    }

    /**
     * A reader over the same buffers, e.g. to hand to a metrics exporter.
     *
     * @return the counters manager, which is a {@link CountersReader}.
     */
    public CountersReader reader()
    {
        return manager;
    }

    /**
     * Reads every IPC Gateway counter from a counters area, e.g. one mapped from another process's file.
     *
     * @param reader the counters area.
     * @return the value of each kind found (kinds not present are absent).
     */
    public static Map<CounterKind, Long> read(final CountersReader reader)
    {
        final Map<CounterKind, Long> values = new EnumMap<>(CounterKind.class);
        reader.forEach((counterId, typeId, keyBuffer, label) ->
        {
            final CounterKind kind = CounterKind.fromTypeId(typeId);
            if (kind != null)
            {
                values.put(kind, reader.getCounterValue(counterId));
            }
        });
        return values;
    }
}
