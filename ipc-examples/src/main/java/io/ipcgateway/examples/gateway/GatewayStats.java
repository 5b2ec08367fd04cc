package io.ipcgateway.examples.gateway;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import io.ipcgateway.resilience.circuitbreaker.CircuitBreaker;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerState;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Every count, latency and state of one gateway, in one place, thread-safe: what a Prometheus collector or a health
 * endpoint reads (and nothing else needs to be read).
 * <ul>
 *   <li>Counters per subject prefix (the subject's first token; at most {@value #MAX_PREFIXES} prefixes, later ones
 *       count under {@value #OTHER_PREFIX}), per {@link GatewayOperation} and per {@link GatewayStatus}.</li>
 *   <li>Latency histograms in nanoseconds: the local leg (time spent in the gateway: from the frame's arrival to the
 *       NATS call, plus from NATS' answer to the local response) and the NATS leg (NATS call to answer).</li>
 *   <li>NATS connection state, disconnects and reconnects; circuit breakers' states; rate-limiter denials; the
 *       spool's depth; subscriptions and requests in flight.</li>
 * </ul>
 * Recording allocates nothing once a prefix is known.
 */
public final class GatewayStats
{
    /** Most distinct prefixes counted separately. */
    public static final int MAX_PREFIXES = 256;
    /** The prefix that counts subjects beyond {@link #MAX_PREFIXES}. */
    public static final String OTHER_PREFIX = "_other";
    /** Largest latency the histograms track exactly (larger values are clamped): one minute in nanoseconds. */
    public static final long HIGHEST_TRACKABLE_NANOS = 60_000_000_000L;

    private static final int STATUS_COUNT = GatewayStatus.values().length;
    private static final int CELLS = GatewayOperation.VALUES.length * STATUS_COUNT;
    private static final int MAX_CACHED_SUBJECTS = 16_384;

    private final Map<String, AtomicLongArray> byPrefix = new ConcurrentHashMap<>();
    private final Map<String, AtomicLongArray> bySubject = new ConcurrentHashMap<>();
    private final AtomicLongArray totals = new AtomicLongArray(CELLS);
    private final LatencyRecorder localLeg = new LatencyRecorder();
    private final LatencyRecorder natsLeg = new LatencyRecorder();
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> limiterDenials = new ConcurrentHashMap<>();
    private final AtomicReference<String> natsStatus = new AtomicReference<>("DISCONNECTED");
    private final AtomicLong natsReconnects = new AtomicLong();
    private final AtomicLong natsDisconnects = new AtomicLong();
    private final AtomicLong natsSubscriptions = new AtomicLong();
    private final AtomicLong localSubscriptions = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong auditFailures = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong lateNatsAnswers = new AtomicLong();
    private final AtomicLong spooled = new AtomicLong();
    private final AtomicLong spoolDelivered = new AtomicLong();
    private volatile LongSupplier spoolDepth = () -> 0;

    /**
     * Counts one outcome.
     *
     * @param subject   the subject (or pattern) it was for.
     * @param operation what was done.
     * @param status    how it ended.
     */
    public void record(final String subject, final GatewayOperation operation, final GatewayStatus status)
    {
        final int cell = operation.ordinal() * STATUS_COUNT + status.ordinal();
        countersOf(subject).incrementAndGet(cell);
        totals.incrementAndGet(cell);
    }

    /**
     * An outcome's count for one prefix.
     *
     * @param prefix    a prefix from {@link #prefixes()}.
     * @param operation the operation.
     * @param status    the outcome.
     * @return the count, 0 when never seen.
     */
    public long count(final String prefix, final GatewayOperation operation, final GatewayStatus status)
    {
        final AtomicLongArray counters = byPrefix.get(prefix);
        return counters == null ? 0 : counters.get(operation.ordinal() * STATUS_COUNT + status.ordinal());
    }

    /**
     * An outcome's count over every prefix.
     *
     * @param operation the operation.
     * @param status    the outcome.
     * @return the count.
     */
    public long total(final GatewayOperation operation, final GatewayStatus status)
    {
        return totals.get(operation.ordinal() * STATUS_COUNT + status.ordinal());
    }

    /**
     * An operation's count over every prefix and outcome.
     *
     * @param operation the operation.
     * @return the count.
     */
    public long total(final GatewayOperation operation)
    {
        long sum = 0;
        for (final GatewayStatus status : GatewayStatus.values())
        {
            sum += total(operation, status);
        }
        return sum;
    }

    /**
     * The prefixes seen so far, sorted.
     *
     * @return a snapshot.
     */
    public java.util.SortedSet<String> prefixes()
    {
        return new java.util.TreeSet<>(byPrefix.keySet());
    }

    /**
     * Visits every non-zero counter (for an exporter).
     *
     * @param visitor receives prefix, operation, status and count.
     */
    public void forEachCount(final CountVisitor visitor)
    {
        for (final String prefix : prefixes())
        {
            final AtomicLongArray counters = byPrefix.get(prefix);
            for (final GatewayOperation operation : GatewayOperation.VALUES)
            {
                for (final GatewayStatus status : GatewayStatus.values())
                {
                    final long count = counters.get(operation.ordinal() * STATUS_COUNT + status.ordinal());
                    if (count != 0)
                    {
                        visitor.onCount(prefix, operation, status, count);
                    }
                }
            }
        }
    }

    /**
     * Records the gateway's own time for one operation.
     *
     * @param nanos the local leg.
     */
    public void recordLocalLeg(final long nanos)
    {
        localLeg.record(nanos);
    }

    /**
     * Records the time NATS took for one operation.
     *
     * @param nanos the NATS leg.
     */
    public void recordNatsLeg(final long nanos)
    {
        natsLeg.record(nanos);
    }

    /**
     * The local leg's latencies since start, nanoseconds.
     *
     * @return a copy (cumulative).
     */
    public Histogram localLegNanos()
    {
        return localLeg.cumulative();
    }

    /**
     * The NATS leg's latencies since start, nanoseconds.
     *
     * @return a copy (cumulative).
     */
    public Histogram natsLegNanos()
    {
        return natsLeg.cumulative();
    }

    /**
     * Makes a circuit breaker's state visible under a name (its downstream's prefix).
     *
     * @param name    the downstream, e.g. {@code orders}.
     * @param breaker the breaker.
     */
    public void registerBreaker(final String name, final CircuitBreaker breaker)
    {
        breakers.put(name, breaker);
    }

    /**
     * Every registered breaker's state now.
     *
     * @return name to state, sorted by name.
     */
    public Map<String, CircuitBreakerState> breakerStates()
    {
        final Map<String, CircuitBreakerState> states = new TreeMap<>();
        breakers.forEach((name, breaker) -> states.put(name, breaker.state()));
        return states;
    }

    /**
     * The registered breakers themselves, sorted by downstream name, for exporters that read a breaker's own metrics
     * (ipc-metrics' {@code CircuitBreakerCollector}, ipc-resilience's {@code CircuitBreakerHealthIndicator}).
     *
     * @return a snapshot of the breakers.
     */
    public java.util.List<CircuitBreaker> breakers()
    {
        return java.util.List.copyOf(new TreeMap<>(breakers).values());
    }

    /**
     * Whether any registered breaker is open (OPEN or FORCED_OPEN).
     *
     * @return true when one is.
     */
    public boolean anyBreakerOpen()
    {
        for (final CircuitBreaker breaker : breakers.values())
        {
            final CircuitBreakerState state = breaker.state();
            if (state == CircuitBreakerState.OPEN || state == CircuitBreakerState.FORCED_OPEN)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Counts a call a rate limiter refused.
     *
     * @param limiter which limiter ({@code total}, {@code client:NAME}, ...).
     */
    public void recordLimiterDenial(final String limiter)
    {
        limiterDenials.computeIfAbsent(limiter, k -> new AtomicLong()).incrementAndGet();
    }

    /**
     * Denials per limiter.
     *
     * @return limiter to count, sorted.
     */
    public Map<String, Long> limiterDenials()
    {
        final Map<String, Long> copy = new TreeMap<>();
        limiterDenials.forEach((name, count) -> copy.put(name, count.get()));
        return copy;
    }

    /**
     * Sets where the spool's depth is read from.
     *
     * @param depth messages waiting in the spool.
     */
    public void spoolDepthSource(final LongSupplier depth)
    {
        this.spoolDepth = depth;
    }

    /**
     * Messages waiting in the spool for NATS.
     *
     * @return the depth, 0 without a spool.
     */
    public long spoolDepth()
    {
        return spoolDepth.getAsLong();
    }

    /**
     * Records the NATS connection's status, from its listener.
     *
     * @param status the status, e.g. {@code CONNECTED}, {@code RECONNECTING}, {@code CLOSED}.
     */
    public void natsStatus(final String status)
    {
        natsStatus.set(status);
    }

    /**
     * Counts a lost NATS connection.
     */
    public void recordNatsDisconnect()
    {
        natsDisconnects.incrementAndGet();
    }

    /**
     * Counts a NATS reconnect.
     */
    public void recordNatsReconnect()
    {
        natsReconnects.incrementAndGet();
    }

    /**
     * The NATS connection's status (the worst of the pool's connections).
     *
     * @return e.g. {@code CONNECTED}.
     */
    public String natsStatus()
    {
        return natsStatus.get();
    }

    /**
     * Whether NATS is connected.
     *
     * @return true when {@link #natsStatus()} is {@code CONNECTED}.
     */
    public boolean natsConnected()
    {
        return "CONNECTED".equals(natsStatus.get());
    }

    /**
     * NATS reconnects since start.
     *
     * @return the count.
     */
    public long natsReconnects()
    {
        return natsReconnects.get();
    }

    /**
     * NATS disconnects since start.
     *
     * @return the count.
     */
    public long natsDisconnects()
    {
        return natsDisconnects.get();
    }

    /**
     * Sets the subscription gauges.
     *
     * @param nats  NATS subscriptions held.
     * @param local local subscriptions they serve.
     */
    public void subscriptions(final long nats, final long local)
    {
        natsSubscriptions.set(nats);
        localSubscriptions.set(local);
    }

    /**
     * NATS subscriptions the gateway holds.
     *
     * @return the count.
     */
    public long natsSubscriptions()
    {
        return natsSubscriptions.get();
    }

    /**
     * Local subscriptions served.
     *
     * @return the count.
     */
    public long localSubscriptions()
    {
        return localSubscriptions.get();
    }

    /**
     * Adds to the requests (and acknowledged publishes) waiting for NATS.
     *
     * @param delta +1 or -1.
     */
    public void addInFlight(final long delta)
    {
        inFlight.addAndGet(delta);
    }

    /**
     * Requests and acknowledged publishes waiting for NATS now.
     *
     * @return the count.
     */
    public long inFlight()
    {
        return inFlight.get();
    }

    /**
     * Counts an audit record the audit appender could not take (its queue full).
     */
    public void recordAuditFailure()
    {
        auditFailures.incrementAndGet();
    }

    /**
     * Audit records lost because the appender's queue was full.
     *
     * @return the count.
     */
    public long auditFailures()
    {
        return auditFailures.get();
    }

    /**
     * Counts a NATS answer (reply, acknowledgement or failure) that came after the gateway had already answered the
     * call itself (its deadline passed or its connection was lost); it is dropped.
     */
    public void recordLateNatsAnswer()
    {
        lateNatsAnswers.incrementAndGet();
    }

    /**
     * NATS answers dropped because the gateway had already answered the call.
     *
     * @return the count.
     */
    public long lateNatsAnswers()
    {
        return lateNatsAnswers.get();
    }

    /**
     * Counts a publish stored in the spool (NATS down or its breaker open).
     */
    public void recordSpooled()
    {
        spooled.incrementAndGet();
    }

    /**
     * Publishes stored in the spool since start.
     *
     * @return the count.
     */
    public long spooled()
    {
        return spooled.get();
    }

    /**
     * Counts spooled publishes delivered to NATS.
     *
     * @param count how many.
     */
    public void recordSpoolDelivered(final long count)
    {
        spoolDelivered.addAndGet(count);
    }

    /**
     * Spooled publishes delivered to NATS since start.
     *
     * @return the count.
     */
    public long spoolDelivered()
    {
        return spoolDelivered.get();
    }

    /**
     * Counts a retried request (idempotent downstreams).
     */
    public void recordRetry()
    {
        retries.incrementAndGet();
    }

    /**
     * Requests sent again after a failure.
     *
     * @return the count.
     */
    public long retries()
    {
        return retries.get();
    }

    /**
     * The gateway's health as a {@code /health} endpoint shows it: {@link Health#DOWN} when NATS is unreachable and
     * a circuit breaker is open (callers fail fast), {@link Health#DEGRADED} when NATS is unreachable, a breaker is
     * not closed or messages wait in the spool, else {@link Health#UP}.
     *
     * @return the health now.
     */
    public Health health()
    {
        final boolean connected = natsConnected();
        if (!connected && anyBreakerOpen())
        {
            return Health.DOWN;
        }
        boolean allClosed = true;
        for (final CircuitBreaker breaker : breakers.values())
        {
            allClosed &= breaker.state() == CircuitBreakerState.CLOSED;
        }
        return connected && allClosed && spoolDepth() == 0 ? Health.UP : Health.DEGRADED;
    }

    /** The gateway's health: {@link #health()}. */
    public enum Health
    {
        /** NATS connected, every breaker closed, nothing spooled. */
        UP,
        /** Working with a fault: NATS reconnecting, a breaker not closed, or messages spooled. */
        DEGRADED,
        /** NATS unreachable and a breaker open: calls fail fast. */
        DOWN
    }

    /**
     * One line of totals for logs: per operation, the OK count and the failures.
     *
     * @return e.g. {@code PUBLISH ok=10 failed=0 REQUEST ok=5 failed=1 ... nats=CONNECTED reconnects=0 ...
     *         localLegUs p50=12 p99=80 natsLegUs p50=300 p99=900}.
     */
    public String summary()
    {
        final StringBuilder out = new StringBuilder();
        for (final GatewayOperation operation : GatewayOperation.VALUES)
        {
            final long ok = total(operation, GatewayStatus.OK);
            out.append(operation).append(" ok=").append(ok).append(" failed=").append(total(operation) - ok)
                .append(' ');
        }
        final Histogram local = localLegNanos();
        final Histogram natsLeg = natsLegNanos();
        return out.append("nats=").append(natsStatus()).append(" reconnects=").append(natsReconnects())
            .append(" spoolDepth=").append(spoolDepth())
            .append(" localLegUs p50=").append(local.getValueAtPercentile(50) / 1000)
            .append(" p99=").append(local.getValueAtPercentile(99) / 1000)
            .append(" natsLegUs p50=").append(natsLeg.getValueAtPercentile(50) / 1000)
            .append(" p99=").append(natsLeg.getValueAtPercentile(99) / 1000).toString();
    }

    /**
     * The first token of a subject, the key of its counters.
     *
     * @param subject a subject or pattern.
     * @return its prefix.
     */
    public static String prefixOf(final String subject)
    {
        final int dot = subject.indexOf('.');
        return dot < 0 ? subject : subject.substring(0, dot);
    }

    private AtomicLongArray countersOf(final String subject)
    {
        final AtomicLongArray cached = bySubject.get(subject);
        if (cached != null)
        {
            return cached;
        }
        String prefix = prefixOf(subject);
        if (!byPrefix.containsKey(prefix) && byPrefix.size() >= MAX_PREFIXES)
        {
            prefix = OTHER_PREFIX;
        }
        final AtomicLongArray counters = byPrefix.computeIfAbsent(prefix, k -> new AtomicLongArray(CELLS));
        if (bySubject.size() < MAX_CACHED_SUBJECTS)
        {
            bySubject.put(subject, counters);
        }
        return counters;
    }

    /** Receives the counters of {@link #forEachCount}. */
    @FunctionalInterface
    public interface CountVisitor
    {
        /**
         * One counter.
         *
         * @param prefix    the subject prefix.
         * @param operation the operation.
         * @param status    the outcome.
         * @param count     the count.
         */
        void onCount(String prefix, GatewayOperation operation, GatewayStatus status, long count);
    }

    /** A wait-free recorder whose intervals are summed into a cumulative histogram when read. */
    private static final class LatencyRecorder
    {
        private final Recorder recorder = new Recorder(HIGHEST_TRACKABLE_NANOS, 3);
        private final Histogram cumulative = new Histogram(HIGHEST_TRACKABLE_NANOS, 3);
        private Histogram interval;

        void record(final long nanos)
        {
            recorder.recordValue(Math.max(0, Math.min(nanos, HIGHEST_TRACKABLE_NANOS)));
        }

        synchronized Histogram cumulative()
        {
            interval = recorder.getIntervalHistogram(interval);
            cumulative.add(interval);
            return cumulative.copy();
        }
    }
}
