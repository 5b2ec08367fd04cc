package io.ipcgateway.resilience.circuitbreaker;

import java.util.List;

import io.ipcgateway.core.health.Health;
import io.ipcgateway.core.health.HealthIndicator;
import io.ipcgateway.core.health.HealthStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CircuitBreakerHealthIndicatorTest
{
    @Test
    void shouldReportOpenBreakerAsDegradedAndClosedAsUp()
    {
        try (CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults())
        {
            registry.circuitBreaker("up");
            registry.circuitBreaker("down").transitionToOpenState();
            final List<HealthIndicator> indicators = CircuitBreakerHealthIndicator.allOf(registry);
            assertThat(indicators).hasSize(2);
            for (final HealthIndicator indicator : indicators)
            {
                final Health health = indicator.health();
                if (indicator.name().equals("circuitBreaker:down"))
                {
                    assertThat(health.status()).isEqualTo(HealthStatus.DEGRADED);
                    assertThat(health.details()).containsEntry("state", "OPEN");
                }
                else
                {
                    assertThat(indicator.name()).isEqualTo("circuitBreaker:up");
                    assertThat(health.status()).isEqualTo(HealthStatus.UP);
                    assertThat(health.details()).containsEntry("state", "CLOSED").containsEntry("shared", false);
                }
            }
        }
    }
}
