package io.ipcgateway.examples.gateway;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.examples.ChildJvm;

/**
 * A main of the gateway's tests running in its own JVM, with its output kept for assertions and echoed to the test's
 * output.
 */
final class GatewayChild implements AutoCloseable
{
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final ChildJvm child;

    private GatewayChild(final String label, final Class<?> mainClass, final List<String> args, final String marker)
    {
        final OutputStream tee = new OutputStream()
        {
            @Override
            public void write(final int b)
            {
                synchronized (captured)
                {
                    captured.write(b);
                }
                System.out.write(b);
            }

            @Override
            public void write(final byte[] bytes, final int offset, final int length)
            {
                synchronized (captured)
                {
                    captured.write(bytes, offset, length);
                }
                System.out.write(bytes, offset, length);
            }
        };
        child = ChildJvm.start(label, mainClass, args, marker, new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    static GatewayChild start(final String label, final Class<?> mainClass, final List<String> args,
        final String marker)
    {
        return new GatewayChild(label, mainClass, args, marker);
    }

    boolean awaitMarker(final long seconds) throws InterruptedException
    {
        return child.awaitReady(TimeUnit.SECONDS.toNanos(seconds));
    }

    boolean awaitExit(final long seconds) throws InterruptedException
    {
        return child.awaitExit(TimeUnit.SECONDS.toNanos(seconds));
    }

    int exitCode()
    {
        return child.exitCode();
    }

    long pid()
    {
        return child.pid();
    }

    boolean isAlive()
    {
        return child.isAlive();
    }

    boolean stop()
    {
        return child.stop(TimeUnit.SECONDS.toNanos(15));
    }

    String output()
    {
        synchronized (captured)
        {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    void awaitOutput(final String text, final long seconds) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!output().contains(text))
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("'" + text + "' not printed within " + seconds + " s; output:\n" + output());
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close()
    {
        child.stop(TimeUnit.SECONDS.toNanos(5));
    }
}
