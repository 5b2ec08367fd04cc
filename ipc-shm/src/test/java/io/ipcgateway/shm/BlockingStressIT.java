package io.ipcgateway.shm;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Millions of messages between two JVMs in BLOCK mode with no spinning before sleep (every empty poll sleeps on the
 * notifier) and a 60 s safety-net sleep: a lost wake-up would stall a request past its 30 s timeout or leave
 * one-way messages unread, so completing with exact counts shows the transport loses none.
 */
class BlockingStressIT
{
    private static final List<String> SLEEP_AT_ONCE = List.of(
        "-D" + ShmConfiguration.SPIN_BEFORE_SLEEP_PROP_NAME + "=0",
        "-D" + ShmConfiguration.MAX_SLEEP_PROP_NAME + "=60s");

    @TempDir
    Path dir;

    private Process server;
    private Process client;

    @AfterEach
    void cleanUp()
    {
        TestProcesses.destroy(client);
        TestProcesses.destroy(server);
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldLoseNoWakeUpOverMillionsOfMessages() throws Exception
    {
        final StringBuilder log = new StringBuilder();
        server = TestProcesses.start(TestProcesses.ServerMain.class, SLEEP_AT_ONCE,
            dir.toString(), "stress", Long.toString(64 * 1024), "BLOCK", Long.toString(1 << 20));
        assertThat(TestProcesses.awaitLine(server, "READY", log, 60_000)).as(log.toString()).isNotNull();

        final long messages = 2_000_000;
        final long requests = 100_000;
        client = TestProcesses.start(TestProcesses.ClientMain.class, SLEEP_AT_ONCE,
            dir.toString(), "stress", "1", "1", Long.toString(messages), Long.toString(requests), "16", "BLOCK",
            Long.toString(4 * 1024));
        final String result = TestProcesses.awaitLine(client, "CLIENT", log, 280_000);
        assertThat(result).as(log.toString()).startsWith("CLIENT OK");

        final OutputStream stdin = server.getOutputStream();
        stdin.write("stop\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        final String stats = TestProcesses.awaitLine(server, "STATS", log, 60_000);
        assertThat(stats).as(log.toString())
            .contains("messages=" + messages + " requests=" + requests)
            .contains("outOfOrder=0")
            .contains("errors=0");
    }
}
