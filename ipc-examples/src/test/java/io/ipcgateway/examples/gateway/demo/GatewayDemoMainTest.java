package io.ipcgateway.examples.gateway.demo;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.ipcgateway.examples.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayDemoMainTest
{
    @TempDir
    Path dir;

    @Test
    void shouldFailWithAClearMessageAndStartNothingWhenTheNatsServerBinaryIsMissing()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = GatewayDemoMain.run(new String[] {"--nats-server", dir.resolve("nats-server").toString(),
            "--dir", dir.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(ExitCode.FAILED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--nats-server " + dir.resolve("nats-server") +
            " is not an executable file");
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("[1/5]");
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void shouldExitWithUsageOnAnUnknownOptionOrNoRequests()
    {
        final PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThat(GatewayDemoMain.run(new String[] {"--bogus"}, quiet, quiet)).isEqualTo(ExitCode.USAGE);
        assertThat(GatewayDemoMain.run(new String[] {"--requests", "0"}, quiet, quiet)).isEqualTo(ExitCode.USAGE);
    }
}
