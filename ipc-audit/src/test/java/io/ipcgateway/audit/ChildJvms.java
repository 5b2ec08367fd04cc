package io.ipcgateway.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts the fault tests' child JVMs with the test classpath and the flags Agrona needs, and kills them.
 */
final class ChildJvms
{
    private ChildJvms()
    {
    }

    static Process start(final Class<?> mainClass, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-opens");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Xmx128m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    static BufferedReader stdout(final Process process)
    {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** SIGKILL (destroyForcibly is SIGKILL on Linux), then wait until the process is gone. */
    static void kill9(final Process process) throws InterruptedException
    {
        if (process != null && process.isAlive())
        {
            process.destroyForcibly();
            if (!process.waitFor(30, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("child " + process.pid() + " survived SIGKILL for 30 s");
            }
        }
    }
}
