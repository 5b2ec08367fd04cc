package io.ipcgateway.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.bench.transport.InjectedDelay;

/**
 * A child JVM of a run (server or client JVM) started from the same java binary and class path as this one,
 * spoken to through its standard input and output. Its standard error is passed through to ours, and its last
 * lines are kept so that an error about the child can quote them.
 */
public final class ChildProcess implements AutoCloseable
{
    /** JVM flags every child gets: the ones our libraries need, and a small, quiet heap. */
    public static final List<String> JVM_FLAGS = List.of(
        "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--enable-native-access=ALL-UNNAMED",
        "-XX:+UseSerialGC", "-Xms64m", "-Xmx512m", "-XX:-UsePerfData");
    private static final String END_OF_OUTPUT = "\u0000EOF";
    private static final int ERROR_LINES_KEPT = 12;

    private final String name;
    private final Process process;
    private final Writer input;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Deque<String> lastErrorLines = new ArrayDeque<>();

    private ChildProcess(final String name, final Process process)
    {
        this.name = name;
        this.process = process;
        this.input = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        final Thread reader = new Thread(this::readOutput, "bench-out-" + name);
        reader.setDaemon(true);
        reader.start();
        final Thread errorReader = new Thread(this::readErrors, "bench-err-" + name);
        errorReader.setDaemon(true);
        errorReader.start();
    }

    /**
     * Start {@code BenchMain <role> <args>} in a new JVM.
     *
     * @param name for messages, e.g. {@code server}.
     * @param role the hidden subcommand, e.g. {@code child-server}.
     * @param args its options.
     * @return the started child.
     * @throws IOException when the JVM cannot be started.
     */
    public static ChildProcess start(final String name, final String role, final List<String> args)
        throws IOException
    {
        return start(name, role, args, List.of());
    }

    /**
     * Start {@code BenchMain <role> <args>} in a new JVM through a launcher, e.g. {@code taskset -c 0} (which
     * executes the JVM in its own process, so {@link #pid()} is the JVM's).
     *
     * @param name     for messages, e.g. {@code server}.
     * @param role     the hidden subcommand, e.g. {@code child-server}.
     * @param args     its options.
     * @param launcher the command and options placed before {@code java}, or empty.
     * @return the started child.
     * @throws IOException when the JVM cannot be started.
     */
    public static ChildProcess start(
        final String name, final String role, final List<String> args, final List<String> launcher)
        throws IOException
    {
        return start(name, role, args, launcher, javaBinary());
    }

    /**
     * Start {@code BenchMain <role> <args>} in a new JVM of a chosen java binary (for example another JDK, to mix
     * JDK versions between server and clients), with the same class path and flags.
     *
     * @param name     for messages, e.g. {@code server}.
     * @param role     the hidden subcommand, e.g. {@code child-server}.
     * @param args     its options.
     * @param launcher the command and options placed before {@code java}, or empty.
     * @param java     the java binary to run.
     * @return the started child.
     * @throws IOException when the JVM cannot be started.
     */
    public static ChildProcess start(
        final String name, final String role, final List<String> args, final List<String> launcher,
        final String java)
        throws IOException
    {
        return start(name, role, args, launcher, java, List.of(), System.getProperty("java.class.path"));
    }

    /**
     * Start {@code BenchMain <role> <args>} in a new JVM of a chosen java binary, with extra JVM flags and a class
     * path of its own (a transport that must not share its JVM with the others, see {@link ChildClassPath}).
     *
     * @param name      for messages, e.g. {@code server}.
     * @param role      the hidden subcommand, e.g. {@code child-server}.
     * @param args      its options.
     * @param launcher  the command and options placed before {@code java}, or empty.
     * @param java      the java binary to run.
     * @param jvmFlags  flags added after {@link #JVM_FLAGS}.
     * @param classPath the class path of the child.
     * @return the started child.
     * @throws IOException when the JVM cannot be started.
     */
    public static ChildProcess start(
        final String name, final String role, final List<String> args, final List<String> launcher,
        final String java, final List<String> jvmFlags, final String classPath)
        throws IOException
    {
        final List<String> command = new ArrayList<>(launcher);
        command.add(java);
        command.addAll(JVM_FLAGS);
        command.addAll(jvmFlags);
        final String delay = System.getProperty(InjectedDelay.PROPERTY);
        if (delay != null)
        {
            // The regression the gate's test injects must reach the JVMs that run the transport.
            command.add("-D" + InjectedDelay.PROPERTY + "=" + delay);
        }
        command.add("-cp");
        command.add(classPath);
        command.add("io.ipcgateway.bench.BenchMain");
        command.add(role);
        command.addAll(args);
        final Process process = new ProcessBuilder(command).start();
        return new ChildProcess(name, process);
    }

