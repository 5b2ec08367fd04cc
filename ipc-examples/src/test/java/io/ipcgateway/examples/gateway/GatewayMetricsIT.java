package io.ipcgateway.examples.gateway;

import java.io.File;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ipcgateway.examples.nats.NatsServerProcess;
import io.ipcgateway.shm.ClientContext;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gateway's {@code /metrics} and {@code /health} scraped over HTTP from a real gateway JVM ({@link GatewayMain}
 * with {@code metrics.enabled}) in front of a real nats-server, with a jnats responder and a local
 * {@link GatewayClient} in this JVM: the families and values after known traffic (linted by promtool when it is
 * installed), then /health going DEGRADED and DOWN while nats-server is killed, and UP again once it is back.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GatewayMetricsIT
{
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SERVICE = "gw-metrics-" + ProcessHandle.current().pid();
    private static final int REQUESTS = 20;
    private static final int PUBLISHES = 30;

    @TempDir
    Path tempDir;

    private Path shmDir;
    private NatsServerProcess nats;
    private Connection responder;
    private GatewayChild gateway;
    private GatewayClient client;
    private String metricsUrl;

    @BeforeEach
    void start() throws Exception
    {
        shmDir = Files.createTempDirectory(Path.of("/dev/shm"), "ipc-gw-metrics-");
        nats = NatsServerProcess.start(tempDir.resolve("nats"));
        responder = Nats.connect(nats.url());
        final Dispatcher dispatcher = responder.createDispatcher(message -> responder.publish(message.getReplyTo(),
            ("echo:" + new String(message.getData(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
        dispatcher.subscribe("svc.echo");
        responder.flush(Duration.ofSeconds(5));
        final Path config = tempDir.resolve("gateway.yml");
        Files.writeString(config, String.join("\n",
            "service: " + SERVICE,
            "directory: " + shmDir,
            "nats:",
            "  url: " + nats.url(),
            "  reconnectWait: 100ms",
            "downstreams:",
            "  - prefix: svc",
            "    breaker:",
            "      slidingWindowSize: 4",
            "      minimumNumberOfCalls: 4",
            "      waitInOpenState: 1s",
            "      probesInHalfOpen: 1",
            "metrics:",
            "  enabled: true",
            "  port: 0",
            ""));
        gateway = GatewayChild.start("gateway", GatewayMain.class, List.of("--config", config.toString()), "READY");
        assertThat(gateway.awaitMarker(60)).as(gateway.output()).isTrue();
        final Matcher url = Pattern.compile("METRICS url=(http://\\S+)").matcher(gateway.output());
        assertThat(url.find()).as(gateway.output()).isTrue();
        metricsUrl = url.group(1);
        client = GatewayClient.connect(new ClientContext().serviceName(SERVICE).baseDirectory(shmDir)
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(30)));
    }

    @AfterEach
    void stop() throws Exception
    {
        if (client != null)
        {
            client.close();
        }
        if (gateway != null)
        {
            gateway.close();
        }
        if (responder != null)
        {
            responder.close();
        }
        if (nats != null)
        {
            nats.close();
        }
        try (var files = Files.walk(shmDir))
        {
            for (final Path path : files.sorted(java.util.Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
    }

    @Test
    void shouldExportRequestsPublishesLatenciesBreakersAndNatsStateThatPromtoolAccepts() throws Exception
    {
        for (int i = 0; i < REQUESTS; i++)
        {
            assertThat(client.request("svc.echo", bytes("r" + i), Duration.ofSeconds(5))).asString()
                .isEqualTo("echo:r" + i);
        }
        for (int i = 0; i < PUBLISHES; i++)
        {
            assertThat(client.publish("events.tick", bytes("p" + i))).isEqualTo(GatewayStatus.OK);
        }
        assertThatThrownBy(() -> client.request("nobody.home", bytes("x"), Duration.ofSeconds(5)))
            .isInstanceOfSatisfying(GatewayException.class,
                ex -> assertThat(ex.status()).isEqualTo(GatewayStatus.NO_RESPONDERS));
        // One-way publishes are counted by the gateway's duty thread after the client returned: wait for the count.
        awaitMetric("ipc_gateway_operations_total{prefix=\"events\",operation=\"publish\",outcome=\"ok\",}",
            PUBLISHES);

        final HttpResponse<String> response = get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        final String body = response.body();
        assertThat(body)
            .contains("# TYPE ipc_gateway_operations_total counter")
            .contains("ipc_gateway_operations_total{prefix=\"svc\",operation=\"request\",outcome=\"ok\",} " +
                REQUESTS + ".0")
            .contains("ipc_gateway_operations_total{prefix=\"nobody\",operation=\"request\"," +
                "outcome=\"no_responders\",} 1.0")
            .contains("# TYPE ipc_gateway_local_leg_seconds histogram")
            .contains("# TYPE ipc_gateway_nats_leg_seconds histogram")
            .contains("ipc_gateway_nats_connected 1.0")
            .contains("ipc_gateway_nats_connection_state{state=\"CONNECTED\",} 1.0")
            .contains("ipc_gateway_nats_reconnects_total 0.0")
            .contains("ipc_gateway_spool_depth 0.0")
            .contains("ipc_gateway_spooled_total 0.0")
            .contains("ipc_gateway_spool_delivered_total 0.0")
            .contains("ipc_gateway_in_flight 0.0")
            .contains("ipc_gateway_breaker_open{downstream=\"svc\",} 0.0")
            .contains("ipc_gateway_health 0.0")
            .contains("ipc_circuit_breaker_state{name=\"gateway-svc\",shared=\"false\",} 0.0")
            .contains("# TYPE ipc_gateway_limiter_denials_total counter")
            .contains("ipc_connected_clients{service=\"" + SERVICE + "\",} 1.0");
        // Every request and the publishes have a local leg; the requests (and the failed one) a NATS leg.
        assertThat(sample(body, "ipc_gateway_local_leg_seconds_count")).isGreaterThanOrEqualTo(REQUESTS + 1);
        assertThat(sample(body, "ipc_gateway_nats_leg_seconds_count")).isGreaterThanOrEqualTo(REQUESTS);
        assertThat(sample(body, "ipc_gateway_local_leg_seconds_bucket{le=\"+Inf\",}"))
            .isEqualTo(sample(body, "ipc_gateway_local_leg_seconds_count"));

        final HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        final JsonNode report = JSON.readTree(health.body());
        assertThat(report.path("status").asText()).as(health.body()).isEqualTo("UP");
        assertThat(report.path("components").path("gateway").path("details").path("nats").asText())
            .isEqualTo("CONNECTED");
        assertThat(report.path("components").path("circuitBreaker:gateway-svc").path("status").asText())
            .isEqualTo("UP");
        assertThat(report.path("components").path("service:" + SERVICE).path("status").asText())
            .isEqualTo("UP");
        assertThat(get("/nothing").statusCode()).isEqualTo(404);
        lintWithPromtool(body);
    }

    @Test
    void shouldTurnHealthDegradedThenDownWhileNatsIsKilledAndUpWhenItReturns() throws Exception
    {
        assertThat(client.request("svc.echo", bytes("up"), Duration.ofSeconds(5))).asString().isEqualTo("echo:up");
        assertThat(healthStatus()).isEqualTo("UP");

        nats.kill();
        try
        {
            // NATS gone, breaker still closed: still serving (one-way publishes, local work), DEGRADED with 200.
            awaitHealth("DEGRADED", 200);
            assertThat(get("/metrics").body()).contains("ipc_gateway_nats_connected 0.0")
                .contains("ipc_gateway_health 1.0");
            // Failing requests open the svc breaker: NATS unreachable and a breaker open is DOWN with 503.
            for (int i = 0; i < 6; i++)
            {
                try
                {
                    client.request("svc.echo", bytes("down"), Duration.ofSeconds(2));
                }
                catch (final GatewayException expected)
                {
                    assertThat(expected.status()).isIn(GatewayStatus.NATS_UNAVAILABLE, GatewayStatus.BREAKER_OPEN,
                        GatewayStatus.NATS_TIMEOUT);
                }
            }
            awaitHealth("DOWN", 503);
            final JsonNode down = JSON.readTree(get("/health").body());
            assertThat(down.path("components").path("gateway").path("details").path("breaker:svc").asText())
                .isEqualTo("OPEN");
            assertThat(down.path("components").path("circuitBreaker:gateway-svc").path("status").asText())
                .isEqualTo("DEGRADED");
            final String metrics = get("/metrics").body();
            assertThat(metrics).contains("ipc_gateway_breaker_open{downstream=\"svc\",} 1.0")
                .contains("ipc_circuit_breaker_state{name=\"gateway-svc\",shared=\"false\",} 1.0")
                .contains("ipc_gateway_health 2.0");
            assertThat(sample(metrics, "ipc_gateway_nats_disconnects_total")).isPositive();
        }
        finally
        {
            nats.restart();
        }

        // Back: once reconnected, a successful probe closes the breaker and /health is UP again.
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!"UP".equals(healthStatus()))
        {
            assertThat(System.nanoTime() - deadline).as("UP again within 60 s").isNegative();
            try
            {
                client.request("svc.echo", bytes("back"), Duration.ofSeconds(2));
            }
            catch (final GatewayException notYet)
            {
                Thread.sleep(100);
            }
        }
        assertThat(sample(get("/metrics").body(), "ipc_gateway_nats_reconnects_total")).isPositive();
    }

    private String healthStatus() throws Exception
    {
        return JSON.readTree(get("/health").body()).path("status").asText();
    }

    private void awaitHealth(final String status, final int httpStatus) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        HttpResponse<String> response = get("/health");
        while (!status.equals(JSON.readTree(response.body()).path("status").asText()))
        {
            assertThat(System.nanoTime() - deadline).as("/health %s within 30 s, last: %s", status, response.body())
                .isNegative();
            Thread.sleep(50);
            response = get("/health");
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(httpStatus);
    }

    private void awaitMetric(final String series, final long atLeast) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (sample(get("/metrics").body(), series) < atLeast)
        {
            assertThat(System.nanoTime() - deadline).as("%s reaches %d within 30 s", series, atLeast).isNegative();
            Thread.sleep(50);
        }
    }

    private HttpResponse<String> get(final String path) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create(metricsUrl + path)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /** The value of one series (name and labels exactly as exposed), -1 when absent. */
    private static double sample(final String exposition, final String series)
    {
        for (final String line : exposition.split("\n"))
        {
            if (line.startsWith(series + " "))
            {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return -1;
    }

    private void lintWithPromtool(final String exposition) throws Exception
    {
        Path promtool = null;
        for (final String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        {
            final Path candidate = Path.of(dir, "promtool");
            if (Files.isExecutable(candidate))
            {
                promtool = candidate;
                break;
            }
        }
        // As ipc-metrics' tests: the last check, skipped where promtool is missing (.ci/run installs it).
        Assumptions.assumeTrue(promtool != null,
            "promtool is not installed (Debian package 'prometheus'; .ci/run installs it): exposition not linted");
        final Path file = Files.writeString(tempDir.resolve("metrics.txt"), exposition);
        final Process lint = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectInput(file.toFile())
            .redirectErrorStream(true).start();
        final String said = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(lint.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(lint.exitValue()).as("promtool check metrics said:%n%s", said).isZero();
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
