package io.ipcgateway.metrics;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.ipcgateway.core.Durations;
import io.ipcgateway.core.health.Health;
import io.ipcgateway.core.health.HealthIndicator;
import io.ipcgateway.core.health.HealthStatus;
import io.ipcgateway.shm.ChannelSnapshot;
import io.ipcgateway.shm.ShmObserver;

/**
 * Health of the services under a base directory, read from their channel headers: one component per service
 * ({@code service:NAME}) and one per connected peer ({@code peer:NAME/client-PID-N}).
 * <p>
 * A service is {@link HealthStatus#DOWN} when its server channel is missing, its owner is gone, or its heartbeat
 * is older than the stale threshold; {@link HealthStatus#DEGRADED} when one of its rings is fuller than the
 * occupancy threshold or one of its peers is stale or gone. A peer is DEGRADED when stale or gone (the server frees
 * it), never DOWN: one client does not take a service down.
 */
public final class ShmHealth implements Supplier<List<HealthIndicator>>
{
    /** Default heartbeat age after which an owner counts as stale: 3 s (30 heartbeats at the default 100 ms). */
    public static final long DEFAULT_STALE_AFTER_NS = TimeUnit.SECONDS.toNanos(3);
    /** Default ring occupancy above which a channel is degraded. */
    public static final double DEFAULT_OCCUPANCY_THRESHOLD = 0.8;

    private final ShmObserver observer;
    private final List<String> expectedServices;
    private final long staleAfterNs;
    private final double occupancyThreshold;

    /**
     * Health of the given services and of nothing else under the base directory (a stale service of another
     * application does not make this process's {@code /health} DOWN), with the default thresholds.
     *
     * @param baseDirectory    the transport's base directory.
     * @param expectedServices services that must be running; each is DOWN while absent. Empty: every service found.
     */
    public ShmHealth(final Path baseDirectory, final List<String> expectedServices)
    {
        this(expectedServices.isEmpty() ? new ShmObserver(baseDirectory) : ShmObserver.ofServices(baseDirectory,
            expectedServices), expectedServices, DEFAULT_STALE_AFTER_NS, DEFAULT_OCCUPANCY_THRESHOLD);
    }

    /**
     * Health with explicit thresholds.
     *
     * @param observer           reads the channel files.
     * @param expectedServices   services that must be running; each is DOWN while absent.
     * @param staleAfterNs       heartbeat age after which an owner counts as stale.
     * @param occupancyThreshold ring occupancy ratio above which a channel is degraded.
     */
    public ShmHealth(
        final ShmObserver observer,
        final List<String> expectedServices,
        final long staleAfterNs,
        final double occupancyThreshold)
    {
        if (staleAfterNs <= 0)
        {
            throw new IllegalArgumentException("staleAfter must be positive, but was "
                + Durations.format(staleAfterNs));
        }
        if (!(occupancyThreshold > 0 && occupancyThreshold <= 1))
        {
            throw new IllegalArgumentException("occupancyThreshold must be in (0, 1], but was " + occupancyThreshold);
        }
        this.observer = observer;
        this.expectedServices = List.copyOf(expectedServices);
        this.staleAfterNs = staleAfterNs;
        this.occupancyThreshold = occupancyThreshold;
    }

    /**
     * Reads the channels now and returns one indicator per service and peer, each holding its reading.
     *
     * @return the indicators, services first.
     */
    @Override
    public List<HealthIndicator> get()
    {
        final List<ChannelSnapshot> snapshots;
        synchronized (observer)
        {
            snapshots = observer.snapshot();
        }
        final Map<String, List<ChannelSnapshot>> byService = new LinkedHashMap<>();
        expectedServices.forEach(service -> byService.put(service, new ArrayList<>()));
        snapshots.forEach(s -> byService.computeIfAbsent(s.service(), k -> new ArrayList<>()).add(s));

        final List<HealthIndicator> services = new ArrayList<>();
        final List<HealthIndicator> peers = new ArrayList<>();
        byService.forEach((service, channels) ->
        {
            int unhealthyPeers = 0;
            for (final ChannelSnapshot peer : channels)
            {
                if (!peer.isServer())
                {
                    final Health health = peerHealth(peer);
                    unhealthyPeers += health.status() == HealthStatus.UP ? 0 : 1;
                    peers.add(HealthIndicator.of("peer:" + service + "/" + peer.channel(), health));
                }
            }
            services.add(HealthIndicator.of("service:" + service, serviceHealth(channels, unhealthyPeers)));
        });
        services.addAll(peers);
        return services;
    }

    private Health serviceHealth(final List<ChannelSnapshot> channels, final int unhealthyPeers)
    {
        final ChannelSnapshot server = channels.stream().filter(ChannelSnapshot::isServer).findFirst().orElse(null);
        if (server == null)
        {
            return Health.of(HealthStatus.DOWN, Map.of("reason", "no server channel: the service is not running"));
        }
        HealthStatus status = HealthStatus.UP;
        String reason = "serving";
        if (!server.ownerAlive())
        {
            status = HealthStatus.DOWN;
            reason = "server process " + server.ownerPid() + " is gone";
        }
        else if (server.heartbeatAgeNs() > staleAfterNs)
        {
            status = HealthStatus.DOWN;
            reason = "server heartbeat is stale";
        }
        final int clients = channels.size() - 1;
        double maxOccupancy = 0;
        for (final ChannelSnapshot channel : channels)
        {
            maxOccupancy = Math.max(maxOccupancy, channel.occupancyRatio());
        }
        if (status == HealthStatus.UP && (maxOccupancy > occupancyThreshold || unhealthyPeers > 0))
        {
            status = HealthStatus.DEGRADED;
            reason = maxOccupancy > occupancyThreshold ? "a ring is nearly full" : "a peer is stale or gone";
        }
        final Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", reason);
        details.put("pid", server.ownerPid());
        details.put("alive", server.ownerAlive());
        details.put("heartbeatAgeMs", TimeUnit.NANOSECONDS.toMillis(server.heartbeatAgeNs()));
        details.put("clients", clients);
        details.put("unhealthyPeers", unhealthyPeers);
        details.put("maxRingOccupancy", round(maxOccupancy));
        return Health.of(status, details);
    }

    private Health peerHealth(final ChannelSnapshot peer)
    {
        final boolean fresh = peer.ownerAlive() && peer.heartbeatAgeNs() <= staleAfterNs;
        final boolean roomy = peer.occupancyRatio() <= occupancyThreshold;
        final Map<String, Object> details = new LinkedHashMap<>();
        details.put("pid", peer.ownerPid());
        details.put("alive", peer.ownerAlive());
        details.put("heartbeatAgeMs", TimeUnit.NANOSECONDS.toMillis(peer.heartbeatAgeNs()));
        details.put("ringOccupancy", round(peer.occupancyRatio()));
        return Health.of(fresh && roomy ? HealthStatus.UP : HealthStatus.DEGRADED, details);
    }

    private static double round(final double ratio)
    {
        return Math.round(ratio * 10_000) / 10_000.0;
    }
}
