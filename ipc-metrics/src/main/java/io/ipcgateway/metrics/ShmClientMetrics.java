package io.ipcgateway.metrics;

import java.time.Duration;
import java.util.List;

import io.ipcgateway.core.Codec;
import io.ipcgateway.shm.CallResult;

import io.ipcgateway.shm.ShmClient;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.GaugeMetricFamily;

/**
 * The in-process metrics of one {@link ShmClient}: requests in flight ({@code ipc_inflight_requests}, counted at
 * scrape time) and request round trips ({@code ipc_request_duration_seconds}, recorded by the caller into
 * {@link #roundTrips()}, optionally sampled). The client's shared-memory counters are exported by
 * {@link ShmCollector}; this adds what only the client's own process knows.
 * <pre>{@code
 * ShmClientMetrics metrics = StandardMetrics.client(registry, client, "orders", 1);
 * long price = metrics.tryCall(QUOTE, "AAPL", Codecs.utf8(), Codecs.int64(), timeout).orThrow();   // recorded
 * // or time any request yourself:
 * long start = System.nanoTime();
 * long result = client.request(type, buffer, 0, length, onResponse, timeoutNs);
 * metrics.roundTrips().recordNanos(System.nanoTime() - start);
 * }</pre>
 */
public final class ShmClientMetrics
{
    private final ShmClient client;
    private final List<String> labels;
    private final LatencyRecorder roundTrips;
    private final LatencyHistogramCollector histogram;

    /**
     * Metrics for one client.
     *
     * @param client      the connected client.
     * @param service     the service it is connected to (the {@code service} label).
     * @param sampleEvery record one round trip in this many (1 records all).
     */
    public ShmClientMetrics(final ShmClient client, final String service, final int sampleEvery)
    {
        this.client = client;
        final String file = client.inboxFile().getFileName().toString();
        final String channel = file.endsWith(".ipc") ? file.substring(0, file.length() - ".ipc".length()) : file;
        this.labels = List.of(service, channel);
        this.roundTrips = new LatencyRecorder(sampleEvery);
        this.histogram = new LatencyHistogramCollector("ipc_request_duration_seconds",
            "Request round trip at the client, from send to response.", "service", "channel")
            .add(roundTrips, service, channel);
    }

    /**
     * Where callers record round trips; safe from any number of threads.
     *
     * @return the recorder.
     */
    public LatencyRecorder roundTrips()
    {
        return roundTrips;
    }

    /**
     * {@link ShmClient#tryCall} with its round trip recorded into {@link #roundTrips()} when a response arrived
     * (a value or an error status; time-outs and failures to send are not round trips).
     *
     * @param typeId        application type id.
     * @param request       the request value.
     * @param requestCodec  encodes the request.
     * @param responseCodec decodes the response.
     * @param timeout       how long to wait.
     * @param <Q>           the request type.
     * @param <R>           the response type.
     * @return the outcome ({@link CallResult#orThrow()} to throw).
     */
    public <Q, R> CallResult<R> tryCall(
        final int typeId, final Q request, final Codec<Q> requestCodec, final Codec<R> responseCodec,
        final Duration timeout)
    {
        final long start = System.nanoTime();
        final CallResult<R> result = client.tryCall(typeId, request, requestCodec, responseCodec, timeout);
        if (result.code() >= 0)
        {
            roundTrips.recordNanos(System.nanoTime() - start);
        }
        return result;
    }

    /**
     * Registers the in-flight gauge and the round-trip histogram.
     *
     * @param registry the registry served on {@code /metrics}.
     * @return this.
     */
    public ShmClientMetrics register(final CollectorRegistry registry)
    {
        histogram.register(registry);
        new InFlightCollector().register(registry);
        return this;
    }

    /** Reads the client's request slots at scrape time. */
    private final class InFlightCollector extends Collector
    {
        @Override
        public List<MetricFamilySamples> collect()
        {
            final GaugeMetricFamily inFlight = new GaugeMetricFamily("ipc_inflight_requests",
                "Requests sent by the client and not yet answered, timed out or abandoned.",
                List.of("service", "channel"));
            inFlight.addMetric(labels, client.inFlightRequests());
            return List.of(inFlight);
        }
    }
}
