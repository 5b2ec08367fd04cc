package io.ipcgateway.resilience.shared;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.ipcgateway.core.IpcException;
import io.ipcgateway.resilience.circuitbreaker.SharedCircuitBreakerSnapshot;
import io.ipcgateway.resilience.ratelimiter.SharedRateLimiterSnapshot;

/**
 * Reads every shared breaker and limiter of a folder from outside the processes that use them, read-only
 * (through {@link SharedStateView}), for {@code bin/ipc stat --shared DIR}. A file that cannot be read (another
 * layout version, being created, damaged) becomes a line in {@link Snapshot#problems()}, never an exception.
 */
public final class SharedStateObserver
{
    private final Path directory;

    /**
     * An observer of one folder.
     *
     * @param directory the folder, e.g. {@link SharedStateOptions#baseDirectory()}.
     */
    public SharedStateObserver(final Path directory)
    {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /**
     * The folder observed.
     *
     * @return the folder.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * Reads every file of the folder now.
     *
     * @return breakers, limiters and problems, each sorted by file name.
     */
    public Snapshot snapshot()
    {
        final List<SharedCircuitBreakerSnapshot> breakers = new ArrayList<>();
        final List<SharedRateLimiterSnapshot> limiters = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        final List<Path> files;
        try
        {
            files = SharedStateView.list(directory);
        }
        catch (final IpcException ex)
        {
            problems.add(ex.getMessage());
            return new Snapshot(breakers, limiters, problems);
        }
        for (final Path file : files)
        {
            try (SharedStateView view = SharedStateView.open(file))
            {
                final long nowNs = System.nanoTime();
                if (view.kind() == SharedStateKind.CIRCUIT_BREAKER)
                {
                    breakers.add(SharedCircuitBreakerSnapshot.read(view, nowNs));
                }
                else
                {
                    limiters.add(SharedRateLimiterSnapshot.read(view, nowNs));
                }
            }
            catch (final IpcException ex)
            {
                problems.add(ex.getMessage());
            }
        }
        return new Snapshot(breakers, limiters, problems);
    }

    /**
     * What a folder held at one moment.
     *
     * @param breakers the shared circuit breakers.
     * @param limiters the shared rate limiters.
     * @param problems one line per file that could not be read, naming the file.
     */
    public record Snapshot(
        List<SharedCircuitBreakerSnapshot> breakers, List<SharedRateLimiterSnapshot> limiters, List<String> problems)
    {
        /**
         * A snapshot; the lists are copied.
         *
         * @param breakers the shared circuit breakers.
         * @param limiters the shared rate limiters.
         * @param problems one line per file that could not be read.
         */
        public Snapshot
        {
            breakers = List.copyOf(breakers);
            limiters = List.copyOf(limiters);
            problems = List.copyOf(problems);
        }
    }
}
