package io.ipcgateway.examples;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged examples jar runs with plain {@code java -jar} and no JVM flag: its manifest carries
 * {@code Add-Opens} (without it Agrona fails) and {@code Enable-Native-Access} (without it JDK 22+ warns about the
 * futex notifier's native calls), and its {@code Class-Path} the libraries in {@code lib/}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RunnableJarIT
{
    @Test
    void shouldRunWithPlainJavaJarWithoutFlagsOrWarnings() throws Exception
    {
        final Path jar = Paths.get(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(jar.toString()).as("failsafe runs against the packaged jar").endsWith(".jar");
        final Process process = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar", jar.toString(), "check")
            .redirectErrorStream(true)
            .start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).startsWith("JVM OK: java " + Runtime.version().feature())
            .doesNotContain("WARNING").doesNotContain("IllegalAccessError");
        if (Runtime.version().feature() >= 22)
        {
            assertThat(output).as("the futex notifier is usable").contains("notifier=futex");
        }
    }

    @Test
    void shouldListTheCommandsForHelpAndRefuseAnUnknownOne() throws Exception
    {
        final Path jar = Paths.get(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        final String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();

        final Process help = new ProcessBuilder(java, "-jar", jar.toString(), "--help").redirectErrorStream(true)
            .start();
        final String helpText = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(help.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(help.exitValue()).as(helpText).isZero();
        assertThat(helpText).startsWith("Usage: java -jar ipc-examples.jar COMMAND").contains("quote-client")
            .contains("check");

        final Process unknown = new ProcessBuilder(java, "-jar", jar.toString(), "frobnicate")
            .redirectErrorStream(true).start();
        final String unknownText = new String(unknown.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(unknown.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(unknown.exitValue()).as(unknownText).isEqualTo(ExitCode.USAGE);
        assertThat(unknownText).startsWith("unknown command 'frobnicate'");
    }
}
