package io.ipcgateway.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OfferResultTest
{
    @Test
    void shouldTreatNonNegativeAsSuccess()
    {
        assertThat(OfferResult.isSuccess(OfferResult.OK)).isTrue();
        assertThat(OfferResult.isSuccess(42)).isTrue();
        assertThat(OfferResult.isSuccess(OfferResult.BACK_PRESSURED)).isFalse();
        assertThat(OfferResult.describe(42)).isEqualTo("OK");
    }

    @Test
    void shouldDescribeEveryCodeDistinctly()
    {
        assertThat(OfferResult.describe(OfferResult.NOT_CONNECTED)).isEqualTo("NOT_CONNECTED");
        assertThat(OfferResult.describe(OfferResult.BACK_PRESSURED)).isEqualTo("BACK_PRESSURED");
        assertThat(OfferResult.describe(OfferResult.CLOSED)).isEqualTo("CLOSED");
        assertThat(OfferResult.describe(OfferResult.TOO_LARGE)).isEqualTo("TOO_LARGE");
        assertThat(OfferResult.describe(OfferResult.TIMED_OUT)).isEqualTo("TIMED_OUT");
        assertThat(OfferResult.describe(OfferResult.INVALID_ARGUMENT)).isEqualTo("INVALID_ARGUMENT");
        assertThat(OfferResult.describe(OfferResult.PEER_DEAD)).isEqualTo("PEER_DEAD");
        assertThat(OfferResult.describe(-99)).isEqualTo("UNKNOWN(-99)");
    }

    @Test
    void shouldReturnSuccessCodesAndThrowTheMatchingExceptionForFailures()
    {
        assertThat(OfferResult.check(OfferResult.OK, "offer")).isEqualTo(OfferResult.OK);
        assertThat(OfferResult.check(7, "offer")).isEqualTo(7);
        assertThatThrownBy(() -> OfferResult.check(OfferResult.TIMED_OUT, "call q"))
            .isInstanceOf(RequestTimeoutException.class).hasMessage("call q failed: TIMED_OUT");
        assertThatThrownBy(() -> OfferResult.check(OfferResult.PEER_DEAD, "call q"))
            .isInstanceOf(PeerDeadException.class).hasMessage("call q failed: PEER_DEAD");
        assertThatThrownBy(
            () -> OfferResult.check(OfferResult.BACK_PRESSURED, "call q"))
            .isExactlyInstanceOf(IpcException.class).hasMessage("call q failed: BACK_PRESSURED");
    }
}
