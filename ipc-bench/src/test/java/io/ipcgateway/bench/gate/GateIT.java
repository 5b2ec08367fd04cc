package io.ipcgateway.bench.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.bench.load.ChildProcess;
import io.ipcgateway.bench.transport.InjectedDelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The gate as CI runs it, a real harness process with its server and client JVMs, with a regression injected into
 * our transport's path in the harness: it must fail, and name each workload that fell below its margin.
 */
class GateIT
{
    /** 1 ms per message: far below every margin, whatever the machine's noise does to the sockets' figures. */
    private static final long DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void shouldFailNamingEveryWorkloadWhenAPerMessageDelayIsInjectedIntoOurTransport() throws Exception
    {
        final List<String> command = new ArrayList<>(List.of(ChildProcess.javaBinary()));
        command.addAll(ChildProcess.JVM_FLAGS);
        command.addAll(List.of("-D" + InjectedDelay.PROPERTY + "=" + DELAY_NANOS,
            "-cp", System.getProperty("java.class.path"), "io.ipcgateway.bench.BenchMain",
            "gate", "--attempts", "1", "--warmup", "300ms", "--duration", "1s"));
        final Process gate = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();

        final String output = new String(gate.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(gate.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(gate.exitValue()).as(output).isEqualTo(1);
        assertThat(output).contains("INJECTED DELAY of " + DELAY_NANOS + " ns")
            .containsPattern("oneway-32B-1p +msgs/s .* FAIL")
            .containsPattern("rr-32c +msgs/s .* FAIL")
            .containsPattern("pingpong-block +p50 us .* FAIL")
            .contains("perf gate FAILED")
            .contains("oneway-32B-1p (msgs/s)", "rr-32c (msgs/s)", "pingpong-block (p50 us)");
    }
}