    /**
     * The java binary of this JVM.
     *
     * @return its path.
     */
    public static String javaBinary()
    {
        return ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private void readOutput()
    {
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                lines.add(line);
            }
        }
        catch (final IOException ex)
        {
            // The child is gone; the end marker below tells the waiting side.
        }
        lines.add(END_OF_OUTPUT);
    }

    private void readErrors()
    {
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                System.err.println("[" + name + "] " + line);
                synchronized (lastErrorLines)
                {
                    if (lastErrorLines.size() == ERROR_LINES_KEPT)
                    {
                        lastErrorLines.removeFirst();
                    }
                    lastErrorLines.addLast(line);
                }
            }
        }
        catch (final IOException ex)
        {
            // The child is gone.
        }
    }

    private String lastErrors()
    {
        synchronized (lastErrorLines)
        {
            return lastErrorLines.isEmpty() ? "" : "; its last standard error lines:\n  " +
                String.join("\n  ", lastErrorLines);
        }
    }

    /**
     * Wait for the next output line that starts with {@code prefix}, skipping others.
     *
     * @param prefix    the start of the line.
     * @param timeoutNs how long to wait in all.
     * @return the line.
     * @throws IllegalStateException naming the child when it exits or the time runs out first.
     * @throws InterruptedException  when interrupted.
     */
    public String await(final String prefix, final long timeoutNs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeoutNs;
        while (true)
        {
            final long remaining = deadline - System.nanoTime();
            final String line = lines.poll(Math.max(0, remaining), TimeUnit.NANOSECONDS);
            if (line == null)
            {
                throw new IllegalStateException(name + " did not print " + prefix + " within " +
                    TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms" + lastErrors());
            }
            if (END_OF_OUTPUT.equals(line))
            {
                lines.add(END_OF_OUTPUT);
                // Give the error reader a moment to take the dying child's last lines.
                sleepQuietly(100);
                throw new IllegalStateException(name + " exited before printing " + prefix + " (exit code " +
                    exitCodeOrUnknown() + ")" + lastErrors());
            }
            if (line.startsWith(prefix))
            {
                return line;
            }
        }
    }

    private static void sleepQuietly(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private String exitCodeOrUnknown()
    {
        try
        {
            return process.waitFor(1, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "unknown";
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /**
     * Send one command line to the child.
     *
     * @param line the command.
     */
    public void send(final String line)
    {
        try
        {
            input.write(line);
            input.write('\n');
            input.flush();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write to " + name + " (pid " + pid() + ")", ex);
        }
    }

    /**
     * The child's process id.
     *
     * @return the pid.
     */
    public long pid()
    {
        return process.pid();
    }

    /**
     * The child's name.
     *
     * @return the name given at start.
     */
    public String name()
    {
        return name;
    }

    /**
     * Ask the child to exit and wait for it; kill it when it does not leave in time.
     *
     * @param timeoutMs how long to wait before killing.
     * @return true when it exited by itself with code 0.
     */
    public boolean exit(final long timeoutMs)
    {
        try
        {
            if (process.isAlive())
            {
                send(Control.EXIT);
            }
        }
        catch (final UncheckedIOException ex)
        {
            // Its input is already closed: it is exiting or gone.
        }
        try
        {
            if (process.waitFor(timeoutMs, TimeUnit.MILLISECONDS))
            {
                return process.exitValue() == 0;
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        close();
        return false;
    }

    /**
     * Kill the child (and anything it started) if it is still running.
     */
    @Override
    public void close()
    {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try
        {
            process.waitFor(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
