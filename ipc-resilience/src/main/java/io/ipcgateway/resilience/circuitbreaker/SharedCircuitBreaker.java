package io.ipcgateway.resilience.circuitbreaker;

import io.ipcgateway.resilience.shared.SharedStateFile;
import io.ipcgateway.resilience.shared.SharedStateKind;
import io.ipcgateway.resilience.shared.SharedStateOptions;

/**
 * A circuit breaker whose state and window live in a shared state file ({@link SharedStateFile}, kind
 * {@link SharedStateKind#CIRCUIT_BREAKER}, body laid out by {@link CircuitBreakerDescriptor}), so every process of
 * the host that opens the same name sees one breaker: when one process's calls trip it, the others' next
 * {@link #tryAcquirePermission()} reads OPEN. Same semantics and code as the in-process {@link CircuitBreaker};
 * only atomic operations touch the file, so a process killed at any instant (even mid-call) leaves no lock held:
 * its permitted HALF_OPEN trial is simply never reported, like a call that timed out.
 * <p>
 * Sharing is a choice per breaker: the processes that should share open the same name with the same settings (a
 * different window size or thresholds is refused by the file's fingerprint check). The state outlives the
 * processes: a restarted process finds the breaker as it was left; {@link #delete} starts afresh. Listeners and
 * the timed transitions of {@code automaticTransitionFromOpenToHalfOpenEnabled} are per process (events fire in the
 * process whose call caused them; any process's next call also makes a due transition). The clock must be one all
 * processes share: {@link NanoClock#SYSTEM} (CLOCK_MONOTONIC).
 * <p>
 * Do not use a breaker after {@link #close()}: its memory is unmapped.
 */
public final class SharedCircuitBreaker extends CircuitBreaker implements AutoCloseable
{
    private final SharedStateFile file;
    private boolean closed;

    private SharedCircuitBreaker(final String name, final CircuitBreakerConfig config, final SharedStateFile file)
    {
        super(name, config, file.buffer());
        this.file = file;
    }

    /**
     * Opens the shared breaker of this name, creating it (CLOSED) when no process has yet.
     *
     * @param name    the name every sharing process uses (a file name: {@code A-Z a-z 0-9 . _ -}).
     * @param config  the settings, the same in every process.
     * @param options where the file lives and who may use it.
     * @return the breaker.
     * @throws io.ipcgateway.core.ChannelFileException naming the file when it cannot be created, opened or
     *                                                 validated (e.g. another process uses other settings).
     */
    public static SharedCircuitBreaker open(
        final String name, final CircuitBreakerConfig config, final SharedStateOptions options)
    {
        final SharedStateFile file = SharedStateFile.openOrCreate(options, SharedStateKind.CIRCUIT_BREAKER, name,
            CircuitBreakerDescriptor.length(config), config.fingerprint(), body -> initialise(body, config));
        return new SharedCircuitBreaker(name, config, file);
    }

    /**
     * Deletes the file of a shared breaker; processes that have it open keep their mapping until they close.
     *
     * @param name    the breaker's name.
     * @param options where the file lives.
     * @return true when a file was deleted.
     */
    public static boolean delete(final String name, final SharedStateOptions options)
    {
        return SharedStateFile.delete(options, SharedStateKind.CIRCUIT_BREAKER, name);
    }

    @Override
    public boolean isShared()
    {
        return true;
    }

    /**
     * The shared state file.
     *
     * @return the file.
     */
    public SharedStateFile file()
    {
        return file;
    }

    @Override
    synchronized void runTimedTask(final Runnable task)
    {
        if (!closed)
        {
            task.run();
        }
    }

    /**
     * Unmaps the file (it stays for the other processes). Idempotent.
     */
    @Override
    public synchronized void close()
    {
        if (!closed)
        {
            closed = true;
            file.close();
        }
    }
}
