package io.ipcgateway.examples;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.ipcgateway.examples.gateway.demo.GatewayDemoMain;
import io.ipcgateway.examples.nats.NatsServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/ipc gateway-demo} ({@link GatewayDemoMain}) run in its own JVM, as a user would: to its end (the table,
 * and no process, shared-memory file or folder left), and stopped with SIGTERM in the middle (Ctrl-C's cleanup).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class GatewayDemoIT
{
    private static final Pattern STARTED = Pattern.compile("(?:JVM|nats-server) started: pid (\\d+)");

    private Path dir;

    @BeforeEach
    void createDir() throws Exception
    {
        NatsServerProcess.requireInstalled();
        dir = ItFiles.newSharedMemoryDir("ipc-gwd-it-");
    }

    @AfterEach
    void deleteDir() throws Exception
    {
        ItFiles.deleteRecursively(dir);
    }

    @Test
    void shouldRunNatsGatewayResponderAndClientPrintTheTableAndLeaveNothingBehind() throws Exception
    {
        try (RunningMain demo = RunningMain.runToEnd("gateway-demo", GatewayDemoMain.class, List.of(
            "--dir", dir.toString(), "--requests", "200", "--publishes", "300"), 200, TimeUnit.SECONDS))
        {
            assertThat(demo.exitCode()).as("exit code; output:%n%s", demo.output()).isZero();
            assertThat(demo.output())
                .contains("[1/5]", "[2/5]", "[3/5]", "[4/5]", "[5/5]")
                .containsPattern("requests\\s+answered\\s+p50\\s+p99\\s+publishes\\s+received")
                .containsPattern("\\s+200\\s+200\\s+\\d+\\s+\\d+\\s+300\\s+300\\n")
                .contains("The gateway removed its shared-memory files")
                .contains("The gateway's /health said UP (HTTP 200")
                .contains("was removed.");
            final List<Long> pids = StartedPids.in(STARTED, demo.output());
            assertThat(pids).as("nats-server, gateway, responder and client").hasSize(4);
            StartedPids.assertGone(pids);
        }
        assertThat(ItFiles.contents(dir)).as("nothing left in %s", dir).isEmpty();
    }

    @Test
    void shouldStopEverythingAndRemoveItsFolderWhenStoppedInTheMiddle() throws Exception
    {
        try (RunningMain demo = RunningMain.start("gateway-demo", GatewayDemoMain.class, List.of(
            "--dir", dir.toString(), "--requests", "10000000", "--publishes", "10"), "SUBSCRIBED pattern"))
        {
            assertThat(demo.awaitMarker(120, TimeUnit.SECONDS)).as("the client ran; output:%n%s", demo.output())
                .isTrue();
            Thread.sleep(500);

            assertThat(demo.stop()).as("the demo exited after SIGTERM; output:%n%s", demo.output()).isTrue();

            assertThat(demo.output()).contains("Interrupted: stopping the child JVMs and nats-server")
                .contains("Cleanup done: nothing left running");
            final List<Long> pids = StartedPids.in(STARTED, demo.output());
            assertThat(pids).hasSize(4);
            StartedPids.assertGone(pids);
        }
        assertThat(ItFiles.contents(dir)).as("nothing left in %s", dir).isEmpty();
    }
}
