package io.ipcgateway.metrics;

import java.nio.file.Path;
import java.util.List;

import io.ipcgateway.shm.ServerContext;
import io.ipcgateway.shm.ServerHandler;
import io.ipcgateway.shm.ShmClient;
import io.ipcgateway.shm.ShmConfiguration;
import io.ipcgateway.shm.ShmObserver;
import io.prometheus.client.CollectorRegistry;

/**
 * The standard metrics wired in one call each, with the names and labels of {@code docs/ops/README.md}, observing
 * only the named services (so one stale service elsewhere under the base directory neither turns {@code /health}
 * into 503 nor shows up in this process's export, and two processes do not export the same channels twice).
 * <pre>{@code
 * // server process
 * CollectorRegistry registry = new CollectorRegistry();
 * ServerContext context = new ServerContext().serviceName("quotes");
 * ShmServer server = ShmServer.launch(context, StandardMetrics.server(registry, context, handler));
 * MetricsServer endpoint = StandardMetrics.serve(9464, registry, context.baseDirectory(), "quotes");
 *
 * // client process
 * ShmClientMetrics metrics = StandardMetrics.client(registry, client, "quotes", 1);
 * }</pre>
 */
public final class StandardMetrics
{
    /** Histogram of the server's handler time per request, label {@code service}. */
    public static final String HANDLER_DURATION = "ipc_handler_duration_seconds";

    /** Histogram of the client's request round trips, labels {@code service} and {@code channel}. */
    public static final String REQUEST_DURATION = "ipc_request_duration_seconds";

    private StandardMetrics()
    {
    }

    /**
     * For a server about to launch: registers the service's shared-memory counters ({@link ShmCollector} over this
     * service only) and the {@value #HANDLER_DURATION} histogram, and returns the handler to give the server, which
     * records each request's handling time.
     *
     * @param registry the registry served on {@code /metrics}.
     * @param context  the server's settings, before launch: its service name and base directory (the default when
     *                 unset) are read.
     * @param handler  the application's handler.
     * @return the timed handler, for {@code ShmServer.launch(context, ...)}.
     */
    public static ServerHandler server(
        final CollectorRegistry registry, final ServerContext context, final ServerHandler handler)
    {
        final String service = ShmConfiguration.validateServiceName(context.serviceName());
        final LatencyRecorder handlerTime = LatencyRecorder.singleWriter();
        new ShmCollector(new ShmObserver(baseDirectory(context.baseDirectory()), service)).register(registry);
        new LatencyHistogramCollector(HANDLER_DURATION,
            "Time the server's handler took per request, response included.", "service")
            .add(handlerTime, service)
            .register(registry);
        return new TimedServerHandler(handler, handlerTime);
    }

    /**
     * For a connected client: registers {@code ipc_inflight_requests} and the {@value #REQUEST_DURATION} histogram;
     * record round trips into {@link ShmClientMetrics#roundTrips()}.
     *
     * @param registry    the registry served on {@code /metrics}.
     * @param client      the client.
     * @param service     the service it is connected to (the {@code service} label).
     * @param sampleEvery record one round trip in this many (1 records all).
     * @return the client's metrics.
     */
    public static ShmClientMetrics client(
        final CollectorRegistry registry, final ShmClient client, final String service, final int sampleEvery)
    {
        return new ShmClientMetrics(client, service, sampleEvery).register(registry);
    }

    /**
     * Starts the HTTP endpoint on loopback with {@code /health} over the named services only.
     *
     * @param port          the TCP port, 0 for any free one.
     * @param registry      the registry to serve on {@code /metrics}.
     * @param baseDirectory the transport's base directory, or null for the default.
     * @param services      the services this process is responsible for; each is DOWN while absent.
     * @return the running endpoint.
     */
    public static MetricsServer serve(
        final int port, final CollectorRegistry registry, final Path baseDirectory, final String... services)
    {
        final MetricsServer server = MetricsServer.start(port, registry);
        server.addHealthSource(new ShmHealth(baseDirectory(baseDirectory), List.of(services)));
        return server;
    }

    private static Path baseDirectory(final Path configured)
    {
        return configured != null ? configured : ShmConfiguration.defaultBaseDirectory();
    }
}
