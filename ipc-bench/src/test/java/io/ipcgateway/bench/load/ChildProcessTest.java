package io.ipcgateway.bench.load;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ChildProcessTest
{
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldQuoteTheStandardErrorOfAChildThatDiedBeforeAnswering() throws Exception
    {
        try (ChildProcess child = ChildProcess.start("server", "child-server",
            List.of("--transport", "uds", "--dir", "/nonexistent/ipc-bench-test")))
        {
            assertThatThrownBy(() -> child.await("READY", TimeUnit.SECONDS.toNanos(20)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("server exited before printing READY (exit code 1)")
                .hasMessageContaining("/nonexistent/ipc-bench-test");
        }
    }
}
