package io.ipcgateway.metrics;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.ipcgateway.core.CounterKind;
import io.ipcgateway.shm.ChannelSnapshot;
import io.ipcgateway.shm.ShmObserver;
import io.prometheus.client.Collector;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;

/**
 * Exports the shared-memory counters of every channel under a base directory, read at scrape time through a
 * {@link ShmObserver}: nothing runs on the transport's hot path, and the processes that own the channels need not
 * cooperate (or even have ipc-metrics on their class path).
 * <p>
 * Labels: {@code service} (a folder name) and {@code channel} ({@code server} or {@code client-<pid>-<n>}), so the
 * number of series grows with connected clients and nothing else; {@code ipc_notifier_info} adds {@code kind}, the
 * mechanism a blocking consumer negotiated with its producers (one series per channel). Notifier activity comes from
 * each channel's notifier area, where the consumer counts every sleep, wake-up and timeout.
 */
public final class ShmCollector extends Collector
{
    private static final List<String> CHANNEL_LABELS = List.of("service", "channel");
    private static final List<String> SERVICE_LABELS = List.of("service");
    private static final List<String> NOTIFIER_LABELS = List.of("service", "channel", "kind");
    private static final double NANOS_PER_SECOND = 1e9;

    private final ShmObserver observer;

    /**
     * Exports every service under a base directory.
     *
     * @param baseDirectory the transport's base directory.
     */
    public ShmCollector(final Path baseDirectory)
    {
        this(new ShmObserver(baseDirectory));
    }

    /**
     * Exports what an observer reads.
     *
     * @param observer the observer, e.g. limited to one service.
     */
    public ShmCollector(final ShmObserver observer)
    {
        this.observer = observer;
    }

    @Override
    public List<MetricFamilySamples> collect()
    {
        final List<ChannelSnapshot> snapshots;
        final int unreadable;
        synchronized (observer)
        {
            snapshots = observer.snapshot();
            unreadable = observer.problems().size();
        }

        final List<MetricFamilySamples> families = new ArrayList<>();
        for (final CounterKind kind : CounterKind.values())
        {
            if (kind.isGauge() || kind == CounterKind.NOTIFIER_SLEEPS || kind == CounterKind.NOTIFIER_WAKEUPS)
            {
                continue;
            }
            final CounterMetricFamily family = new CounterMetricFamily(kind.metricName(), help(kind), CHANNEL_LABELS);
            for (final ChannelSnapshot s : snapshots)
            {
                family.addMetric(labels(s), s.counter(kind));
            }
            families.add(family);
        }

        final CounterMetricFamily sleeps = new CounterMetricFamily("ipc_notifier_sleeps_total",
            "Times the channel's consumer went to sleep on its notifier.", CHANNEL_LABELS);
        final CounterMetricFamily wakeups = new CounterMetricFamily("ipc_notifier_wakeups_total",
            "Times a producer woke the channel's sleeping consumer.", CHANNEL_LABELS);
        final CounterMetricFamily timeouts = new CounterMetricFamily("ipc_notifier_timeouts_total",
            "Times the consumer's sleep ended by its timeout rather than a wake-up.", CHANNEL_LABELS);
        final GaugeMetricFamily occupancy = new GaugeMetricFamily("ipc_ring_occupancy_bytes",
            "Bytes written into the channel's ring and not yet consumed.", CHANNEL_LABELS);
        final GaugeMetricFamily ratio = new GaugeMetricFamily("ipc_ring_occupancy_ratio",
            "Ring occupancy as a fraction of its capacity.", CHANNEL_LABELS);
        final GaugeMetricFamily capacity = new GaugeMetricFamily("ipc_ring_capacity_bytes",
            "Data capacity of the channel's ring.", CHANNEL_LABELS);
        final GaugeMetricFamily heartbeat = new GaugeMetricFamily("ipc_peer_heartbeat_age_seconds",
            "Time since the channel's owner last wrote its heartbeat (monotonic clock).", CHANNEL_LABELS);
        final GaugeMetricFamily alive = new GaugeMetricFamily("ipc_peer_alive",
            "1 when the channel's owner is alive (its pid with the start time in the header, or its heartbeat for an"
            + " owner in another pid namespace), else 0.", CHANNEL_LABELS);
        final GaugeMetricFamily notifier = new GaugeMetricFamily("ipc_notifier_info",
            "1 for the mechanism the channel's blocking consumer sleeps on (FUTEX or UNIX_SOCKET), as negotiated with"
            + " its producers; absent for a consumer that does not block.", NOTIFIER_LABELS);
        final Map<String, Integer> clientsPerService = new LinkedHashMap<>();
        for (final ChannelSnapshot s : snapshots)
        {
            if (s.notifierKind() != null)
            {
                notifier.addMetric(List.of(s.service(), s.channel(), s.notifierKind().name()), 1);
            }
            final List<String> labels = labels(s);
            sleeps.addMetric(labels, s.notifierSleeps());
            wakeups.addMetric(labels, s.notifierWakeups());
            timeouts.addMetric(labels, s.notifierTimeouts());
            occupancy.addMetric(labels, s.occupancyBytes());
            ratio.addMetric(labels, s.occupancyRatio());
            capacity.addMetric(labels, s.ringCapacity());
            heartbeat.addMetric(labels, s.heartbeatAgeNs() / NANOS_PER_SECOND);
            alive.addMetric(labels, s.ownerAlive() ? 1 : 0);
            clientsPerService.merge(s.service(), !s.isServer() && s.ownerAlive() ? 1 : 0, Integer::sum);
        }
        final GaugeMetricFamily clients = new GaugeMetricFamily("ipc_connected_clients",
            "Clients of the service whose process is alive.", SERVICE_LABELS);
        clientsPerService.forEach((service, count) -> clients.addMetric(List.of(service), count));
        final GaugeMetricFamily problems = new GaugeMetricFamily("ipc_unreadable_channel_files",
            "Channel files the last scrape could not read (corrupt, wrong version, or foreign).", List.of());
        problems.addMetric(List.of(), unreadable);

        families.addAll(List.of(sleeps, wakeups, timeouts, notifier, occupancy, ratio, capacity, heartbeat, alive,
            clients, problems));
        return families;
    }

    private static List<String> labels(final ChannelSnapshot s)
    {
        return List.of(s.service(), s.channel());
    }

    private static String help(final CounterKind kind)
    {
        switch (kind)
        {
            case MESSAGES_SENT:
                return "Messages published by the channel's owner (a fragmented message counts once).";
            case BYTES_SENT:
                return "Payload bytes published by the channel's owner.";
            case MESSAGES_RECEIVED:
                return "Messages delivered to the channel owner's handlers.";
            case BYTES_RECEIVED:
                return "Payload bytes delivered to the channel owner's handlers.";
            case BACK_PRESSURE_EVENTS:
                return "Offers or claims refused because the destination ring was full.";
            case FRAGMENTS_SENT:
                return "Fragments published for messages larger than one ring record.";
            case FRAGMENTS_RECEIVED:
                return "Fragments received and reassembled.";
            case REQUESTS_TIMED_OUT:
                return "Requests that got no response in time.";
            case ERRORS:
                return "Errors: invalid records or control messages dropped, handler failures, dead peers.";
            case UNBLOCKED_SLOTS:
                return "Ring slots of producers that died mid-write, skipped after the timeout.";
            default:
                return kind.metricName();
        }
    }
}
