package io.ipcgateway.core;

import java.nio.ByteBuffer;
import java.util.Map;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IpcCountersTest
{
    @Test
    void shouldAllocateEveryKindAtItsOrdinalAndReadBackFromAnotherView()
    {
        final ByteBuffer meta = ByteBuffer.allocateDirect(IpcCounters.metaDataLength());
        final ByteBuffer values = ByteBuffer.allocateDirect(IpcCounters.valuesLength());
        final IpcCounters counters = IpcCounters.create(new UnsafeBuffer(meta), new UnsafeBuffer(values), "svc=a");

        counters.counter(CounterKind.MESSAGES_SENT).incrementRelease();
        counters.counter(CounterKind.MESSAGES_SENT).incrementRelease();
        counters.counter(CounterKind.BYTES_SENT).getAndAdd(64);
        counters.counter(CounterKind.RING_OCCUPANCY_BYTES).setRelease(128);

        // A second view over the same memory, as another process would map it.
        final CountersReader reader = new CountersReader(new UnsafeBuffer(meta), new UnsafeBuffer(values));
        final Map<CounterKind, Long> read = IpcCounters.read(reader);

        assertThat(read).hasSize(CounterKind.values().length);
        assertThat(read.get(CounterKind.MESSAGES_SENT)).isEqualTo(2);
        assertThat(read.get(CounterKind.BYTES_SENT)).isEqualTo(64);
        assertThat(read.get(CounterKind.RING_OCCUPANCY_BYTES)).isEqualTo(128);
        assertThat(read.get(CounterKind.ERRORS)).isZero();
        for (final CounterKind kind : CounterKind.values())
        {
            assertThat(reader.getCounterTypeId(kind.ordinal())).isEqualTo(kind.typeId());
            assertThat(reader.getCounterLabel(kind.ordinal())).isEqualTo("svc=a " + kind.metricName());
        }
    }

    @Test
    void shouldMapTypeIdsBackToKinds()
    {
        assertThat(CounterKind.fromTypeId(CounterKind.ERRORS.typeId())).isEqualTo(CounterKind.ERRORS);
        assertThat(CounterKind.fromTypeId(0)).isNull();
        assertThat(CounterKind.RING_OCCUPANCY_BYTES.isGauge()).isTrue();
        assertThat(CounterKind.MESSAGES_SENT.metricName()).endsWith("_total");
    }
}
