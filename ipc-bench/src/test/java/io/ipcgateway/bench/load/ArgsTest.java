package io.ipcgateway.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArgsTest
{
    @Test
    void shouldParseDurationsWithEveryUnit()
    {
        assertThat(Args.parseDurationNs("--d", "10s")).isEqualTo(10_000_000_000L);
        assertThat(Args.parseDurationNs("--d", "1.5s")).isEqualTo(1_500_000_000L);
        assertThat(Args.parseDurationNs("--d", "500ms")).isEqualTo(500_000_000L);
        assertThat(Args.parseDurationNs("--d", "300us")).isEqualTo(300_000L);
        assertThat(Args.parseDurationNs("--d", "42ns")).isEqualTo(42L);
        assertThat(Args.parseDurationNs("--d", "2m")).isEqualTo(120_000_000_000L);
        assertThat(Args.parseDurationNs("--d", "3")).isEqualTo(3_000_000_000L);
    }

    @Test
    void shouldNameOptionAndValueWhenDurationIsInvalid()
    {
        assertThatThrownBy(() -> Args.parseDurationNs("--duration", "soon"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("--duration")
            .hasMessageContaining("soon");
        assertThatThrownBy(() -> Args.parseDurationNs("--warmup", "-1s"))
            .hasMessageContaining("--warmup");
    }

    @Test
    void shouldParseByteCountsWithSuffixes()
    {
        assertThat(Args.parseBytes("--size", "32")).isEqualTo(32);
        assertThat(Args.parseBytes("--size", "4k")).isEqualTo(4096);
        assertThat(Args.parseBytes("--size", "1m")).isEqualTo(1 << 20);
        assertThatThrownBy(() -> Args.parseBytes("--size", "big")).hasMessageContaining("--size");
    }

    @Test
    void shouldRefuseNonPositiveCounts()
    {
        assertThatThrownBy(() -> Args.parsePositiveInt("--clients", "0")).hasMessageContaining("--clients");
        assertThat(Args.parsePositiveInt("--clients", "32")).isEqualTo(32);
    }
}
