package io.ipcgateway.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * What the harness reads about a process or a folder from {@code /proc} and the file system.
 */
public final class ProcessStats
{
    private ProcessStats()
    {
    }

    /**
     * The resident set size of a process, from {@code VmRSS} in {@code /proc/<pid>/status}.
     *
     * @param pid the process.
     * @return kibibytes resident, or -1 when not readable (process gone, not Linux).
     */
    public static long rssKb(final long pid)
    {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status")))
        {
            return lines
                .filter(line -> line.startsWith("VmRSS:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                .findFirst()
                .orElse(-1);
        }
        catch (final IOException | UncheckedIOException ex)
        {
            return -1;
        }
    }

    /**
     * The CPU time a process has used so far, in nanoseconds: the sum over its threads of the first field of
     * {@code /proc/<pid>/task/<tid>/schedstat} (nanosecond resolution), falling back to the JDK's tick-based
     * figure where schedstat is missing.
     * <p>
     * Threads that ended are not counted, so take both readings of an interval while the process is steady.
     *
     * @param pid the process.
     * @return nanoseconds of CPU, or -1 when not readable.
     */
    public static long cpuNs(final long pid)
    {
        final Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (Stream<Path> threads = Files.list(tasks))
        {
            return threads.mapToLong(ProcessStats::threadCpuNs).sum();
        }
        catch (final IOException | UncheckedIOException ex)
        {
            return ProcessHandle.of(pid)
                .flatMap(handle -> handle.info().totalCpuDuration())
                .map(Duration::toNanos)
                .orElse(-1L);
        }
    }

    private static long threadCpuNs(final Path task)
    {
        try
        {
            final String text = Files.readString(task.resolve("schedstat")).trim();
            return Long.parseLong(text.substring(0, text.indexOf(' ')));
        }
        catch (final IOException | RuntimeException ex)
        {
            // The thread ended between listing and reading.
            return 0;
        }
    }

    /**
     * The bytes of regular files under a folder (their length, i.e. the shared memory they map), skipping sockets
     * and other special files.
     *
     * @param dir the folder; may be missing.
     * @return the total length.
     */
    public static long fileBytes(final Path dir)
    {
        if (!Files.isDirectory(dir))
        {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir))
        {
            return files.filter(Files::isRegularFile).mapToLong(ProcessStats::sizeOrZero).sum();
        }
        catch (final IOException | UncheckedIOException ex)
        {
            return -1;
        }
    }

    private static long sizeOrZero(final Path file)
    {
        try
        {
            return Files.size(file);
        }
        catch (final IOException ex)
        {
            return 0;
        }
    }
}
