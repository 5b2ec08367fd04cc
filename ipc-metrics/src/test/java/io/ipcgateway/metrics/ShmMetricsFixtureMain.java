package io.ipcgateway.metrics;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import io.ipcgateway.shm.ClientSession;
import io.ipcgateway.shm.ServerContext;
import io.ipcgateway.shm.ServerHandler;
import io.ipcgateway.shm.ShmServer;
import io.prometheus.client.CollectorRegistry;
import org.agrona.DirectBuffer;

/**
 * A process running an echo service with its metrics endpoint, for {@link ShmMetricsProcessTest}: the service
 * {@code args[1]} in base directory {@code args[0]}, answering every request with its own payload and timing its
 * handler. Prints {@code PORT n} when ready, serves until its standard input closes.
 */
public final class ShmMetricsFixtureMain
{
    private ShmMetricsFixtureMain()
    {
    }

    /**
     * Runs the fixture.
     *
     * @param args base directory, service name.
     * @throws Exception if serving fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final Path baseDirectory = Paths.get(args[0]);
        final String service = args[1];
        final LatencyRecorder handlerTime = new LatencyRecorder();
        final ServerHandler echo = new ServerHandler()
        {
            @Override
            public void onRequest(
                final ClientSession session,
                final long correlationId,
                final int typeId,
                final DirectBuffer buffer,
                final int offset,
                final int length)
            {
                final long start = System.nanoTime();
                session.respond(correlationId, typeId, buffer, offset, length);
                handlerTime.recordNanos(System.nanoTime() - start);
            }
        };
        final CollectorRegistry registry = new CollectorRegistry();
        new ShmCollector(baseDirectory).register(registry);
        new LatencyHistogramCollector("ipc_handler_duration_seconds", "Server handler time.", "service")
            .add(handlerTime, service)
            .register(registry);

        try (ShmServer server = ShmServer.launch(
                new ServerContext().serviceName(service).baseDirectory(baseDirectory), echo);
            MetricsServer metrics = MetricsServer.start(0, registry))
        {
            metrics.addHealthSource(new ShmHealth(baseDirectory, List.of(service)));
            System.out.println("PORT " + metrics.port() + " SESSIONS " + server.sessionCount());
            System.out.flush();
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null)
            {
                // serve until the test closes our standard input
            }
        }
    }
}
