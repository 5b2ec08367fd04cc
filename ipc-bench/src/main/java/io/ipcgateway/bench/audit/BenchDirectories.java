package io.ipcgateway.bench.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where the audit benchmarks write: a fresh folder per trial or iteration on a real disk, deleted afterwards so
 * a run never holds more than one iteration's files. The parent is {@code -Dipc.bench.audit.dir} when set, else
 * {@code java.io.tmpdir} (ext4 on this machine kind; {@code /dev/shm} would measure memory, not a disk).
 */
final class BenchDirectories
{
    /** System property naming the parent folder of the benchmarks' files. */
    static final String DIR_PROPERTY = "ipc.bench.audit.dir";

    private BenchDirectories()
    {
    }

    static Path create(final String prefix)
    {
        try
        {
            final Path parent = Paths.get(System.getProperty(DIR_PROPERTY, System.getProperty("java.io.tmpdir")));
            Files.createDirectories(parent);
            return Files.createTempDirectory(parent, prefix);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static void delete(final Path dir)
    {
        if (dir == null || !Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
