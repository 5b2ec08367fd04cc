package io.ipcgateway.core.health;

/**
 * The health of a component or of a whole process, from best to worst.
 * <p>
 * An HTTP health endpoint answers 200 for {@link #UP} and {@link #DEGRADED} (still serving) and 503 for
 * {@link #DOWN}.
 */
public enum HealthStatus
{
    /** Working as configured. */
    UP,
    /** Serving, but something needs attention (a ring filling up, a peer slow to heartbeat). */
    DEGRADED,
    /** Not serving. */
    DOWN;

    /**
     * The worse of two statuses, for aggregating components into an overall status.
     *
     * @param other the other status.
     * @return whichever of the two is worse.
     */
    public HealthStatus worst(final HealthStatus other)
    {
        return other.ordinal() > ordinal() ? other : this;
    }
}
