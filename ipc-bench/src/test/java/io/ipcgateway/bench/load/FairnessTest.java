package io.ipcgateway.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FairnessTest
{
    @Test
    void shouldDivideSlowestByMedianClient()
    {
        assertThat(Fairness.of(new long[] {100, 50, 80})).isCloseTo(50.0 / 80.0, within(1e-9));
    }

    @Test
    void shouldUseMeanOfMiddleTwoForEvenClientCount()
    {
        assertThat(Fairness.of(new long[] {10, 40, 60, 100})).isCloseTo(10.0 / 50.0, within(1e-9));
    }

    @Test
    void shouldScoreOneWhenEveryClientDidTheSame()
    {
        assertThat(Fairness.of(new long[] {7, 7, 7, 7})).isEqualTo(1.0);
    }

    @Test
    void shouldScoreZeroWhenAClientWasStarvedOrAllWere()
    {
        assertThat(Fairness.of(new long[] {0, 900, 1000})).isEqualTo(0.0);
        assertThat(Fairness.of(new long[] {0, 0, 0})).isEqualTo(0.0);
    }

    @Test
    void shouldBeUndefinedForOneClient()
    {
        assertThat(Fairness.of(new long[] {5})).isNaN();
    }
}
