package io.ipcgateway.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One of the applications' mains running in its own JVM for an end-to-end test, with its output (standard
 * error merged) kept for assertions and echoed to this JVM's output for the test report. Public and open for the
 * gateway tests' {@code GatewayChild}, which only adds waits in seconds.
 */
public class RunningMain implements AutoCloseable
{
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final ChildJvm child;

    protected RunningMain(final String label, final Class<?> mainClass, final List<String> args, final String marker)
    {
        final PrintStream tee = new PrintStream(
            new TeeOutputStream(captured, System.out), true, StandardCharsets.UTF_8);
        child = ChildJvm.start(label, mainClass, args, marker, tee);
    }

    static RunningMain start(final String label, final Class<?> mainClass, final List<String> args, final String marker)
    {
        return new RunningMain(label, mainClass, args, marker);
    }

    /**
     * Runs a main to its end and returns its exit code.
     */
    static RunningMain runToEnd(final String label, final Class<?> mainClass, final List<String> args,
        final long timeout, final TimeUnit unit) throws InterruptedException
    {
        final RunningMain main = new RunningMain(label, mainClass, args, null);
        if (!main.child.awaitExit(unit.toNanos(timeout)))
        {
            main.close();
            throw new AssertionError(label + " did not finish within " + timeout + " " + unit + "; output:\n"
                + main.output());
        }
        return main;
    }

    public boolean awaitMarker(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return child.awaitReady(unit.toNanos(timeout));
    }

    public boolean awaitExit(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return child.awaitExit(unit.toNanos(timeout));
    }

    public int exitCode()
    {
        return child.exitCode();
    }

    public long pid()
    {
        return child.pid();
    }

    public boolean isAlive()
    {
        return child.isAlive();
    }

    public boolean stop()
    {
        return child.stop(TimeUnit.SECONDS.toNanos(15));
    }

    public String output()
    {
        synchronized (captured)
        {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    /**
     * Waits until the output contains a text.
     *
     * @throws AssertionError when it does not within the timeout.
     */
    public void awaitOutput(final String text, final long timeout, final TimeUnit unit) throws InterruptedException
    {
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (!output().contains(text))
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("'" + text + "' not printed within " + timeout + " " + unit + "; output:\n"
                    + output());
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close()
    {
        child.stop(TimeUnit.SECONDS.toNanos(5));
    }

    private static final class TeeOutputStream extends java.io.OutputStream
    {
        private final ByteArrayOutputStream first;
        private final PrintStream second;

        TeeOutputStream(final ByteArrayOutputStream first, final PrintStream second)
        {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(final int b)
        {
            synchronized (first)
            {
                first.write(b);
            }
            second.write(b);
        }

        @Override
        public void write(final byte[] bytes, final int offset, final int length)
        {
            synchronized (first)
            {
                first.write(bytes, offset, length);
            }
            second.write(bytes, offset, length);
        }
    }
}
