package io.ipcgateway.metrics;

import java.io.StringWriter;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.resilience.circuitbreaker.CircuitBreaker;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerRegistry;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CircuitBreakerCollectorTest
{
    @Test
    void shouldExportStateWindowAndRejectionsOfEveryBreaker() throws Exception
    {
        try (CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults())
        {
            final CircuitBreaker orders = breakers.circuitBreaker("orders");
            orders.onSuccess(1, TimeUnit.MILLISECONDS);
            orders.onError(1, TimeUnit.MILLISECONDS);
            final CircuitBreaker payments = breakers.circuitBreaker("payments");
            payments.transitionToOpenState();
            payments.tryAcquirePermission();
            final CollectorRegistry registry = new CollectorRegistry();
            new CircuitBreakerCollector(breakers::all).register(registry);
            final StringWriter text = new StringWriter();
            TextFormat.write004(text, registry.metricFamilySamples());
            assertThat(text.toString())
                .contains("ipc_circuit_breaker_state{name=\"orders\",shared=\"false\",} 0.0")
                .contains("ipc_circuit_breaker_state{name=\"payments\",shared=\"false\",} 1.0")
                .contains("ipc_circuit_breaker_calls{name=\"orders\",shared=\"false\",kind=\"failed\",} 1.0")
                .contains("ipc_circuit_breaker_calls{name=\"orders\",shared=\"false\",kind=\"successful\",} 1.0")
                .contains("ipc_circuit_breaker_not_permitted_calls_total{name=\"payments\",shared=\"false\",} 1.0")
                .contains("ipc_circuit_breaker_failure_rate{name=\"orders\",shared=\"false\",} -1.0");
        }
    }
}
