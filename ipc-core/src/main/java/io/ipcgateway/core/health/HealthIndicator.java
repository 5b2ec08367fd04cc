package io.ipcgateway.core.health;

/**
 * A component that can report its own health, such as a service, a peer, a circuit breaker or an audit log.
 * <p>
 * Modules expose indicators through this interface so that {@code ipc-metrics} can serve them on
 * {@code /health} without depending on the modules' internals. {@link #health()} is called on the
 * scrape thread, never on a hot path, and must not block for long.
 */
public interface HealthIndicator
{
    /**
     * A stable name for the component, unique within a process, e.g. {@code service:orders}.
     *
     * @return the component name.
     */
    String name();

    /**
     * Reads the component's health now.
     *
     * @return the current reading.
     */
    Health health();

    /**
     * An indicator that always reports the same reading, for components read in one pass elsewhere.
     *
     * @param name   the component name.
     * @param health the reading.
     * @return the indicator.
     */
    static HealthIndicator of(final String name, final Health health)
    {
        return new HealthIndicator()
        {
            @Override
            public String name()
            {
                return name;
            }

            @Override
            public Health health()
            {
                return health;
            }
        };
    }
}
