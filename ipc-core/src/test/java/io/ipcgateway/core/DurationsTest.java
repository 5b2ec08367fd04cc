package io.ipcgateway.core;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsTest
{
    @Test
    void shouldFormatWholeValuesInTheLargestUnit()
    {
        assertThat(Durations.format(TimeUnit.SECONDS.toNanos(10))).isEqualTo("10 s");
        assertThat(Durations.format(TimeUnit.MILLISECONDS.toNanos(250))).isEqualTo("250 ms");
        assertThat(Durations.format(TimeUnit.MICROSECONDS.toNanos(20))).isEqualTo("20 us");
        assertThat(Durations.format(999)).isEqualTo("999 ns");
        assertThat(Durations.format(0)).isEqualTo("0 ns");
        assertThat(Durations.format(TimeUnit.MINUTES.toNanos(2))).isEqualTo("2 min");
        assertThat(Durations.format(TimeUnit.HOURS.toNanos(3))).isEqualTo("3 h");
        assertThat(Durations.format(TimeUnit.DAYS.toNanos(1))).isEqualTo("1 d");
    }

    @Test
    void shouldFormatFractionsWithThreeSignificantDigits()
    {
        assertThat(Durations.format(1_500_000_000L)).isEqualTo("1.5 s");
        assertThat(Durations.format(2_250_000L)).isEqualTo("2.25 ms");
        assertThat(Durations.format(12_340_000L)).isEqualTo("12.3 ms");
        assertThat(Durations.format(333_333L)).isEqualTo("333 us");
        assertThat(Durations.format(-1_500_000_000L)).isEqualTo("-1.5 s");
        assertThat(Durations.format(Long.MIN_VALUE)).startsWith("-").endsWith(" d");
    }

    @Test
    void shouldDescribeSettingWithHumanDuration()
    {
        assertThat(Durations.describe("connectTimeout", 10_000_000_000L)).isEqualTo("connectTimeout=10 s");
    }

    @Test
    void shouldNameDurationSettingAndRangeInHumanUnitsWhenOutOfRange()
    {
        assertThatThrownBy(() -> Configuration.requireDurationRange("maxSleep", 10, 1_000, 60_000_000_000L))
            .isInstanceOf(ConfigurationException.class)
            .hasMessage("invalid setting: maxSleep='10 ns': expected a duration in [1 us, 1 min]");
        assertThat(Configuration.requireDurationRange("maxSleep", 5_000, 1_000, 60_000_000_000L)).isEqualTo(5_000);
    }
}
