package io.ipcgateway.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A main class run in a separate JVM with this JVM's {@code java} binary, class path and the flags IPC
 * Gateway needs; its output is forwarded line by line with a label, and it is stopped politely (SIGTERM,
 * so its shutdown hooks clean up) before forcibly.
 */
public final class ChildJvm implements AutoCloseable
{
    /** The JVM flags every IPC Gateway process needs: Agrona's access to JDK internals, and FFM for the futex. */
    public static final List<String> JVM_FLAGS = List.of(
        "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED");

    /** How long {@link #close()} lets the child run its shutdown hooks before killing it. */
    public static final long DEFAULT_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final String label;
    private final Process process;
    private final Thread forwarder;
    private final String readyMarker;
    private final CountDownLatch readyOrEnded = new CountDownLatch(1);
    private volatile boolean ready;

    private ChildJvm(final String label, final Process process, final String readyMarker, final PrintStream out)
    {
        this.label = label;
        this.process = process;
        this.readyMarker = readyMarker;
        this.forwarder = new Thread(() -> forward(out), "forward-" + label);
        this.forwarder.setDaemon(true);
        this.forwarder.start();
    }

    /**
     * The command that runs a main class in a new JVM like this one.
     *
     * @param mainClass the class whose {@code main} to run.
     * @param args      its arguments.
     * @return the command line, starting with the {@code java} binary.
     */
    public static List<String> command(final String mainClass, final List<String> args)
    {
        final List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(JVM_FLAGS);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /**
     * Starts a main class in a new JVM and forwards its output (standard error merged) to {@code out}, each
     * line prefixed by the label.
     *
     * @param label       a short name for the child, shown before each of its lines.
     * @param mainClass   the class whose {@code main} to run.
     * @param args        its arguments.
     * @param readyMarker text that, once seen in a line of output, makes {@link #awaitReady(long)} return
     *                    {@code true}; {@code null} for none.
     * @param out         where to forward the output.
     * @return the running child.
     * @throws UncheckedIOException when the JVM cannot be started.
     */
    public static ChildJvm start(
        final String label,
        final Class<?> mainClass,
        final List<String> args,
        final String readyMarker,
        final PrintStream out)
    {
        final ProcessBuilder builder = new ProcessBuilder(command(mainClass.getName(), args))
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        try
        {
            return new ChildJvm(label, builder.start(), readyMarker, out);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot start a JVM for " + label + ": command=" + builder.command(), ex);
        }
    }

    /**
     * Waits until the child prints a line containing the ready marker.
     *
     * @param timeoutNanos how long to wait.
     * @return {@code true} when the marker was seen; {@code false} on timeout or when the child's output
     *     ended (it exited) without it.
     * @throws InterruptedException when interrupted while waiting.
     */
    public boolean awaitReady(final long timeoutNanos) throws InterruptedException
    {
        readyOrEnded.await(timeoutNanos, TimeUnit.NANOSECONDS);
        return ready;
    }

    /**
     * Waits for the child to exit by itself and for its last output to be forwarded.
     *
     * @param timeoutNanos how long to wait.
     * @return {@code true} when it exited in time.
     * @throws InterruptedException when interrupted while waiting.
     */
    public boolean awaitExit(final long timeoutNanos) throws InterruptedException
    {
        if (!process.waitFor(timeoutNanos, TimeUnit.NANOSECONDS))
        {
            return false;
        }
        forwarder.join(TimeUnit.SECONDS.toMillis(2));
        return true;
    }

    /**
     * The child's exit code.
     *
     * @return the exit code.
     * @throws IllegalStateException when the child is still running.
     */
    public int exitCode()
    {
        return process.exitValue();
    }

    /**
     * Whether the child is still running.
     *
     * @return {@code true} while it runs.
     */
    public boolean isAlive()
    {
        return process.isAlive();
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
     * The label given at start.
     *
     * @return the label.
     */
    public String label()
    {
        return label;
    }

    /**
     * Stops the child: SIGTERM so its shutdown hooks run, then SIGKILL if it has not exited within the grace
     * period. Returns at once when the child has already exited.
     *
     * @param graceNanos how long to wait after SIGTERM.
     * @return {@code true} when it exited after SIGTERM, {@code false} when it had to be killed.
     */
    public boolean stop(final long graceNanos)
    {
        boolean polite = true;
        boolean interrupted = false;
        if (process.isAlive())
        {
            // Through the handle: Process.destroy() would also close our end of the pipe and lose the lines the
            // child prints while it shuts down.
            process.toHandle().destroy();
            try
            {
                polite = process.waitFor(graceNanos, TimeUnit.NANOSECONDS);
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
                polite = false;
            }
            if (!polite)
            {
                process.destroyForcibly();
            }
        }
        try
        {
            process.waitFor(graceNanos, TimeUnit.NANOSECONDS);
            forwarder.join(TimeUnit.SECONDS.toMillis(2));
        }
        catch (final InterruptedException ex)
        {
            interrupted = true;
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
        return polite;
    }

    /**
     * Stops the child with the {@linkplain #DEFAULT_GRACE_NANOS default grace period}.
     */
    @Override
    public void close()
    {
        stop(DEFAULT_GRACE_NANOS);
    }

    private void forward(final PrintStream out)
    {
        final String prefix = "  " + label + " | ";
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                out.println(prefix + line);
                if (!ready && readyMarker != null && line.contains(readyMarker))
                {
                    ready = true;
                    readyOrEnded.countDown();
                }
            }
        }
        catch (final IOException ex)
        {
            // The pipe closes when the child is killed; nothing more to forward.
        }
        finally
        {
            readyOrEnded.countDown();
        }
    }

    private static String javaBinary()
    {
        return ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
