package io.ipcgateway.shm.notify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts a test main class in another JVM (the current {@code java} binary and class path, plus the flags every
 * IPC Gateway process needs), and collects its one-line {@code key=value} result. Always destroy it in a
 * {@code finally}: {@link #close()} kills the process if it is still alive.
 */
final class ChildJvm implements AutoCloseable
{
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private ChildJvm(final Process process, final Path stdout, final Path stderr)
    {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static ChildJvm start(final Path dir, final List<String> jvmFlags, final Class<?> main, final String... args)
        throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-opens");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        final String name = main.getSimpleName() + '-' + System.nanoTime();
        final Path out = dir.resolve(name + ".out");
        final Path err = dir.resolve(name + ".err");
        final Process process = new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
        return new ChildJvm(process, out, err);
    }

    boolean isAlive()
    {
        return process.isAlive();
    }

    /**
     * Waits for the child to exit and parses the last line of its standard output.
     *
     * @param timeoutSeconds hard limit; the child is killed when it is exceeded.
     * @return the {@code key=value} pairs of its result line.
     */
    Map<String, String> awaitResult(final long timeoutSeconds) throws IOException, InterruptedException
    {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
        {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("child JVM did not finish within " + timeoutSeconds + " s: " + diagnostics());
        }
        if (process.exitValue() != 0)
        {
            throw new AssertionError("child JVM failed: exit=" + process.exitValue() + ", " + diagnostics());
        }
        final List<String> lines = Files.readAllLines(stdout, StandardCharsets.UTF_8);
        if (lines.isEmpty())
        {
            throw new AssertionError("child JVM printed no result: " + diagnostics());
        }
        final Map<String, String> result = new HashMap<>();
        for (final String pair : lines.get(lines.size() - 1).split(" "))
        {
            final int eq = pair.indexOf('=');
            if (eq > 0)
            {
                result.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        result.put("line", lines.get(lines.size() - 1));
        return result;
    }

    String diagnostics()
    {
        try
        {
            return "stdout=" + Files.readString(stdout) + ", stderr=" + Files.readString(stderr);
        }
        catch (final IOException ex)
        {
            return "output unreadable: " + ex;
        }
    }

    @Override
    public void close()
    {
        if (process.isAlive())
        {
            process.destroyForcibly();
            try
            {
                process.waitFor(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
