package io.ipcgateway.metrics;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.Codecs;
import io.ipcgateway.shm.ClientContext;
import io.ipcgateway.shm.ClientSession;
import io.ipcgateway.shm.ServerContext;
import io.ipcgateway.shm.ServerHandler;
import io.ipcgateway.shm.ShmClient;
import io.ipcgateway.shm.ShmObserver;
import io.ipcgateway.shm.ShmServer;
import io.prometheus.client.CollectorRegistry;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documented metrics setup observes only the named services: a stale service of another process under the same
 * base directory (a real server JVM killed with SIGKILL) neither turns {@code /health} into 503 nor is exported.
 * The one-call registration exports the standard histograms with the standard names and labels.
 */
@Timeout(120)
class StandardMetricsTest
{
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void shouldKeepHealthUpAndExportOnlyTheNamedServiceWhenAnotherServiceIsStale() throws Exception
    {
        killedServer("stale");
        final CollectorRegistry registry = new CollectorRegistry();
        final ServerContext context = new ServerContext().serviceName("quotes").baseDirectory(dir)
            .closeOnShutdown(false);
        try (ShmServer server = ShmServer.launch(context, StandardMetrics.server(registry, context, echo()));
            ShmClient client = ShmClient.connect(new ClientContext().serviceName("quotes").baseDirectory(dir));
            MetricsServer endpoint = StandardMetrics.serve(0, registry, dir, "quotes"))
        {
            final ShmClientMetrics clientMetrics = StandardMetrics.client(registry, client, "quotes", 1);
            for (int i = 0; i < 10; i++)
            {
                assertThat(clientMetrics.tryCall(1, "abc", Codecs.utf8(), Codecs.utf8(), Duration.ofSeconds(5))
                    .orThrow()).isEqualTo("abc");
            }

            final HttpResponse<String> health = get(endpoint.port(), "/health");
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            assertThat(health.body()).contains("\"service:quotes\":{\"status\":\"UP\"").doesNotContain("stale");

            final String metrics = get(endpoint.port(), "/metrics").body();
            assertThat(metrics)
                .contains("ipc_messages_received_total{service=\"quotes\",channel=\"server\",} 10.0")
                .doesNotContain("service=\"stale\"")
                .contains("ipc_handler_duration_seconds_count{service=\"quotes\",} 10.0")
                .containsPattern("ipc_request_duration_seconds_count\\{service=\"quotes\",channel=\"client-[0-9]+-"
                    + "[0-9]+\",} 10.0")
                .contains("ipc_inflight_requests{service=\"quotes\"");
            assertThat(server.sessionCount()).isEqualTo(1);
        }
    }

    @Test
    void shouldReportTheStaleServiceWhenObservingEveryServiceWhichIsWhyTheDocsNameTheService() throws Exception
    {
        killedServer("stale");
        final ShmHealth everything = new ShmHealth(new ShmObserver(dir), List.of(),
            ShmHealth.DEFAULT_STALE_AFTER_NS, ShmHealth.DEFAULT_OCCUPANCY_THRESHOLD);
        final ShmHealth named = new ShmHealth(dir, List.of("quotes"));

        assertThat(io.ipcgateway.metrics.HealthReport.of(everything.get()).httpStatus()).isEqualTo(503);
        assertThat(io.ipcgateway.metrics.HealthReport.of(named.get()).toJson())
            .contains("service:quotes").doesNotContain("stale");
    }

    private static ServerHandler echo()
    {
        return new ServerHandler()
        {
            @Override
            public void onRequest(final ClientSession session, final long correlationId, final int typeId,
                final DirectBuffer buffer, final int offset, final int length)
            {
                session.respond(correlationId, typeId, buffer, offset, length);
            }
        };
    }

    /** Starts a server in another JVM, waits until it serves, and kills it with SIGKILL: its folder stays, stale. */
    private void killedServer(final String service) throws Exception
    {
        final Process process = new ProcessBuilder(
            Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"),
            ShmMetricsFixtureMain.class.getName(), dir.toString(), service)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        try
        {
            final BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line;
            do
            {
                line = out.readLine();
            }
            while (line != null && !line.startsWith("PORT "));
            assertThat(line).as("the server printed its port").isNotNull();
        }
        finally
        {
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(dir.resolve(service).resolve("server.ipc")).exists();
    }

    private static HttpResponse<String> get(final int port, final String path) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
