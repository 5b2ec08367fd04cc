package io.ipcgateway.metrics;

import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.OfferResult;
import io.ipcgateway.shm.ClientContext;
import io.ipcgateway.shm.ClientSession;
import io.ipcgateway.shm.ServerContext;
import io.ipcgateway.shm.ServerHandler;
import io.ipcgateway.shm.ShmClient;
import io.ipcgateway.shm.ShmResponse;
import io.ipcgateway.shm.ShmServer;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class ShmClientMetricsTest
{
    private static final int UNANSWERED = 9;

    @TempDir
    Path dir;

    @Test
    void shouldCountUnansweredRequestsAndExportRecordedRoundTrips() throws Exception
    {
        final ServerHandler answersAllButNine = new ServerHandler()
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
                if (typeId != UNANSWERED)
                {
                    session.respond(correlationId, typeId, buffer, offset, length);
                }
            }
        };
        try (ShmServer server = ShmServer.launch(
                new ServerContext().serviceName("inflight").baseDirectory(dir), answersAllButNine);
            ShmClient client = ShmClient.connect(new ClientContext().serviceName("inflight").baseDirectory(dir)))
        {
            assertThat(server.sessionCount()).isEqualTo(1);
            final CollectorRegistry registry = new CollectorRegistry();
            final ShmClientMetrics metrics = new ShmClientMetrics(client, "inflight", 1).register(registry);
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
            for (int i = 0; i < 50; i++)
            {
                final long start = System.nanoTime();
                assertThat(client.request(1, payload, 0, 8, (t, b, o, l) -> { }, TimeUnit.SECONDS.toNanos(5)))
                    .isEqualTo(OfferResult.OK);
                metrics.roundTrips().recordNanos(System.nanoTime() - start);
            }
            final List<CompletableFuture<ShmResponse>> pending = new ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                pending.add(client.requestAsync(UNANSWERED, payload, 0, 8, TimeUnit.SECONDS.toNanos(30)));
            }

            final String exposition = scrape(registry);
            assertThat(exposition)
                .containsPattern("ipc_inflight_requests\\{service=\"inflight\",channel=\"client-\\d+-\\d+\",} 3.0")
                .containsPattern("ipc_request_duration_seconds_count\\{service=\"inflight\",channel=\"client-"
                    + "\\d+-\\d+\",} 50.0");
            assertThat(pending).noneMatch(CompletableFuture::isDone);
        }
    }

    private static String scrape(final CollectorRegistry registry) throws Exception
    {
        final StringWriter text = new StringWriter();
        TextFormat.write004(text, registry.metricFamilySamples());
        return text.toString();
    }
}
