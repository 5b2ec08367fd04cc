package io.ipcgateway.examples.gateway;

import java.nio.file.Path;
import java.util.Map;

import io.ipcgateway.core.ConfigurationException;
import io.ipcgateway.core.IdleMode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GatewayConfigTest
{
    @Test
    void shouldReadYamlWithDefaultsForWhatIsMissing()
    {
        final GatewayConfig config = GatewayConfig.parse(String.join("\n",
            "service: gw1",
            "nats:",
            "  url: nats://127.0.0.1:4999",
            "  poolSize: 2",
            "jetstream:",
            "  durableSubjects: [orders.>]"), "test").validate();
        assertThat(config.service()).isEqualTo("gw1");
        assertThat(config.nats().url()).isEqualTo("nats://127.0.0.1:4999");
        assertThat(config.nats().poolSize()).isEqualTo(2);
        assertThat(config.nats().requestTimeoutNs()).isEqualTo(2_000_000_000L);
        assertThat(config.limits().maxPayloadBytes()).isEqualTo(1024 * 1024);
        assertThat(config.idle()).isEqualTo(IdleMode.BLOCK);
        assertThat(config.jetstream().isDurable("orders.eu")).isTrue();
        assertThat(config.jetstream().isDurable("prices.eu")).isFalse();
    }

    @Test
    void shouldReadJson()
    {
        final GatewayConfig config = GatewayConfig.parse(
            "{\"service\": \"gw2\", \"limits\": {\"maxPayload\": \"64k\"}}", "test").validate();
        assertThat(config.service()).isEqualTo("gw2");
        assertThat(config.limits().maxPayloadBytes()).isEqualTo(64 * 1024);
    }

    @Test
    void shouldNameAnUnknownKeyAndTheValidOnes()
    {
        assertThatThrownBy(() -> GatewayConfig.parse("nats:\n  urll: nats://x:1\n", "file=x.yml"))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("file=x.yml")
            .hasMessageContaining("unknown key=nats.urll")
            .hasMessageContaining("poolSize").hasMessageContaining("url");
    }

    @Test
    void shouldNameTheKeyOfAValueOfTheWrongType()
    {
        assertThatThrownBy(() -> GatewayConfig.parse("nats:\n  poolSize: many\n", "test"))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("key=nats.poolSize");
    }

    @Test
    void shouldSayWhereMalformedYamlBreaks()
    {
        assertThatThrownBy(() -> GatewayConfig.parse("nats: [unclosed\n", "test"))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("line");
    }

    @Test
    void shouldNameTheKeyTheValueAndTheValidRangeOnValidation()
    {
        assertThatThrownBy(() -> GatewayConfig.parse("nats:\n  poolSize: 0\n", "test").validate())
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("nats.poolSize=0").hasMessageContaining("1 to 16");
        assertThatThrownBy(() -> GatewayConfig.parse("nats:\n  url: http://x:1\n", "test").validate())
            .hasMessageContaining("nats.url=http://x:1").hasMessageContaining("nats://");
        assertThatThrownBy(() -> GatewayConfig.parse("nats:\n  requestTimeout: soon\n", "test").validate())
            .hasMessageContaining("nats.requestTimeout");
        assertThatThrownBy(() -> GatewayConfig.parse("jetstream:\n  durableSubjects: ['a..b']\n", "test").validate())
            .hasMessageContaining("jetstream.durableSubjects[0]=a..b");
        assertThatThrownBy(() -> GatewayConfig.parse("idleMode: nap\n", "test").validate())
            .hasMessageContaining("idleMode");
        assertThatThrownBy(() -> GatewayConfig.parse("limits:\n  maxSubjectLength: 5000\n", "test").validate())
            .hasMessageContaining("limits.maxSubjectLength=5000").hasMessageContaining("1 to 1024");
    }

    @Test
    void shouldNameTheKeyOfABadResilienceOrAuditSetting()
    {
        assertThatThrownBy(() -> GatewayConfig.parse(
            "downstreams:\n  - prefix: svc\n    breaker:\n      failureRateThreshold: 0\n", "test").validate())
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("downstreams[0].breaker").hasMessageContaining("failureRateThreshold");
        assertThatThrownBy(() -> GatewayConfig.parse(
            "downstreams:\n  - prefix: svc\n    retry:\n      maxAttempts: 0\n", "test").validate())
            .hasMessageContaining("downstreams[0].retry.maxAttempts=0").hasMessageContaining("1 to 10");
        assertThatThrownBy(() -> GatewayConfig.parse(
            "downstreams:\n  - prefix: svc\n    maxConcurrentCalls: 0\n", "test").validate())
            .hasMessageContaining("downstreams[0].maxConcurrentCalls=0");
        assertThatThrownBy(() -> GatewayConfig.parse("rateLimits:\n  clientKey: name\n", "test").validate())
            .hasMessageContaining("rateLimits.clientKey=name").hasMessageContaining("uid, pid or session");
        assertThatThrownBy(() -> GatewayConfig.parse("audit:\n  directory: /tmp/x\n  durability: often\n",
            "test").validate())
            .hasMessageContaining("audit.durability=often");
        assertThatThrownBy(() -> GatewayConfig.parse("downstreams:\n  - prefix: 'a.*'\n", "test").validate())
            .hasMessageContaining("downstreams[0].prefix=a.*");
        assertThatThrownBy(() -> GatewayConfig.parse("drainTimeout: later\n", "test").validate())
            .hasMessageContaining("drainTimeout");
    }

    @Test
    void shouldSayWhenTheFileIsMissing()
    {
        assertThatThrownBy(() -> GatewayConfig.load(Path.of("/nonexistent/gateway.yml")))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("/nonexistent/gateway.yml").hasMessageContaining("does not exist");
    }

    @Test
    void shouldLetTheEnvironmentOverrideTheNatsUrlAndCredentials()
    {
        final GatewayConfig config = GatewayConfig.defaults().withEnvironment(Map.of(
            GatewayConfig.ENV_NATS_URL, "nats://10.0.0.1:4222",
            GatewayConfig.ENV_NATS_USER, "u",
            GatewayConfig.ENV_NATS_PASSWORD, "p")).validate();
        assertThat(config.nats().url()).isEqualTo("nats://10.0.0.1:4222");
        assertThat(config.nats().user()).isEqualTo("u");
        assertThat(config.nats().password()).isEqualTo("p");
        assertThat(config.nats().toString()).doesNotContain("=p,").contains("password=***");
    }

    @Test
    void shouldAcceptTheDocumentedExample()
    {
        final GatewayConfig config = GatewayConfig.load(Path.of("../docs/gateway-example.yml")).validate();
        assertThat(config.service()).isEqualTo(GatewayProtocol.DEFAULT_SERVICE);
        assertThat(config.jetstream().durableSubjects()).containsExactly("orders.>");
    }
}
