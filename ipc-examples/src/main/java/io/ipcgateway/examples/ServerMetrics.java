package io.ipcgateway.examples;

import java.nio.file.Path;
import java.util.List;

import io.ipcgateway.metrics.LatencyHistogramCollector;
import io.ipcgateway.metrics.LatencyRecorder;
import io.ipcgateway.metrics.MetricsServer;
import io.ipcgateway.metrics.ShmCollector;
import io.ipcgateway.metrics.ShmHealth;
import io.ipcgateway.metrics.TimedServerHandler;
import io.ipcgateway.shm.ServerHandler;
import io.ipcgateway.shm.ShmObserver;
import io.prometheus.client.CollectorRegistry;

/**
 * The metrics endpoint of {@code bin/ipc server --metrics-port}: the service's shared-memory counters (its own
 * channel and every client's), its handler time, and {@code /health} for the service and its peers.
 */
final class ServerMetrics implements AutoCloseable
{
    private final LatencyRecorder handlerTime = LatencyRecorder.singleWriter();
    private final CollectorRegistry registry = new CollectorRegistry();
    private MetricsServer server;

    /**
     * Wraps the handler so its request times are recorded; call before the server starts.
     *
     * @param handler the service's handler.
     * @return the timed handler to give the server.
     */
    ServerHandler timed(final ServerHandler handler)
    {
        return new TimedServerHandler(handler, handlerTime);
    }

    /**
     * Starts serving on loopback once the service exists.
     *
     * @param port          the port, 0 for any free one.
     * @param baseDirectory the transport's base directory.
     * @param service       the service name.
     * @return the port actually bound.
     */
    int start(final int port, final Path baseDirectory, final String service)
    {
        new ShmCollector(new ShmObserver(baseDirectory, service)).register(registry);
        new LatencyHistogramCollector("ipc_handler_duration_seconds",
            "Time the server's handler took per request, response included.", "service")
            .add(handlerTime, service)
            .register(registry);
        server = MetricsServer.start(port, registry);
        server.addHealthSource(new ShmHealth(new ShmObserver(baseDirectory, service), List.of(service),
            ShmHealth.DEFAULT_STALE_AFTER_NS, ShmHealth.DEFAULT_OCCUPANCY_THRESHOLD));
        return server.port();
    }

    @Override
    public void close()
    {
        if (server != null)
        {
            server.close();
        }
    }
}
