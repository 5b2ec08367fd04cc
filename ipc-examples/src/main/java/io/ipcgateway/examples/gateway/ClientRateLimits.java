package io.ipcgateway.examples.gateway;

import java.nio.file.Path;
import java.time.Duration;

import io.ipcgateway.core.ConfigurationException;
import io.ipcgateway.resilience.ratelimiter.LocalRateLimiter;
import io.ipcgateway.resilience.ratelimiter.RateLimiterConfig;
import io.ipcgateway.resilience.ratelimiter.SharedRateLimiter;
import io.ipcgateway.resilience.shared.SharedStateOptions;
import io.ipcgateway.shm.ClientSession;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The rate limits of {@link RateLimitConfig}: one limiter per local client (by uid, pid or session) and one shared
 * by every gateway of the host. Asking never waits. Used from the duty thread only.
 */
final class ClientRateLimits implements AutoCloseable
{
    private final RateLimiterConfig perClientConfig;
    private final String clientKey;
    private final Long2ObjectHashMap<LocalRateLimiter> perClient = new Long2ObjectHashMap<>();
    private final SharedRateLimiter total;
    private final GatewayStats stats;

    ClientRateLimits(final RateLimitConfig config, final GatewayStats stats)
    {
        this.stats = stats;
        this.clientKey = config.clientKey();
        if (!("uid".equals(clientKey) || "pid".equals(clientKey) || "session".equals(clientKey)))
        {
            throw new ConfigurationException("invalid rateLimits.clientKey=" + clientKey +
                ": valid values are uid, pid or session");
        }
        if (config.perClient() < 0 || config.total() < 0)
        {
            throw new ConfigurationException("invalid rateLimits.perClient=" + config.perClient() + " total=" +
                config.total() + ": valid values are 0 (no limit) or more");
        }
        final long periodNs = config.periodNs();
        this.perClientConfig = config.perClient() == 0 ? null : limiterConfig(config.perClient(), periodNs);
        if (config.total() == 0)
        {
            this.total = null;
        }
        else
        {
            final SharedStateOptions.Builder options = SharedStateOptions.builder();
            if (config.sharedDirectory() != null)
            {
                options.baseDirectory(Path.of(config.sharedDirectory()));
            }
            this.total = SharedRateLimiter.openOrCreate(options.build(), config.totalName(),
                limiterConfig(config.total(), periodNs));
        }
    }

    private static RateLimiterConfig limiterConfig(final int limit, final long periodNs)
    {
        return RateLimiterConfig.custom().limitForPeriod(limit).limitRefreshPeriodNs(periodNs)
            .timeoutDuration(Duration.ZERO).build();
    }

    /**
     * Takes one permit for a call of a client.
     *
     * @param session the client.
     * @return {@link GatewayStatus#OK} or {@link GatewayStatus#RATE_LIMITED} (the denial is counted).
     */
    GatewayStatus tryAcquire(final ClientSession session)
    {
        if (perClientConfig != null)
        {
            final long key = keyOf(session);
            LocalRateLimiter limiter = perClient.get(key);
            if (limiter == null)
            {
                limiter = LocalRateLimiter.of("gateway-client-" + clientKey + "-" + key, perClientConfig);
                perClient.put(key, limiter);
            }
            if (!limiter.tryAcquirePermission())
            {
                stats.recordLimiterDenial("client");
                return GatewayStatus.RATE_LIMITED;
            }
        }
        if (total != null && !total.tryAcquirePermission())
        {
            stats.recordLimiterDenial("total");
            return GatewayStatus.RATE_LIMITED;
        }
        return GatewayStatus.OK;
    }

    /**
     * Forgets the limiter of a session that ended (per-session keys only).
     *
     * @param session the session.
     */
    void onDisconnect(final ClientSession session)
    {
        if ("session".equals(clientKey))
        {
            perClient.remove(session.sessionId());
        }
    }

    private long keyOf(final ClientSession session)
    {
        return "uid".equals(clientKey) ? session.uid() : "pid".equals(clientKey) ? session.pid() :
            session.sessionId();
    }

    @Override
    public void close()
    {
        if (total != null)
        {
            total.close();
        }
    }
}
