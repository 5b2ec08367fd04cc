package io.ipcgateway.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class JvmAccessTest
{
    @Test
    void shouldPassWhenJvmHasAddOpens()
    {
        assertThatCode(JvmAccess::ensureAgronaAccess).doesNotThrowAnyException();
    }

    @Test
    void shouldNameTheFlagAndWhereToPutItWhenJvmLacksAddOpens() throws Exception
    {
        final String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        final Process process = new ProcessBuilder(
            java, "-cp", System.getProperty("java.class.path"), Probe.class.getName())
            .redirectErrorStream(true)
            .start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isEqualTo(3);
        assertThat(output)
            .contains(JvmAccessException.class.getSimpleName())
            .contains(JvmAccess.ADD_OPENS_FLAG)
            .contains("JAVA_TOOL_OPTIONS")
            .contains("argLine");
    }

    @Test
    void shouldThrowJvmAccessExceptionFromJvmCheckBeforeAnyAgronaBufferIsTouched() throws Exception
    {
        final String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        final Process process = new ProcessBuilder(
            java, "-cp", System.getProperty("java.class.path"), CheckFirst.class.getName())
            .redirectErrorStream(true)
            .start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isEqualTo(4);
        assertThat(output).startsWith(JvmAccessException.class.getName()).contains(JvmAccess.ADD_OPENS_FLAG);
    }

    @Test
    void shouldPassJvmCheckWhenJvmHasTheFlags()
    {
        assertThatCode(Jvm::check).doesNotThrowAnyException();
        assertThat(Jvm.REQUIRED_FLAGS).contains(JvmAccess.ADD_OPENS_FLAG).contains("--enable-native-access");
    }

    /** A user's main in a child JVM without the flag: checks first, then touches an Agrona buffer. */
    static final class CheckFirst
    {
        private CheckFirst()
        {
        }

        public static void main(final String[] args)
        {
            try
            {
                Jvm.check();
                new org.agrona.concurrent.UnsafeBuffer(new byte[8]).putLongVolatile(0, 1L);
                System.out.println("no error");
                System.exit(0);
            }
            catch (final JvmAccessException ex)
            {
                System.out.println(ex);
                System.exit(4);
            }
        }
    }

    /** Runs in a child JVM started without the flag. */
    static final class Probe
    {
        private Probe()
        {
        }

        public static void main(final String[] args)
        {
            try
            {
                JvmAccess.ensureAgronaAccess();
                System.out.println("no error");
                System.exit(0);
            }
            catch (final JvmAccessException ex)
            {
                System.out.println(ex);
                System.exit(3);
            }
        }
    }
}
