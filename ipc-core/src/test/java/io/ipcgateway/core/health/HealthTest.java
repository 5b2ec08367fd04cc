package io.ipcgateway.core.health;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HealthTest
{
    @Test
    void shouldAggregateToTheWorstStatus()
    {
        assertThat(HealthStatus.UP.worst(HealthStatus.DEGRADED)).isEqualTo(HealthStatus.DEGRADED);
        assertThat(HealthStatus.DOWN.worst(HealthStatus.UP)).isEqualTo(HealthStatus.DOWN);
        assertThat(HealthStatus.UP.worst(HealthStatus.UP)).isEqualTo(HealthStatus.UP);
    }

    @Test
    void shouldKeepDetailsInOrderAndImmutable()
    {
        final Map<String, Object> details = new LinkedHashMap<>();
        details.put("heartbeatAgeMs", 12L);
        details.put("alive", true);
        details.put("ring", "inbox");

        final Health health = Health.of(HealthStatus.DEGRADED, details);
        details.put("later", "ignored");

        assertThat(health.details()).containsExactly(
            Map.entry("heartbeatAgeMs", 12L), Map.entry("alive", true), Map.entry("ring", "inbox"));
        assertThatThrownBy(() -> health.details().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void shouldRefuseDetailsThatCannotBeRenderedAsJson()
    {
        assertThatThrownBy(() -> Health.of(HealthStatus.UP, Map.of("bad", new Object())))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("detail=bad");
    }
}
