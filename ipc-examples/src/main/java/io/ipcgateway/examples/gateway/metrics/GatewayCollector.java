package io.ipcgateway.examples.gateway.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.ipcgateway.examples.gateway.GatewayStats;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerState;
import io.prometheus.client.Collector;
import org.HdrHistogram.Histogram;

/**
 * Exports one gateway's {@link GatewayStats} at scrape time, reading nothing else (the breakers' own families come
 * from ipc-metrics' {@code CircuitBreakerCollector}, see {@link GatewayMetrics}). Families (reference in
 * {@code docs/gateway.md}):
 * <ul>
 *   <li>{@value #OPERATIONS}{@code {prefix, operation, outcome}}: publishes, acknowledged publishes, requests,
 *       subscriptions and deliveries by subject prefix and outcome (a {@code GatewayStatus}, lower case);</li>
 *   <li>{@value #LOCAL_LEG} and {@value #NATS_LEG}: latency histograms of the gateway's own time and of NATS';</li>
 *   <li>{@value #LIMITER_DENIALS}{@code {limiter}}, {@value #SPOOL_DEPTH}, {@value #SPOOLED},
 *       {@value #SPOOL_DELIVERED}, {@value #NATS_CONNECTED},
 *       {@value #NATS_STATE}{@code {state}}, {@value #NATS_RECONNECTS}, {@value #NATS_DISCONNECTS},
 *       {@value #IN_FLIGHT}, {@value #SUBSCRIPTIONS}{@code {side}}, {@value #RETRIES}, {@value #AUDIT_FAILURES},
 *       {@value #BREAKER_OPEN}{@code {downstream}} and {@value #HEALTH}.</li>
 * </ul>
 * Labels stay bounded: prefixes are capped by {@link GatewayStats#MAX_PREFIXES}.
 */
public final class GatewayCollector extends Collector
{
    /** Counter of operations by prefix, operation and outcome. */
    public static final String OPERATIONS = "ipc_gateway_operations";
    /** Histogram of the gateway's own time per operation. */
    public static final String LOCAL_LEG = "ipc_gateway_local_leg_seconds";
    /** Histogram of the time NATS took per operation. */
    public static final String NATS_LEG = "ipc_gateway_nats_leg_seconds";
    /** Counter of calls refused by a rate limiter, by limiter. */
    public static final String LIMITER_DENIALS = "ipc_gateway_limiter_denials";
    /** Gauge of messages waiting in the spool. */
    public static final String SPOOL_DEPTH = "ipc_gateway_spool_depth";
    /** Counter of publishes stored in the spool. */
    public static final String SPOOLED = "ipc_gateway_spooled";
    /** Counter of spooled publishes delivered to NATS. */
    public static final String SPOOL_DELIVERED = "ipc_gateway_spool_delivered";
    /** Gauge: 1 while NATS is connected. */
    public static final String NATS_CONNECTED = "ipc_gateway_nats_connected";
    /** Gauge: 1 for the NATS connection's current state, label {@code state}. */
    public static final String NATS_STATE = "ipc_gateway_nats_connection_state";
    /** Counter of NATS reconnects. */
    public static final String NATS_RECONNECTS = "ipc_gateway_nats_reconnects";
    /** Counter of lost NATS connections. */
    public static final String NATS_DISCONNECTS = "ipc_gateway_nats_disconnects";
    /** Gauge of requests and acknowledged publishes waiting for NATS. */
    public static final String IN_FLIGHT = "ipc_gateway_in_flight";
    /** Gauge of subscriptions, label {@code side} ({@code nats} or {@code local}). */
    public static final String SUBSCRIPTIONS = "ipc_gateway_subscriptions";
    /** Counter of retried requests. */
    public static final String RETRIES = "ipc_gateway_retries";
    /** Counter of audit records lost to a full appender queue. */
    public static final String AUDIT_FAILURES = "ipc_gateway_audit_failures";
    /** Gauge: 1 while a downstream's breaker is OPEN or FORCED_OPEN, label {@code downstream}. */
    public static final String BREAKER_OPEN = "ipc_gateway_breaker_open";
    /** Gauge of the gateway's health: 0 UP, 1 DEGRADED, 2 DOWN. */
    public static final String HEALTH = "ipc_gateway_health";

    /** Bucket upper bounds in seconds, 1 us to 10 s (the NATS leg runs up to the request timeouts). */
    public static final double[] BUCKET_BOUNDS_SECONDS = {
        1e-6, 2.5e-6, 5e-6, 10e-6, 25e-6, 50e-6, 100e-6, 250e-6, 500e-6,
        1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3, 50e-3, 100e-3, 250e-3, 500e-3, 1.0, 2.5, 5.0, 10.0};

    private static final double NANOS_PER_SECOND = 1e9;
    private static final List<String> OPERATION_LABELS = List.of("prefix", "operation", "outcome");
    private static final List<String> NO_LABELS = List.of();
    private static final List<String> LE = List.of("le");

    private final GatewayStats stats;

    /**
     * A collector over one gateway's statistics.
     *
     * @param stats the gateway's {@code Gateway.stats()}.
     */
    public GatewayCollector(final GatewayStats stats)
    {
        this.stats = stats;
    }

