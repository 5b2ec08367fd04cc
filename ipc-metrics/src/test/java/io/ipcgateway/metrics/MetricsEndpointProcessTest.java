package io.ipcgateway.metrics;

import java.io.BufferedReader;
import java.io.File;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scrapes a real endpoint in another JVM over HTTP, as Prometheus and a load balancer's health check would.
 */
@Timeout(120)
class MetricsEndpointProcessTest
{
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path tempDir;

    @Test
    void shouldServePrometheusTextThatPromtoolAccepts() throws Exception
    {
        final Process process = startFixture("UP");
        try
        {
            final int port = readPort(process);
            final HttpResponse<String> response = get(port, "/metrics");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            final String body = response.body();
            assertThat(body)
                .contains("# TYPE ipc_request_duration_seconds histogram")
                .contains("ipc_request_duration_seconds_bucket{service=\"fixture\",le=\"5.0E-6\",} 90.0")
                .contains("ipc_request_duration_seconds_bucket{service=\"fixture\",le=\"+Inf\",} 100.0")
                .contains("ipc_request_duration_seconds_count{service=\"fixture\",} 100.0");

            final Path promtool = findPromtool();
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
        finally
        {
            stop(process);
        }
    }

    @Test
    void shouldAnswerHealthWith200WhileDegradedAnd503WhenDown() throws Exception
    {
        for (final String status : List.of("UP", "DEGRADED", "DOWN"))
        {
            final Process process = startFixture(status);
            try
            {
                final HttpResponse<String> response = get(readPort(process), "/health");

                assertThat(response.statusCode()).isEqualTo("DOWN".equals(status) ? 503 : 200);
                assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
                assertThat(response.body()).isEqualTo("{\"status\":\"" + status + "\",\"components\":{"
                    + "\"service:fixture\":{\"status\":\"" + status + "\",\"details\":{\"heartbeatAgeMs\":5}}}}");
            }
            finally
            {
                stop(process);
            }
        }
    }

    private Process startFixture(final String status) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-opens");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MetricsFixtureMain.class.getName());
        command.add(status);
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
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
                return Integer.parseInt(line.substring(5).trim());
            }
        }
        throw new AssertionError("fixture exited without printing its port, exit=" + process.waitFor());
    }

    private static HttpResponse<String> get(final int port, final String path) throws Exception
    {
        final HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void stop(final Process process) throws Exception
    {
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.SECONDS))
        {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    static Path findPromtool()
    {
        for (final String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        {
            final Path candidate = Paths.get(dir, "promtool");
            if (Files.isExecutable(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
