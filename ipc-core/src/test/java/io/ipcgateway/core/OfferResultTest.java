package io.ipcgateway.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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
}