    @Override
    public List<MetricFamilySamples> collect()
    {
        final List<MetricFamilySamples> families = new ArrayList<>();
        final List<MetricFamilySamples.Sample> operations = new ArrayList<>();
        stats.forEachCount((prefix, operation, status, count) -> operations.add(new MetricFamilySamples.Sample(
            OPERATIONS + "_total", OPERATION_LABELS, List.of(prefix, lower(operation.name()), lower(status.name())),
            count)));
        families.add(new MetricFamilySamples(OPERATIONS, Type.COUNTER,
            "Gateway operations by subject prefix (first token), operation and outcome", operations));
        families.add(histogram(LOCAL_LEG, "Time spent in the gateway per operation (arrival to NATS call, plus " +
            "NATS answer to local response)", stats.localLegNanos()));
        families.add(histogram(NATS_LEG, "Time NATS took per operation (call to answer)", stats.natsLegNanos()));

        final List<MetricFamilySamples.Sample> denials = new ArrayList<>();
        for (final Map.Entry<String, Long> entry : stats.limiterDenials().entrySet())
        {
            denials.add(new MetricFamilySamples.Sample(LIMITER_DENIALS + "_total", List.of("limiter"),
                List.of(entry.getKey()), entry.getValue()));
        }
        families.add(new MetricFamilySamples(LIMITER_DENIALS, Type.COUNTER,
            "Calls refused with RATE_LIMITED, by limiter (client or total)", denials));

        final List<MetricFamilySamples.Sample> open = new ArrayList<>();
        stats.breakerStates().forEach((downstream, state) -> open.add(new MetricFamilySamples.Sample(BREAKER_OPEN,
            List.of("downstream"), List.of(downstream),
            state == CircuitBreakerState.OPEN || state == CircuitBreakerState.FORCED_OPEN ? 1 : 0)));
        families.add(new MetricFamilySamples(BREAKER_OPEN, Type.GAUGE,
            "1 while the downstream's circuit breaker is OPEN or FORCED_OPEN (calls fail fast)", open));

        families.add(gauge(SPOOL_DEPTH, "Messages waiting in the spool for NATS", stats.spoolDepth()));
        families.add(counter(SPOOLED, "Publishes stored in the spool while NATS was down or their breaker open",
            stats.spooled()));
        families.add(counter(SPOOL_DELIVERED, "Spooled publishes delivered to NATS", stats.spoolDelivered()));
        families.add(gauge(NATS_CONNECTED, "1 while NATS is connected", stats.natsConnected() ? 1 : 0));
        families.add(new MetricFamilySamples(NATS_STATE, Type.GAUGE,
            "1 for the NATS connection's current state (CONNECTED, RECONNECTING, DISCONNECTED, CLOSED, ...)",
            List.of(new MetricFamilySamples.Sample(NATS_STATE, List.of("state"), List.of(stats.natsStatus()), 1))));
        families.add(counter(NATS_RECONNECTS, "NATS reconnects since start", stats.natsReconnects()));
        families.add(counter(NATS_DISCONNECTS, "Lost NATS connections since start", stats.natsDisconnects()));
        families.add(gauge(IN_FLIGHT, "Requests and acknowledged publishes waiting for NATS", stats.inFlight()));
        families.add(new MetricFamilySamples(SUBSCRIPTIONS, Type.GAUGE,
            "Subscriptions: NATS subscriptions held and the local subscriptions they serve", List.of(
                new MetricFamilySamples.Sample(SUBSCRIPTIONS, List.of("side"), List.of("nats"),
                    stats.natsSubscriptions()),
                new MetricFamilySamples.Sample(SUBSCRIPTIONS, List.of("side"), List.of("local"),
                    stats.localSubscriptions()))));
        families.add(counter(RETRIES, "Requests sent again after a failure (idempotent downstreams)",
            stats.retries()));
        families.add(counter(AUDIT_FAILURES, "Audit records lost because the appender's queue was full",
            stats.auditFailures()));
        families.add(gauge(HEALTH, "The gateway's health: 0 UP, 1 DEGRADED, 2 DOWN", stats.health().ordinal()));
        return families;
    }

    private static MetricFamilySamples gauge(final String name, final String help, final double value)
    {
        return new MetricFamilySamples(name, Type.GAUGE, help,
            List.of(new MetricFamilySamples.Sample(name, NO_LABELS, NO_LABELS, value)));
    }

    private static MetricFamilySamples counter(final String name, final String help, final double value)
    {
        return new MetricFamilySamples(name, Type.COUNTER, help,
            List.of(new MetricFamilySamples.Sample(name + "_total", NO_LABELS, NO_LABELS, value)));
    }

    private static MetricFamilySamples histogram(final String name, final String help, final Histogram nanos)
    {
        final List<MetricFamilySamples.Sample> samples = new ArrayList<>();
        final long total = nanos.getTotalCount();
        for (final double bound : BUCKET_BOUNDS_SECONDS)
        {
            final long count = total == 0 ? 0 : nanos.getCountBetweenValues(0, (long)(bound * NANOS_PER_SECOND));
            samples.add(new MetricFamilySamples.Sample(name + "_bucket", LE, List.of(doubleToGoString(bound)), count));
        }
        samples.add(new MetricFamilySamples.Sample(name + "_bucket", LE, List.of("+Inf"), total));
        samples.add(new MetricFamilySamples.Sample(name + "_count", NO_LABELS, NO_LABELS, total));
        final double sumSeconds = total == 0 ? 0.0 : nanos.getMean() * total / NANOS_PER_SECOND;
        samples.add(new MetricFamilySamples.Sample(name + "_sum", NO_LABELS, NO_LABELS, sumSeconds));
        return new MetricFamilySamples(name, Type.HISTOGRAM, help, samples);
    }

    private static String lower(final String name)
    {
        return name.toLowerCase(Locale.ROOT);
    }
}
