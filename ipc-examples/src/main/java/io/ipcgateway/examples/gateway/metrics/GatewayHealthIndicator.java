package io.ipcgateway.examples.gateway.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

import io.ipcgateway.core.health.Health;
import io.ipcgateway.core.health.HealthIndicator;
import io.ipcgateway.core.health.HealthStatus;
import io.ipcgateway.examples.gateway.GatewayStats;

/**
 * The gateway's own component of {@code /health}, named {@value #NAME}: {@link GatewayStats#health()} as a
 * {@link HealthStatus} (DOWN when NATS is unreachable and a breaker is open, DEGRADED while NATS reconnects, a
 * breaker is not closed or messages are spooled, else UP), with the NATS state, reconnects, spool depth, calls in
 * flight and every downstream's breaker state as details.
 */
public final class GatewayHealthIndicator implements HealthIndicator
{
    /** The component's name in {@code /health}. */
    public static final String NAME = "gateway";

    private final GatewayStats stats;

    /**
     * The indicator of one gateway.
     *
     * @param stats the gateway's statistics.
     */
    public GatewayHealthIndicator(final GatewayStats stats)
    {
        this.stats = stats;
    }

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public Health health()
    {
        final GatewayStats.Health health = stats.health();
        final Map<String, Object> details = new LinkedHashMap<>();
        details.put("nats", stats.natsStatus());
        details.put("natsReconnects", stats.natsReconnects());
        details.put("spoolDepth", stats.spoolDepth());
        details.put("inFlight", stats.inFlight());
        stats.breakerStates().forEach((downstream, state) -> details.put("breaker:" + downstream, state.name()));
        return Health.of(statusOf(health), details);
    }

    /**
     * The health endpoint's status of a gateway health.
     *
     * @param health the gateway's health.
     * @return the same as a {@link HealthStatus}.
     */
    public static HealthStatus statusOf(final GatewayStats.Health health)
    {
        return switch (health)
        {
            case UP -> HealthStatus.UP;
            case DEGRADED -> HealthStatus.DEGRADED;
            case DOWN -> HealthStatus.DOWN;
        };
    }
}
