package io.ipcgateway.metrics;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.resilience.shared.SharedStateObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Renders the shared state that another JVM wrote, from outside it, as {@code bin/ipc stat --shared DIR} does.
 */
@Timeout(120)
class SharedStateTableProcessTest
{
    @TempDir
    Path tempDir;

    @Test
    void shouldShowTheBreakersAndLimiterThatAnotherProcessUsesWithoutChangingThem() throws Exception
    {
        final Path dir = tempDir.resolve("state");
        final Process process = startFixture(dir);
        final String table;
        final byte[] breakerBefore;
        try
        {
            final BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).as("the fixture's first line").isEqualTo("READY");
            breakerBefore = Files.readAllBytes(dir.resolve("orders.breaker"));

            table = SharedStateTable.render(new SharedStateObserver(dir));

            assertThat(Files.readAllBytes(dir.resolve("orders.breaker"))).as("read-only").isEqualTo(breakerBefore);
        }
        finally
        {
            process.getOutputStream().close();
            if (!process.waitFor(20, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        final String pid = Long.toString(process.pid());
        assertThat(table).startsWith("shared resilience state: " + dir + "\n");
        assertThat(table.lines().filter(line -> line.startsWith("CIRCUIT_BREAKER"))).singleElement().asString()
            .containsPattern("STATE +CALLS +FAILED +SLOW +MIN +FAIL% +OPEN_AT% +SUCCESS_TOT +FAILED_TOT +SLOW_TOT"
                + " +REJECTED");
        assertThat(row(table, "orders"))
            .matches("orders +OPEN +4 +3 +0 +4 +75\\.0 +50\\.0 +1 +3 +0 +2 +(\\d+(\\.\\d+)?min|1h) +" + pid);
        assertThat(row(table, "payments")).as("2 calls, below the minimum of 4: no failure rate yet")
            .matches("payments +CLOSED +2 +0 +1 +4 +- +50\\.0 +2 +0 +1 +0 +- +" + pid);
        assertThat(row(table, "downstream")).matches("downstream +7 +10 +1h +5s +0 +" + pid);
        assertThat(table).doesNotContain("unreadable");

        assertThat(row(SharedStateTable.render(new SharedStateObserver(dir)), "downstream"))
            .as("the state outlives the process").matches("downstream +7 +10 +1h +5s +0 +" + pid);
    }

    @Test
    void shouldSayWhenAFolderHoldsNoSharedState()
    {
        assertThat(SharedStateTable.render(new SharedStateObserver(tempDir)))
            .isEqualTo("shared resilience state: " + tempDir + "\n(no shared circuit breakers or rate limiters)\n");
    }

    private static String row(final String table, final String name)
    {
        return table.lines().filter(line -> line.startsWith(name + " ")).findFirst()
            .map(String::strip).orElseThrow(() -> new AssertionError("no row " + name + " in:\n" + table));
    }

    private static Process startFixture(final Path dir) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-opens");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SharedStateFixtureMain.class.getName());
        command.add(dir.toString());
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
