package io.ipcgateway.shm.notify;

import io.ipcgateway.core.IpcException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shared wake word where the futex is unavailable (surefire loads the base classes, as a JDK 17 process would):
 * nothing is offered or joined, so both sides keep the per-client wake-up; and the setting's validation.
 */
class SharedWakeTest
{
    private static final int SEQUENCE_OFFSET = 256;

    private final UnsafeBuffer header = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));

    @AfterEach
    void clearSetting()
    {
        System.clearProperty(SharedWake.MODE_PROP_NAME);
    }

    @Test
    void shouldOfferNothingAndLeaveTheHeaderUntouchedWhenTheFutexIsUnavailable()
    {
        assertThat(Futex.isAvailable()).as("surefire runs the base classes").isFalse();

        assertThat(SharedWake.offer(header, SEQUENCE_OFFSET)).isNull();
        assertThat(header.getInt(SEQUENCE_OFFSET + SharedWake.OFFERED_DELTA)).isZero();
    }

    @Test
    void shouldNotJoinAnOfferedWordWhenThisProcessCannotCallTheFutex()
    {
        // A JDK 25 server offered the word; a JDK 17 client stays on its own wake-up (the socket).
        header.putInt(SEQUENCE_OFFSET + SharedWake.OFFERED_DELTA, SharedWake.OFFERED);

        assertThat(SharedWake.join(header, SEQUENCE_OFFSET)).isNull();
    }

    @Test
    void shouldGiveSessionsThirtyTwoApartTheSameSingleBit()
    {
        assertThat(SharedWake.bitOf(5)).isEqualTo(1 << 5).isEqualTo(SharedWake.bitOf(37));
        assertThat(SharedWake.bitOf(31)).isEqualTo(Integer.MIN_VALUE);
        assertThat(SharedWake.bitOf(-1)).isEqualTo(Integer.MIN_VALUE);
        for (int session = -100; session < 100; session++)
        {
            assertThat(Integer.bitCount(SharedWake.bitOf(session))).isEqualTo(1);
        }
    }

    @Test
    void shouldAcceptBothModesAndRejectAnyOtherNamingTheSetting()
    {
        assertThat(SharedWake.configured()).as("default").isTrue();
        System.setProperty(SharedWake.MODE_PROP_NAME, "per-client");
        assertThat(SharedWake.configured()).isFalse();
        System.setProperty(SharedWake.MODE_PROP_NAME, " BitSet ");
        assertThat(SharedWake.configured()).isTrue();
        System.setProperty(SharedWake.MODE_PROP_NAME, "sometimes");

        assertThatThrownBy(SharedWake::configured)
            .isInstanceOf(IpcException.class)
            .hasMessageContaining(SharedWake.MODE_PROP_NAME + "=sometimes")
            .hasMessageContaining("bitset, per-client");
    }
}
