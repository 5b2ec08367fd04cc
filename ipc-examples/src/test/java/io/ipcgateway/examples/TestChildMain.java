package io.ipcgateway.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A child JVM for {@link ChildJvmTest}: {@code ready FILE} prints READY, writes FILE from its shutdown hook and
 * waits to be terminated; {@code stubborn} prints READY and never lets its shutdown hook finish; {@code exit N}
 * prints a line and exits with code N.
 */
public final class TestChildMain
{
    private TestChildMain()
    {
    }

    /**
     * Runs the behaviour named by the first argument.
     *
     * @param args the behaviour and its argument.
     * @throws InterruptedException never in practice: the process is terminated while it sleeps.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        switch (args[0])
        {
            case "ready" ->
            {
                final Path marker = Path.of(args[1]);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> write(marker)));
                System.out.println("child READY to be stopped");
                Thread.sleep(Long.MAX_VALUE);
            }
            case "stubborn" ->
            {
                Runtime.getRuntime().addShutdownHook(new Thread(TestChildMain::sleepForever));
                System.out.println("READY but stubborn");
                Thread.sleep(Long.MAX_VALUE);
            }
            default ->
            {
                System.err.println("exiting with " + args[1]);
                System.exit(Integer.parseInt(args[1]));
            }
        }
    }

    private static void write(final Path marker)
    {
        try
        {
            Files.writeString(marker, "hook ran");
            System.out.println("shutdown hook ran");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void sleepForever()
    {
        try
        {
            Thread.sleep(Long.MAX_VALUE);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
