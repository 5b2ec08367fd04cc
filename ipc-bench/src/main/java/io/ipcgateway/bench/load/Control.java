package io.ipcgateway.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The orchestrator's commands to a child JVM, read from its standard input by a daemon thread.
 * <p>
 * {@code GO <measureStartNs> <measureEndNs>} starts the load (warm-up runs until the start); {@code EXIT}, or the
 * end of the input when the orchestrator died, asks the child to close and leave. Times are
 * {@link System#nanoTime()} values, comparable between processes on Linux.
 */
final class Control
{
    /** The command that starts the load. */
    static final String GO = "GO";
    /** The command that ends the child. */
    static final String EXIT = "EXIT";

    private volatile boolean go;
    private volatile boolean exit;
    private volatile long measureStartNs;
    private volatile long measureEndNs;

    /**
     * Start reading commands from {@code input} on a daemon thread.
     *
     * @param input usually {@link System#in}.
     * @return the control.
     */
    static Control start(final InputStream input)
    {
        final Control control = new Control();
        final Thread reader = new Thread(() -> control.read(input), "bench-control");
        reader.setDaemon(true);
        reader.start();
        return control;
    }

    private void read(final InputStream input)
    {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                final String[] words = line.trim().split(" ");
                if (GO.equals(words[0]) && words.length == 3)
                {
                    measureStartNs = Long.parseLong(words[1]);
                    measureEndNs = Long.parseLong(words[2]);
                    go = true;
                }
                else if (EXIT.equals(words[0]))
                {
                    break;
                }
            }
        }
        catch (final IOException ex)
        {
            // The orchestrator is gone: treat it as EXIT below.
        }
        exit = true;
    }

    boolean go()
    {
        return go;
    }

    boolean exit()
    {
        return exit;
    }

    long measureStartNs()
    {
        return measureStartNs;
    }

    long measureEndNs()
    {
        return measureEndNs;
    }

    /**
     * Wait (sleeping) until GO or EXIT arrives.
     *
     * @return true on GO, false on EXIT.
     */
    boolean awaitGo()
    {
        while (!go && !exit)
        {
            sleepQuietly(1);
        }
        return go;
    }

    /**
     * Wait (sleeping) until EXIT arrives or the input ends.
     */
    void awaitExit()
    {
        while (!exit)
        {
            sleepQuietly(5);
        }
    }

    static void sleepQuietly(final long millis)
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
}
