package io.ipcgateway.shm;

import java.nio.ByteBuffer;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wait gate's counts, over plain buffers standing in for the server file's header and two client files' headers.
 */
class WaitGateTest
{
    private final UnsafeBuffer service = header();
    private final UnsafeBuffer clientA = header();
    private final UnsafeBuffer clientB = header();

    private static UnsafeBuffer header()
    {
        return new UnsafeBuffer(ByteBuffer.allocateDirect(ChannelDescriptor.HEADER_LENGTH));
    }

    @Test
    void shouldSpinOnlyWhileFewerThreadsWaitThanCores()
    {
        final WaitGate a = new WaitGate(service, clientA, 2);
        final WaitGate b = new WaitGate(service, clientB, 2);
        final int before = WaitGate.processWaiters();
        a.enter();
        assertThat(a.maySpin()).as("one waiter, two cores").isTrue();
        b.enter();
        assertThat(a.maySpin()).as("two waiters, two cores").isFalse();
        assertThat(b.maySpin()).isFalse();
        assertThat(WaitGate.serviceWaiters(service)).isEqualTo(2);
        b.leave();
        assertThat(a.maySpin()).isTrue();
        a.leave();
        assertThat(WaitGate.serviceWaiters(service)).isZero();
        assertThat(WaitGate.processWaiters()).isEqualTo(before);
    }

    @Test
    void shouldNeverSpinWithZeroCores()
    {
        final WaitGate gate = new WaitGate(service, clientA, 0);
        assertThat(gate.maySpin()).isFalse();
    }

    @Test
    void shouldSleepAtOnceWhenOtherProcessesFillTheServiceCount()
    {
        // Threads of other processes counted in the service's word only: this process has no waiter.
        final WaitGate gate = new WaitGate(service, clientA, 4);
        service.putIntVolatile(ChannelDescriptor.WAITING_REQUESTERS_OFFSET, 4);
        assertThat(gate.maySpin()).isFalse();
        service.putIntVolatile(ChannelDescriptor.WAITING_REQUESTERS_OFFSET, 3);
        assertThat(gate.maySpin()).isTrue();
    }

    @Test
    void shouldTakeADeadClientsShareBackOnceAndNotTwiceWhenItComesBack()
    {
        final WaitGate a = new WaitGate(service, clientA, 2);
        final WaitGate b = new WaitGate(service, clientB, 2);
        final int before = WaitGate.processWaiters();
        a.enter();
        a.enter();
        a.enter();
        b.enter();
        assertThat(WaitGate.serviceWaiters(service)).isEqualTo(4);

        // The server believes client A dead: its three waiters go at once.
        WaitGate.takeBackShare(service, clientA);
        assertThat(WaitGate.serviceWaiters(service)).isEqualTo(1);
        WaitGate.takeBackShare(service, clientA);
        assertThat(WaitGate.serviceWaiters(service)).as("a share is taken back once").isEqualTo(1);

        // Client A was only stopped: its threads leave later and take nothing off twice.
        a.leave();
        a.leave();
        a.leave();
        assertThat(WaitGate.serviceWaiters(service)).isEqualTo(1);
        b.leave();
        assertThat(WaitGate.serviceWaiters(service)).isZero();
        assertThat(clientA.getIntVolatile(ChannelDescriptor.WAITING_REQUESTERS_OFFSET)).isZero();
        assertThat(WaitGate.processWaiters()).isEqualTo(before);
    }

    @Test
    void shouldCountSleepingWaitersApartAndTakeADeadClientsSleepersBack()
    {
        final WaitGate a = new WaitGate(service, clientA, 2);
        final WaitGate b = new WaitGate(service, clientB, 2);
        final int before = WaitGate.processWaiters();
        a.enter();
        a.enter();
        b.enter();
        a.parked();
        a.parked();
        b.parked();
        assertThat(WaitGate.serviceWaiters(service)).isEqualTo(3);
        assertThat(WaitGate.serviceParked(service)).isEqualTo(3);
        assertThat(WaitGate.serviceParked(clientA)).as("client A's share").isEqualTo(2);
        b.unparked();
        assertThat(WaitGate.serviceParked(service)).as("B woke and spins").isEqualTo(2);

        WaitGate.takeBackShare(service, clientA);
        assertThat(WaitGate.serviceWaiters(service)).isEqualTo(1);
        assertThat(WaitGate.serviceParked(service)).isZero();
        a.unparked();
        a.unparked();
        a.leave();
        a.leave();
        assertThat(WaitGate.serviceParked(service)).as("nothing taken off twice").isZero();
        b.leave();
        assertThat(WaitGate.serviceWaiters(service)).isZero();
        assertThat(WaitGate.processWaiters()).isEqualTo(before);
    }
}
