package io.ipcgateway.metrics;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.ipcgateway.core.OfferResult;
import io.ipcgateway.shm.ClientContext;
import io.ipcgateway.shm.ShmClient;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An echo service with its metrics endpoint runs in another JVM; this test sends it known traffic through the
 * shared-memory transport, then scrapes {@code /metrics} and {@code /health} over HTTP and checks names, types,
 * labels and values against what was sent.
 */
@Timeout(120)
class ShmMetricsProcessTest
{
    private static final String SERVICE = "metered";
    private static final int ONE_WAY = 1_000;
    private static final int REQUESTS = 200;
    private static final int SIZE = 64;

    @TempDir
    Path dir;

    @Test
    void shouldExportWhatWasSentAndTheHealthOfServiceAndPeer() throws Exception
    {
        final Process server = new ProcessBuilder(
            Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"),
            ShmMetricsFixtureMain.class.getName(), dir.toString(), SERVICE)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        try
        {
            final int port = readPort(server);
            final String clientChannel;
            try (ShmClient client = ShmClient.connect(new ClientContext().serviceName(SERVICE).baseDirectory(dir)))
            {
                final String inbox = client.inboxFile().getFileName().toString();
                clientChannel = inbox.substring(0, inbox.length() - ".ipc".length());
                final UnsafeBuffer payload = new UnsafeBuffer(new byte[SIZE]);
                for (int i = 0; i < ONE_WAY; i++)
                {
                    while (client.offer(1, payload, 0, SIZE) == OfferResult.BACK_PRESSURED)
                    {
                        Thread.onSpinWait();
                    }
                }
                for (int i = 0; i < REQUESTS; i++)
                {
                    assertThat(client.request(2, payload, 0, SIZE, (t, b, o, l) -> { }, TimeUnit.SECONDS.toNanos(5)))
                        .isEqualTo(OfferResult.OK);
                }

                awaitMetric(port, "ipc_messages_received_total", "server", ONE_WAY + REQUESTS);
                // Senders publish their counts every 64 messages and at their periodic pass (the client watchdog's,
                // the server's heartbeat): within about a second.
                awaitMetric(port, "ipc_messages_sent_total", clientChannel, ONE_WAY + REQUESTS);
                final String metrics = awaitMetric(port, "ipc_messages_sent_total", "server", REQUESTS);
                assertThat(value(metrics, "ipc_messages_received_total", "server"))
                    .isEqualTo(ONE_WAY + REQUESTS);
                assertThat(value(metrics, "ipc_bytes_received_total", "server"))
                    .isEqualTo((double)(ONE_WAY + REQUESTS) * SIZE);
                assertThat(value(metrics, "ipc_messages_sent_total", clientChannel)).isEqualTo(ONE_WAY + REQUESTS);
                assertThat(value(metrics, "ipc_messages_received_total", clientChannel)).isEqualTo(REQUESTS);
                assertThat(value(metrics, "ipc_messages_sent_total", "server")).isEqualTo(REQUESTS);
                assertThat(value(metrics, "ipc_peer_alive", clientChannel)).isEqualTo(1.0);
                assertThat(value(metrics, "ipc_ring_occupancy_ratio", "server")).isBetween(0.0, 1.0);
                assertThat(metrics)
                    .contains("# TYPE ipc_messages_sent_total counter")
                    .contains("# TYPE ipc_backpressure_events_total counter")
                    .contains("# TYPE ipc_notifier_wakeups_total counter")
                    .containsPattern("ipc_notifier_info\\{service=\"" + SERVICE
                        + "\",channel=\"server\",kind=\"(FUTEX|UNIX_SOCKET)\",} 1\\.0")
                    .contains("# TYPE ipc_unblocked_slots_total counter")
                    .contains("# TYPE ipc_errors_total counter")
                    .contains("# TYPE ipc_ring_occupancy_bytes gauge")
                    .contains("# TYPE ipc_peer_heartbeat_age_seconds gauge")
                    .contains("# TYPE ipc_handler_duration_seconds histogram")
                    .contains("ipc_connected_clients{service=\"" + SERVICE + "\",} 1.0")
                    .contains("ipc_handler_duration_seconds_count{service=\"" + SERVICE + "\",} " + REQUESTS + ".0");
                lintWithPromtool(metrics);

                final HttpResponse<String> health = get(port, "/health");
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.body())
                    .startsWith("{\"status\":\"UP\"")
                    .contains("\"service:" + SERVICE + "\":{\"status\":\"UP\"")
                    .contains("\"peer:" + SERVICE + "/" + clientChannel + "\":{\"status\":\"UP\"")
                    .contains("\"clients\":1");
            }
        }
        finally
        {
            server.getOutputStream().close();
            if (!server.waitFor(20, TimeUnit.SECONDS))
            {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        assertThat(server.exitValue()).isZero();
    }

    @Test
    void shouldAnswer503WhenTheExpectedServiceIsNotRunning() throws Exception
    {
        try (MetricsServer metrics = MetricsServer.start(0, new io.prometheus.client.CollectorRegistry()))
        {
            metrics.addHealthSource(new ShmHealth(dir, List.of("absent")));
            final HttpResponse<String> health = get(metrics.port(), "/health");

            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("\"service:absent\":{\"status\":\"DOWN\"")
                .contains("the service is not running");
        }
    }

    private static String awaitMetric(final int port, final String name, final String channel, final double expected)
        throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String body = get(port, "/metrics").body();
        while (value(body, name, channel) < expected && System.nanoTime() < deadline)
        {
            Thread.sleep(20);
            body = get(port, "/metrics").body();
        }
        return body;
    }

    private static double value(final String metrics, final String name, final String channel)
    {
        final Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name)
            + "\\{service=\"" + SERVICE + "\",channel=\"" + Pattern.quote(channel) + "\",} (\\S+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private void lintWithPromtool(final String metrics) throws Exception
    {
        final Path promtool = MetricsEndpointProcessTest.findPromtool();
        Assumptions.assumeTrue(promtool != null,
            "promtool is not installed (Debian package 'prometheus'; .ci/run installs it): exposition not linted");
        final Path exposition = Files.writeString(dir.resolve("metrics.txt"), metrics);
        final Process lint = new ProcessBuilder(promtool.toString(), "check", "metrics")
            .redirectInput(exposition.toFile()).redirectErrorStream(true).start();
        final String output = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(lint.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(lint.exitValue()).as("promtool check metrics said:%n%s", output).isZero();
    }

    private static int readPort(final Process process) throws Exception
    {
        final BufferedReader out = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null)
        {
            if (line.startsWith("PORT "))
            {
                return Integer.parseInt(line.split(" ")[1]);
            }
        }
        throw new AssertionError("fixture exited without printing its port, exit=" + process.waitFor());
    }

    private static HttpResponse<String> get(final int port, final String path) throws Exception
    {
        return HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    }
}
