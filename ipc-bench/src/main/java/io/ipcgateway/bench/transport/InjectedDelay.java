package io.ipcgateway.bench.transport;

/**
 * A per-message delay the harness can inject into <em>its own</em> handler of our transport ({@code ipc}), never into
 * the library: it exists to prove that {@code bench gate} catches a real regression (a test runs the gate with a
 * delay and expects it to fail).
 * <p>
 * Set with the system property {@value #PROPERTY} (nanoseconds) on the harness JVM; the harness forwards it to the
 * JVMs it starts. Read once: when it is 0 (the default) the check folds away in the compiled handler.
 */
public final class InjectedDelay
{
    /** The system property holding the delay in nanoseconds. */
    public static final String PROPERTY = "ipc.bench.injectDelayNanos";
    /** The delay of this JVM, in nanoseconds; 0 when none is injected. */
    public static final long NANOS = Math.max(0, Long.getLong(PROPERTY, 0));

    private InjectedDelay()
    {
    }

    /**
     * Spin for the injected delay, if any: a busy delay, like slower code, rather than a sleep that frees the core.
     */
    public static void apply()
    {
        if (NANOS > 0)
        {
            final long until = System.nanoTime() + NANOS;
            while (System.nanoTime() < until)
            {
                Thread.onSpinWait();
            }
        }
    }
}
