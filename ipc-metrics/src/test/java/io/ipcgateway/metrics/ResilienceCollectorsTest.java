package io.ipcgateway.metrics;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.ipcgateway.resilience.bulkhead.Bulkhead;
import io.ipcgateway.resilience.bulkhead.BulkheadConfig;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreaker;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerConfig;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerRegistry;
import io.ipcgateway.resilience.ratelimiter.RateLimiter;
import io.ipcgateway.resilience.ratelimiter.RateLimiterConfig;
import io.ipcgateway.resilience.retry.Retry;
import io.ipcgateway.resilience.retry.RetryConfig;
import io.prometheus.client.CollectorRegistry;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scrapes a real {@link MetricsServer} over HTTP with the four resilience collectors registered, as Prometheus
 * would, and lints the page with promtool when it is installed.
 */
@Timeout(60)
class ResilienceCollectorsTest
{
    private static final String CALLS = "ipc_circuit_breaker_calls_total{name=\"";
    private static final String WINDOW = "ipc_circuit_breaker_window_calls{name=\"";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path tempDir;

    @Test
    void shouldServeBreakerCountersLimiterBulkheadAndRetryMetricsThatPromtoolAccepts() throws Exception
    {
        try (CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
            .slowCallDurationThreshold(Duration.ofMillis(10)).build()))
        {
            final CircuitBreaker orders = breakers.circuitBreaker("orders");
            orders.onSuccess(1, TimeUnit.MILLISECONDS);
            orders.onSuccess(11, TimeUnit.MILLISECONDS);
            orders.onError(1, TimeUnit.MILLISECONDS);
            final CircuitBreaker payments = breakers.circuitBreaker("payments");
            payments.onError(1, TimeUnit.MILLISECONDS);
            payments.transitionToOpenState();
            payments.tryAcquirePermission();
            payments.tryAcquirePermission();
            final RateLimiter limiter = RateLimiter.of("downstream", RateLimiterConfig.custom().limitForPeriod(10)
                .limitRefreshPeriod(Duration.ofHours(1)).timeoutDuration(Duration.ZERO).build());
            assertThat(limiter.tryAcquirePermission(3)).isTrue();
            final Bulkhead bulkhead = Bulkhead.of("pool", BulkheadConfig.custom().maxConcurrentCalls(4).build());
            assertThat(bulkhead.tryAcquirePermission()).isTrue();
            final Retry retry = Retry.of("flaky", RetryConfig.custom().maxAttempts(2).waitDuration(Duration.ZERO)
                .build());
            final AtomicInteger attempts = new AtomicInteger();
            retry.executeSupplier(() -> "first time");
            retry.executeSupplier(() ->
            {
                if (attempts.incrementAndGet() == 1)
                {
                    throw new IllegalStateException("once");
                }
                return "second time";
            });

            final CollectorRegistry registry = new CollectorRegistry();
            new CircuitBreakerCollector(breakers::all).register(registry);
            new RateLimiterCollector(() -> List.of(limiter)).register(registry);
            new BulkheadCollector(() -> List.of(bulkhead)).register(registry);
            new RetryCollector(() -> List.of(retry)).register(registry);
            try (MetricsServer server = MetricsServer.start(0, registry))
            {
                String body = scrape(server);
                assertThat(body)
                    .contains("# TYPE ipc_circuit_breaker_calls_total counter")
                    .contains(CALLS + "orders\",shared=\"false\",kind=\"successful\",} 2.0")
                    .contains(CALLS + "orders\",shared=\"false\",kind=\"failed\",} 1.0")
                    .contains(CALLS + "orders\",shared=\"false\",kind=\"slow\",} 1.0")
                    .contains(CALLS + "payments\",shared=\"false\",kind=\"not_permitted\",} 2.0")
                    .contains(WINDOW + "orders\",shared=\"false\",kind=\"failed\",} 1.0")
                    .contains("ipc_circuit_breaker_state{name=\"payments\",shared=\"false\",} 1.0")
                    .contains("ipc_circuit_breaker_failure_rate{name=\"orders\",shared=\"false\",} -1.0")
                    .contains("ipc_rate_limiter_available_permissions{name=\"downstream\",shared=\"false\",} 7.0")
                    .contains("ipc_rate_limiter_waiting_threads{name=\"downstream\",shared=\"false\",} 0.0")
                    .contains("ipc_bulkhead_available_concurrent_calls{name=\"pool\",} 3.0")
                    .contains("ipc_bulkhead_max_allowed_concurrent_calls{name=\"pool\",} 4.0")
                    .contains("# TYPE ipc_retry_calls_total counter")
                    .contains("ipc_retry_calls_total{name=\"flaky\",kind=\"successful_without_retry\",} 1.0")
                    .contains("ipc_retry_calls_total{name=\"flaky\",kind=\"successful_with_retry\",} 1.0")
                    .contains("ipc_retry_calls_total{name=\"flaky\",kind=\"failed_with_retry\",} 0.0");
                lint(body);

                orders.reset();
                orders.onSuccess(1, TimeUnit.MILLISECONDS);
                body = scrape(server);
                assertThat(body)
                    .as("a reset empties the window, never the counters")
                    .contains(CALLS + "orders\",shared=\"false\",kind=\"successful\",} 3.0")
                    .contains(WINDOW + "orders\",shared=\"false\",kind=\"successful\",} 1.0");
            }
        }
    }

    private static String scrape(final MetricsServer server) throws Exception
    {
        final HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + MetricsServer.METRICS_PATH))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private void lint(final String body) throws Exception
    {
        final Path promtool = MetricsEndpointProcessTest.findPromtool();
        Assumptions.assumeTrue(promtool != null,
            "promtool is not installed (Debian package 'prometheus'; .ci/run installs it): exposition not linted");
        final Path exposition = Files.writeString(tempDir.resolve("metrics.txt"), body);
        final Process lint = new ProcessBuilder(promtool.toString(), "check", "metrics")
            .redirectInput(exposition.toFile())
            .redirectErrorStream(true)
            .start();
        final String lintOutput = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(lint.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(lint.exitValue()).as("promtool check metrics said:%n%s", lintOutput).isZero();
    }
}
