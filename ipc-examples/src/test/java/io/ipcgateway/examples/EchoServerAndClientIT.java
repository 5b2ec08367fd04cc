package io.ipcgateway.examples;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EchoServerAndClientIT
{
    private static final String SERVICE = "echo-it";

    private Path dir;
    private RunningMain server;

    @BeforeEach
    void startServer() throws Exception
    {
        dir = ItFiles.newSharedMemoryDir("ipc-examples-it-");
        server = RunningMain.start("server", EchoServerMain.class,
            List.of("--service", SERVICE, "--dir", dir.toString()), "READY");
        assertThat(server.awaitMarker(30, TimeUnit.SECONDS)).as("server READY; output:%n%s", server.output()).isTrue();
    }

    @AfterEach
    void stopServer() throws Exception
    {
        try
        {
            if (server != null)
            {
                server.close();
            }
        }
        finally
        {
            ItFiles.deleteRecursively(dir);
        }
    }

    @Test
    void shouldConfirmEveryRequestOfSeveralClients() throws Exception
    {
        final Map<String, Object> figures = runClient("rr", 4, 20_000, 64);

        assertThat(figures)
            .containsEntry("mode", "rr")
            .containsEntry("clients", 4L)
            .containsEntry("messageSize", 64L)
            .containsEntry("messagesSent", 20_000L)
            .containsEntry("messagesConfirmed", 20_000L)
            .containsEntry("messagesMissing", 0L)
            .containsEntry("complete", true)
            .containsEntry("latencySamples", 20_000L);
        assertThat((Long)figures.get("slowestClientCompletions")).isPositive();
    }

    @Test
    void shouldCountEveryOneWayMessageOfSeveralClients() throws Exception
    {
        final Map<String, Object> figures = runClient("oneway", 3, 30_000, 100);

        assertThat(figures)
            .containsEntry("mode", "oneway")
            .containsEntry("clients", 3L)
            .containsEntry("messagesSent", 30_000L)
            .containsEntry("messagesConfirmed", 30_000L)
            .containsEntry("messagesMissing", 0L)
            .containsEntry("complete", true);
    }

    @Test
    void shouldEchoMessagesLargerThanTheClientRing() throws Exception
    {
        final Map<String, Object> figures = runClient("rr", 2, 40, 256 * 1024);

        assertThat(figures)
            .containsEntry("messagesSent", 40L)
            .containsEntry("messagesConfirmed", 40L)
            .containsEntry("complete", true);
    }

    @Test
    void shouldRemoveTheServiceFilesWhenTheServerIsTerminated() throws Exception
    {
        runClient("rr", 1, 100, 8);

        assertThat(server.stop()).as("exited after SIGTERM; output:%n%s", server.output()).isTrue();

        assertThat(ItFiles.contents(dir)).isEmpty();
        assertThat(server.output())
            .contains("READY service=" + SERVICE)
            .contains("client connected", "client disconnected")
            .containsPattern("stopped: sessions=1 oneWayMessages=0 requests=100 responsesDropped=0; service folder .*"
                + " removed");
    }

    @Test
    void shouldDisconnectCleanlyAndReportWhenTheClientIsTerminated() throws Exception
    {
        try (RunningMain client = RunningMain.start("client", LoadClientMain.class, List.of(
            "--service", SERVICE, "--dir", dir.toString(), "--clients", "2", "--duration", "60s", "--mode", "rr"),
            "Connected to service"))
        {
            assertThat(client.awaitMarker(60, TimeUnit.SECONDS)).as("client connected; output:%n%s", client.output())
                .isTrue();
            Thread.sleep(500);

            assertThat(client.stop()).as("client exited after SIGTERM; output:%n%s", client.output()).isTrue();

            assertThat(client.output())
                .contains("0 missing")
                .contains("FAILED: interrupted by a signal (Ctrl-C or SIGTERM)");
        }
        try (Stream<Path> files = Files.list(dir.resolve(SERVICE)))
        {
            // Only the server's own files stay: its inbox and, since a futex consumer also listens on a socket
            // for producers without the futex, its wake socket; nothing of the terminated client is left.
            assertThat(files.map((p) -> p.getFileName().toString()).sorted())
                .containsExactly("server.ipc", "server.ipc.wake");
        }
    }

    private Map<String, Object> runClient(final String mode, final int clients, final long messages, final int size)
        throws Exception
    {
        final Path json = dir.resolve("figures-" + mode + ".json");
        try (RunningMain client = RunningMain.runToEnd("client", LoadClientMain.class, List.of(
            "--service", SERVICE, "--dir", dir.toString(), "--clients", Integer.toString(clients),
            "--messages", Long.toString(messages), "--size", Integer.toString(size), "--mode", mode,
            "--json", json.toString()), 120, TimeUnit.SECONDS))
        {
            assertThat(client.exitCode()).as("client exit code; output:%n%s", client.output()).isZero();
            assertThat(client.output()).contains("0 missing").contains("p99.9");
            return JsonFigures.parse(Files.readString(json));
        }
        finally
        {
            Files.deleteIfExists(json);
        }
    }
}
