package io.ipcgateway.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerConfig;
import io.ipcgateway.resilience.circuitbreaker.SharedCircuitBreaker;
import io.ipcgateway.resilience.shared.SharedStateOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class StatSharedStateTest
{
    @TempDir
    Path temp;

    @Test
    void shouldShowTheSharedBreakersOfAFolderAfterTheChannelsWithShared() throws Exception
    {
        final Path services = Files.createDirectory(temp.resolve("services"));
        final Path state = temp.resolve("state");
        try (SharedCircuitBreaker breaker = SharedCircuitBreaker.open("orders", CircuitBreakerConfig.ofDefaults(),
            SharedStateOptions.builder().baseDirectory(state).build()))
        {
            breaker.onSuccess(1, TimeUnit.MILLISECONDS);
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();

        final int code = StatMain.run(new String[] {"--dir", services.toString(), "--shared", state.toString(),
            "--once"}, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

        final String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as("stderr: %s", err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(text).contains("(no running services)").contains("shared resilience state: " + state);
        assertThat(text.lines()).as("1 call of a minimum of 100: no failure rate yet; opens at 50%")
            .anyMatch(line -> line.matches("orders +CLOSED +1 +0 +0 +100 +- +50\\.0 +1 +0 +0 +0 +- +"
                + ProcessHandle.current().pid()));
    }
}
