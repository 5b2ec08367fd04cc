package io.ipcgateway.examples;

import java.nio.file.Files;
import java.nio.file.Path;
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
 * The quote example with real processes: a client JVM makes blocking, async and failing calls and receives the
 * pushes of a server JVM; the server is killed with SIGKILL and started again, the client reconnects by itself; the
 * second server is stopped with SIGTERM and leaves no folder, without a shutdown hook of its own.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class QuoteExampleIT
{
    private static final String SERVICE = "quotes";

    private Path dir;

    @BeforeEach
    void createDir() throws Exception
    {
        dir = ItFiles.newSharedMemoryDir("ipc-quotes-it-");
    }

    @AfterEach
    void deleteDir() throws Exception
    {
        ItFiles.deleteRecursively(dir);
    }

    @Test
    void shouldCallReceivePushesAndReconnectAcrossAServerRestart() throws Exception
    {
        final List<String> serverArgs = List.of("--service", SERVICE, "--dir", dir.toString(), "--tick-ms", "20");
        RunningMain server = RunningMain.start("quote-server", QuoteServerMain.class, serverArgs, "READY");
        RunningMain client = null;
        try
        {
            assertThat(server.awaitMarker(60, TimeUnit.SECONDS)).as(server.output()).isTrue();
            client = RunningMain.start("quote-client", QuoteClientMain.class, List.of("--service", SERVICE, "--dir",
                dir.toString(), "--duration-ms", "20000", "--interval-ms", "20"), "CONNECTED");
            assertThat(client.awaitMarker(60, TimeUnit.SECONDS)).as(client.output()).isTrue();
            client.awaitOutput("TICK ", 60, TimeUnit.SECONDS);
            client.awaitOutput("QUOTE AAPL ", 60, TimeUnit.SECONDS);
            assertThat(client.output())
                .containsPattern("QUOTE AAPL [0-9]+ ASYNC MSFT [0-9]+")
                .contains("ERROR NOPE status=404 message=unknown symbol: NOPE");

            ProcessHandle.of(server.pid()).orElseThrow().destroyForcibly();
            assertThat(server.awaitExit(30, TimeUnit.SECONDS)).isTrue();
            server.close();
            server = RunningMain.start("quote-server-2", QuoteServerMain.class, serverArgs, "READY");
            assertThat(server.awaitMarker(60, TimeUnit.SECONDS)).as(server.output()).isTrue();
            client.awaitOutput("RECONNECTED", 60, TimeUnit.SECONDS);

            assertThat(client.awaitExit(60, TimeUnit.SECONDS)).as(client.output()).isTrue();
            assertThat(client.exitCode()).as(client.output()).isZero();
            final Matcher summary = Pattern.compile(
                "SUMMARY ok=([0-9]+) failed=([0-9]+) errorStatuses=([0-9]+) ticks=([0-9]+) reconnects=([0-9]+)")
                .matcher(client.output());
            assertThat(summary.find()).as(client.output()).isTrue();
            final long ok = Long.parseLong(summary.group(1));
            assertThat(ok).isPositive();
            assertThat(Long.parseLong(summary.group(3))).as("every successful round had its error status")
                .isEqualTo(ok);
            assertThat(Long.parseLong(summary.group(4))).isPositive();
            assertThat(Long.parseLong(summary.group(5))).isGreaterThanOrEqualTo(1);

            assertThat(server.stop()).as("stopped by SIGTERM; output:%n%s", server.output()).isTrue();
            assertThat(Files.exists(dir.resolve(SERVICE))).as("service folder after SIGTERM").isFalse();
        }
        finally
        {
            server.close();
            if (client != null)
            {
                client.close();
            }
        }
    }
}
