package io.ipcgateway.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/ipc server --metrics-port} and {@code bin/ipc stat} against a real server JVM and real client JVMs.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ServerMetricsIT
{
    private static final String SERVICE = "metrics-it";

    private Path dir;
    private RunningMain server;
    private int port;

    @BeforeEach
    void startServer() throws Exception
    {
        dir = ItFiles.newSharedMemoryDir("ipc-examples-metrics-it-");
        server = RunningMain.start("server", EchoServerMain.class,
            List.of("--service", SERVICE, "--dir", dir.toString(), "--metrics-port", "0"), "READY");
        assertThat(server.awaitMarker(30, TimeUnit.SECONDS)).as("server READY; output:%n%s", server.output()).isTrue();
        final Matcher m = Pattern.compile("METRICS http://127\\.0\\.0\\.1:(\\d+)/metrics").matcher(server.output());
        assertThat(m.find()).as("METRICS line; output:%n%s", server.output()).isTrue();
        port = Integer.parseInt(m.group(1));
    }

    @AfterEach
    void stopServer() throws Exception
    {
        try
        {
            server.close();
        }
        finally
        {
            ItFiles.deleteRecursively(dir);
        }
    }

    @Test
    void shouldExportTheRequestsOfAClientRunAndStayHealthy() throws Exception
    {
        try (RunningMain client = RunningMain.runToEnd("client", LoadClientMain.class, List.of(
            "--service", SERVICE, "--dir", dir.toString(), "--clients", "2", "--messages", "3000",
            "--size", "32", "--mode", "rr"), 120, TimeUnit.SECONDS))
        {
            assertThat(client.exitCode()).as("client output:%n%s", client.output()).isZero();
        }

        // The server publishes what its sessions sent at every heartbeat and when a session closes: wait for it.
        final String sent = "ipc_messages_sent_total{service=\"" + SERVICE + "\",channel=\"server\",} 3000.0";
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String metrics = get("/metrics").body();
        while (!metrics.contains(sent) && System.nanoTime() < deadline)
        {
            Thread.sleep(20);
            metrics = get("/metrics").body();
        }
        assertThat(metrics)
            .contains("ipc_messages_received_total{service=\"" + SERVICE + "\",channel=\"server\",} 3000.0")
            .contains("ipc_bytes_received_total{service=\"" + SERVICE + "\",channel=\"server\",} 96000.0")
            .contains("ipc_messages_sent_total{service=\"" + SERVICE + "\",channel=\"server\",} 3000.0")
            .contains("ipc_handler_duration_seconds_count{service=\"" + SERVICE + "\",} 3000.0")
            .contains("ipc_connected_clients{service=\"" + SERVICE + "\",} 0.0")
            .contains("ipc_peer_alive{service=\"" + SERVICE + "\",channel=\"server\",} 1.0");

        final HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).startsWith("{\"status\":\"UP\"").contains("\"service:" + SERVICE + "\"");
    }

    @Test
    void shouldShowTheServiceInOneStatSnapshot()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = StatMain.run(new String[] {"--dir", dir.toString(), "--service", SERVICE, "--once"},
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        final String table = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as("stderr: %s", err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(table).contains("SERVICE").contains("HB_MS");
        assertThat(table.lines()).anyMatch(line -> line.startsWith(SERVICE) && line.contains(" server ")
            && line.contains(" " + server.pid() + " ") && line.contains(" yes "));
    }

    @Test
    void shouldRefuseAnInvalidStatIntervalWithUsage()
    {
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = StatMain.run(new String[] {"--interval", "never"},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--interval");
    }

    private HttpResponse<String> get(final String path) throws Exception
    {
        return HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    }
}
