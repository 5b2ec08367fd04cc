package io.ipcgateway.metrics;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.ipcgateway.core.health.Health;
import io.ipcgateway.core.health.HealthIndicator;
import io.ipcgateway.core.health.HealthStatus;
import io.prometheus.client.CollectorRegistry;

/**
 * A process that serves known metrics for {@link MetricsEndpointProcessTest}: 100 latencies (90 at 3 us, 10 at
 * 2 ms) and one health component whose status is the first argument. Prints {@code PORT n}, then serves until
 * its standard input closes.
 */
public final class MetricsFixtureMain
{
    private MetricsFixtureMain()
    {
    }

    /**
     * Runs the fixture.
     *
     * @param args the health status of the one component: UP, DEGRADED or DOWN.
     * @throws Exception if serving fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final HealthStatus status = HealthStatus.valueOf(args[0]);
        final CollectorRegistry registry = new CollectorRegistry();
        final LatencyRecorder recorder = new LatencyRecorder();
        new LatencyHistogramCollector("ipc_request_duration_seconds", "Request round trip at the client.", "service")
            .add(recorder, "fixture")
            .register(registry);
        for (int i = 0; i < 90; i++)
        {
            recorder.recordNanos(3_000);
        }
        for (int i = 0; i < 10; i++)
        {
            recorder.recordNanos(2_000_000);
        }

        try (MetricsServer server = MetricsServer.start(0, registry))
        {
            server.addHealthIndicator(
                HealthIndicator.of("service:fixture", Health.of(status, Map.of("heartbeatAgeMs", 5L))));
            System.out.println("PORT " + server.port());
            System.out.flush();
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null)
            {
                // serve until the test closes our standard input
            }
        }
    }
}
