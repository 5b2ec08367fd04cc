package io.ipcgateway.resilience.shared;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM started with the test classpath and the flags Agrona needs, whose output lines are read by a daemon
 * thread so a test can wait for a line with a timeout. Always {@link #close()} it (kills it if still running).
 */
public final class ChildJvm implements AutoCloseable
{
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder log = new StringBuilder();

    private ChildJvm(final Process process)
    {
        this.process = process;
        final Thread pump = new Thread(() ->
        {
            try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = reader.readLine()) != null)
                {
                    synchronized (log)
                    {
                        log.append(line).append('\n');
                    }
                    lines.add(line);
                }
            }
            catch (final IOException ignore)
            {
                // The process ended.
            }
        }, "child-output-" + process.pid());
        pump.setDaemon(true);
        pump.start();
    }

    /**
     * Starts {@code mainClass} in a new JVM.
     *
     * @param mainClass the class with the main method.
     * @param args      its arguments.
     * @return the child.
     * @throws IOException when it cannot start.
     */
    public static ChildJvm start(final Class<?> mainClass, final String... args) throws IOException
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
        return new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /**
     * Waits for the next output line that starts with a prefix, skipping others.
     *
     * @param prefix    the prefix.
     * @param timeoutMs how long to wait.
     * @return the line.
     * @throws AssertionError with the child's output when no such line came in time.
     * @throws InterruptedException when interrupted.
     */
    public String await(final String prefix, final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true)
        {
            final long left = deadline - System.nanoTime();
            final String line = lines.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (line == null)
            {
                throw new AssertionError("no line starting with '" + prefix + "' from pid " + process.pid()
                    + " within " + timeoutMs + " ms; output:\n" + output());
            }
            if (line.startsWith(prefix))
            {
                return line;
            }
        }
    }

    /**
     * Writes a line to the child's standard input.
     *
     * @param line the line.
     * @throws IOException when the child is gone.
     */
    public void send(final String line) throws IOException
    {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /**
     * Everything the child printed so far.
     *
     * @return its output.
     */
    public String output()
    {
        synchronized (log)
        {
            return log.toString();
        }
    }

    /**
     * The child process.
     *
     * @return the process.
     */
    public Process process()
    {
        return process;
    }

    /**
     * Kills the child with SIGKILL (kill -9) and waits for it to end.
     *
     * @throws InterruptedException when interrupted.
     */
    public void kill9() throws InterruptedException
    {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close()
    {
        if (process.isAlive())
        {
            try
            {
                kill9();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
