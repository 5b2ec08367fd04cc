package io.ipcgateway.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted for one test: a real filesystem that really fills up. Needs root (mount); without it the
 * test is skipped with a message saying so, or fails when {@code -Dipc.test.requireRoot=true} (CI runs as root and
 * must not skip these silently).
 */
final class TmpfsMount implements AutoCloseable
{
    /** System property that turns a skip for want of root into a failure. */
    static final String REQUIRE_ROOT_PROPERTY = "ipc.test.requireRoot";

    private final Path mountPoint;

    private TmpfsMount(final Path mountPoint)
    {
        this.mountPoint = mountPoint;
    }

    /**
     * Mounts a tmpfs of {@code sizeBytes} at a new folder {@code mountPoint}, or skips the test.
     */
    static TmpfsMount mountOrSkip(final Path mountPoint, final long sizeBytes) throws IOException, InterruptedException
    {
        final boolean requireRoot = Boolean.getBoolean(REQUIRE_ROOT_PROPERTY);
        final String uid = run(List.of("id", "-u")).trim();
        if (!"0".equals(uid))
        {
            final String message = "needs root to mount a tmpfs (running as uid " + uid + "): run as root to test a"
                + " full disk";
            if (requireRoot)
            {
                throw new AssertionError(message + "; -D" + REQUIRE_ROOT_PROPERTY + "=true forbids skipping");
            }
            Assumptions.abort(message);
        }
        Files.createDirectories(mountPoint);
        final Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + sizeBytes + ",mode=0700",
            "tmpfs", mountPoint.toString()).redirectErrorStream(true).start();
        final String output = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!mount.waitFor(30, TimeUnit.SECONDS) || mount.exitValue() != 0)
        {
            final String message = "root, but cannot mount a tmpfs at " + mountPoint + " (a container without "
                + "CAP_SYS_ADMIN?): " + output.trim();
            if (requireRoot)
            {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
        return new TmpfsMount(mountPoint);
    }

    Path path()
    {
        return mountPoint;
    }

    /** Unmounts (lazily if still busy), so a failed test never leaves a mount behind. */
    @Override
    public void close() throws IOException
    {
        final String output = run(List.of("umount", mountPoint.toString()));
        if (isMounted())
        {
            run(List.of("umount", "-l", mountPoint.toString()));
            if (isMounted())
            {
                throw new IllegalStateException("could not unmount " + mountPoint + ": " + output);
            }
        }
    }

    private boolean isMounted() throws IOException
    {
        return Files.readAllLines(Path.of("/proc/self/mounts")).stream()
            .anyMatch(line -> line.split(" ")[1].equals(mountPoint.toString()));
    }

    private static String run(final List<String> command) throws IOException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try
        {
            process.waitFor(30, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return output;
    }
}
