package io.ipcgateway.examples.gateway;

import io.ipcgateway.core.ConfigurationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricsConfigTest
{
    @Test
    void shouldLeaveTheEndpointOffOnLoopbackByDefault()
    {
        final MetricsConfig metrics = GatewayConfig.parse("service: gw", "test").validate().metrics();
        assertThat(metrics.enabled()).isFalse();
        assertThat(metrics.host()).isEqualTo(MetricsConfig.DEFAULT_HOST);
        assertThat(metrics.port()).isEqualTo(MetricsConfig.DEFAULT_PORT);
    }

    @Test
    void shouldReadTheMetricsSection()
    {
        final MetricsConfig metrics = GatewayConfig.parse(String.join("\n",
            "metrics:",
            "  enabled: true",
            "  host: 0.0.0.0",
            "  port: 0"), "test").validate().metrics();
        assertThat(metrics).isEqualTo(new MetricsConfig(true, "0.0.0.0", 0));
    }

    @Test
    void shouldNameTheKeyOfABadPortOrAnUnknownKey()
    {
        assertThatThrownBy(() -> GatewayConfig.parse("metrics:\n  port: 70000", "test").validate())
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("metrics.port=70000").hasMessageContaining("0 to 65535");
        assertThatThrownBy(() -> GatewayConfig.parse("metrics:\n  path: /m", "test"))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("unknown key=metrics.path").hasMessageContaining("enabled, host, port");
    }
}
