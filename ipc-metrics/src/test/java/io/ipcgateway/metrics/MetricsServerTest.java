package io.ipcgateway.metrics;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import io.ipcgateway.core.health.Health;
import io.ipcgateway.core.health.HealthIndicator;
import io.ipcgateway.core.health.HealthStatus;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint over real HTTP: {@code /metrics} and {@code /health} answer, every other path is a 404.
 */
class MetricsServerTest
{
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private MetricsServer server;

    @BeforeEach
    void start()
    {
        final CollectorRegistry registry = new CollectorRegistry();
        Counter.build("fixture_total", "A fixture counter.").register(registry).inc(3);
        server = MetricsServer.start(0, registry);
        server.addHealthIndicator(HealthIndicator.of("fixture", Health.of(HealthStatus.UP, Map.of())));
    }

    @AfterEach
    void stop()
    {
        server.close();
    }

    @Test
    void shouldServeMetricsAndHealthOnTheirPaths() throws Exception
    {
        final HttpResponse<String> metrics = get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("fixture_total 3.0");

        final HttpResponse<String> filtered = get("/metrics?name[]=fixture_total");
        assertThat(filtered.statusCode()).isEqualTo(200);
        assertThat(filtered.body()).contains("fixture_total 3.0");

        final HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).startsWith("{\"status\":\"UP\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/nope", "/", "/metricsx", "/metrics/extra", "/health/x", "/healthz", "/-/healthy"})
    void shouldAnswer404ForEveryOtherPath(final String path) throws Exception
    {
        final HttpResponse<String> response = get(path);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).startsWith("404 not found: " + path).contains("/metrics").contains("/health")
            .doesNotContain("fixture_total");
    }

    @Test
    void shouldAnswer404ToHeadOfAnUnknownPath() throws Exception
    {
        final HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(uri("/nope"))
            .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.discarding());

        assertThat(response.statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> get(final String path) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(final String path)
    {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
