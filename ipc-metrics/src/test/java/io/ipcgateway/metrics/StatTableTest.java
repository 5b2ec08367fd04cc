package io.ipcgateway.metrics;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.CounterKind;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.shm.ClientContext;
import io.ipcgateway.shm.ServerContext;
import io.ipcgateway.shm.ServerHandler;
import io.ipcgateway.shm.ShmClient;
import io.ipcgateway.shm.ShmObserver;
import io.ipcgateway.shm.ShmServer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class StatTableTest
{
    @TempDir
    Path dir;

    @Test
    void shouldShowTotalsFirstThenRatesBetweenRenderings() throws Exception
    {
        try (ShmServer server = ShmServer.launch(
                new ServerContext().serviceName("stat").baseDirectory(dir), new ServerHandler() { });
            ShmClient client = ShmClient.connect(new ClientContext().serviceName("stat").baseDirectory(dir)))
        {
            assertThat(server.sessionCount()).isEqualTo(1);
            final ShmObserver observer = new ShmObserver(dir);
            final StatTable table = new StatTable();
            final String first = table.render(observer.snapshot(), observer.problems(), 1_000_000_000L);

            final UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
            for (int i = 0; i < 500; i++)
            {
                while (client.offer(1, payload, 0, 16) == OfferResult.BACK_PRESSURED)
                {
                    Thread.onSpinWait();
                }
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            // The client publishes what it sent every 64 messages and at its watchdog's pass (at most 1 s apart).
            while ((server.messagesReceived() < 500 || client.counters().get(CounterKind.MESSAGES_SENT) < 500) &&
                System.nanoTime() < deadline)
            {
                Thread.sleep(5);
            }
            final String second = table.render(observer.snapshot(), observer.problems(), 3_000_000_000L);

            assertThat(first.lines().toList()).hasSize(3);
            assertThat(first.lines().toList().get(0)).startsWith("SERVICE").contains("IN_MSG/S")
                .endsWith("WAIT S/P");
            assertThat(first.lines().toList().get(1)).startsWith("stat").contains("server").contains(" - ");
            final List<String> rows = second.lines().toList();
            assertThat(rows.get(1)).contains("server").containsPattern("\\s250\\s+0\\s+500\\s");
            assertThat(rows.get(2)).contains("client-").containsPattern("\\s0\\s+250\\s+0\\s+500\\s");
            assertThat(rows.get(1)).as("no request waits: none spinning, none asleep").endsWith(" 0/0");
        }
    }

    @Test
    void shouldSayWhenNothingRunsAndListUnreadableFiles()
    {
        final String text = new StatTable().render(List.of(), List.of("/x/server.ipc: bad magic"), 1L);
        assertThat(text).contains("(no running services)").contains("unreadable: /x/server.ipc: bad magic");
    }
}
