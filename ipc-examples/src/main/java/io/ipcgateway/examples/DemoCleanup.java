package io.ipcgateway.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Locale;

/**
 * The two steps of a demo's cleanup ({@code ipc demo}, {@code ipc gateway-demo}): stop the child JVMs still
 * running, then remove the working folder. A demo runs its cleanup once, under its own lock, from its main thread
 * or from its Ctrl-C shutdown hook, whichever comes first; anything else it started (nats-server) it stops between
 * the two steps.
 */
public final class DemoCleanup
{
    private DemoCleanup()
    {
    }

    /**
     * Stops every child still running, each with SIGTERM and then, after the grace time, SIGKILL, and empties the
     * list.
     *
     * @param children   the children the demo started and has not yet seen exit; the caller holds the demo's lock.
     * @param graceNanos how long each child may take to exit after SIGTERM.
     * @return whether no child is left running.
     */
    public static boolean stopChildren(final List<ChildJvm> children, final long graceNanos)
    {
        boolean ok = true;
        for (final ChildJvm child : children)
        {
            if (child.isAlive())
            {
                child.stop(graceNanos);
            }
            ok &= !child.isAlive();
        }
        children.clear();
        return ok;
    }

    /**
     * Removes the working folder and all in it; a file a child removed meanwhile is no error. A failure is printed,
     * not thrown: cleanup goes on and the demo reports it by its exit code.
     *
     * @param workDir the folder, or {@code null} when the demo failed before making it.
     * @param err     where a failure is printed.
     * @param command the command as the user typed it, to start the message with, e.g. {@code ipc demo}.
     * @return whether the folder is gone.
     */
    public static boolean removeWorkDir(final Path workDir, final PrintStream err, final String command)
    {
        try
        {
            deleteRecursively(workDir);
            return true;
        }
        catch (final IOException | UncheckedIOException ex)
        {
            err.printf(Locale.ROOT, "%s: could not remove %s: %s%n", command, workDir, CommandRunner.describe(ex));
            return false;
        }
    }

    private static void deleteRecursively(final Path dir) throws IOException
    {
        if (dir == null || !Files.exists(dir))
        {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>()
        {
            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException
            {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(final Path file, final IOException ex) throws IOException
            {
                if (ex instanceof NoSuchFileException)
                {
                    return FileVisitResult.CONTINUE;
                }
                throw ex;
            }

            @Override
            public FileVisitResult postVisitDirectory(final Path directory, final IOException ex) throws IOException
            {
                if (ex != null && !(ex instanceof NoSuchFileException))
                {
                    throw ex;
                }
                Files.deleteIfExists(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
