package io.ipcgateway.examples.gateway;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15's bad input at start, as a user meets it: the gateway JVM ({@code bin/ipc gateway}'s main) exits non-zero
 * with a message naming what is wrong. GatewayResilienceIT covers the same errors in one JVM (and an invalid subject
 * and an oversize payload on a running gateway); this checks the process's exit code and output.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GatewayBadInputFaultIT
{
    @TempDir
    Path tempDir;

    @Test
    void shouldExitWithUsageNamingTheKeyWhenAValueInTheConfigFileHasTheWrongType() throws Exception
    {
        final Path config = tempDir.resolve("bad.yml");
        Files.writeString(config, "service: gw-bad-type\nnats:\n  poolSize: many\n");
        try (GatewayChild gateway = GatewayChild.start("gateway-bad-type", GatewayMain.class,
            List.of("--config", config.toString()), "READY"))
        {
            assertThat(gateway.awaitExit(GatewayFaultRig.WAIT_SECONDS)).as(gateway.output()).isTrue();
            assertThat(gateway.exitCode()).as(gateway.output()).isEqualTo(2);
            assertThat(gateway.output()).contains("nats.poolSize").contains("bad.yml").doesNotContain("READY");
        }
    }

    @Test
    void shouldExitNonZeroNamingTheUrlWhenNatsIsUnreachableOnStart() throws Exception
    {
        final int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            port = socket.getLocalPort();
        }
        final Path shmDir = Files.createTempDirectory(Path.of("/dev/shm"), "ipc-gw-bad-");
        try
        {
            final Path config = tempDir.resolve("unreachable.yml");
            Files.writeString(config, "service: gw-unreachable\ndirectory: " + shmDir + "\nnats:\n  url: " +
                "nats://127.0.0.1:" + port + "\n  connectTimeout: 500ms\n");
            try (GatewayChild gateway = GatewayChild.start("gateway-unreachable", GatewayMain.class,
                List.of("--config", config.toString()), "READY"))
            {
                assertThat(gateway.awaitExit(GatewayFaultRig.WAIT_SECONDS)).as(gateway.output()).isTrue();
                assertThat(gateway.exitCode()).as(gateway.output()).isEqualTo(1);
                assertThat(gateway.output()).contains("nats.url=nats://127.0.0.1:" + port).doesNotContain("READY");
            }
            assertThat(shmDir.resolve("gw-unreachable")).doesNotExist();
        }
        finally
        {
            GatewayFaultRig.deleteRecursively(shmDir);
        }
    }
}
