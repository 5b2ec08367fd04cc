package io.ipcgateway.shm;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.OfferResult;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ShmClient#offer(int, org.agrona.DirectBuffer, int, int, long)}: one-way producers that wait for room in a full
 * inbox.
 */
class BlockingOfferTest
{
    private static final int RING = 1024;

    @TempDir
    Path dir;

    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[4]);

    @Test
    @Timeout(60)
    void shouldReturnBackPressuredAfterTheTimeoutWhenTheServerNeverMakesRoom() throws Exception
    {
        // A server whose duty cycle nobody drives: its inbox fills and stays full.
        try (ShmServer server = ShmServer.create(new ServerContext().serviceName("full").baseDirectory(dir)
            .ringCapacity(RING).idleMode(IdleMode.BLOCK), new EchoHandler()))
        {
            final Thread driver = new Thread(() ->
            {
                try
                {
                    while (server.sessionCount() == 0 && !Thread.currentThread().isInterrupted())
                    {
                        server.agent().doWork();
                    }
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
            });
            driver.start();
            try (ShmClient client = ShmClient.connect(new ClientContext().serviceName("full").baseDirectory(dir)
                .idleMode(IdleMode.BLOCK)))
            {
                driver.join(TimeUnit.SECONDS.toMillis(30));
                int sent = 0;
                while (client.offer(1, payload, 0, payload.capacity()) == OfferResult.OK)
                {
                    sent++;
                }
                assertThat(sent).isPositive();
                final long result = client.offer(1, payload, 0, payload.capacity(), TimeUnit.MILLISECONDS.toNanos(50));
                assertThat(result).isEqualTo(OfferResult.BACK_PRESSURED);
                assertThat(RoomWait.waitingProducers()).isZero();
            }
        }
    }

    @Test
    @Timeout(120)
    void shouldDeliverEveryMessageWhenManyProducersWaitForRoom() throws Exception
    {
        final int producers = 16;
        final int perProducer = 5_000;
        final EchoHandler handler = new EchoHandler();
        try (ShmServer server = ShmServer.launch(new ServerContext().serviceName("room").baseDirectory(dir)
            .ringCapacity(RING).idleMode(IdleMode.BLOCK), handler);
            ShmClient client = ShmClient.connect(new ClientContext().serviceName("room").baseDirectory(dir)
                .idleMode(IdleMode.BLOCK)))
        {
            final AtomicLong failures = new AtomicLong();
            final Thread[] threads = new Thread[producers];
            for (int p = 0; p < producers; p++)
            {
                threads[p] = new Thread(() ->
                {
                    final UnsafeBuffer message = new UnsafeBuffer(new byte[4]);
                    for (int i = 0; i < perProducer; i++)
                    {
                        if (client.offer(1, message, 0, 4, TimeUnit.SECONDS.toNanos(30)) != OfferResult.OK)
                        {
                            failures.incrementAndGet();
                        }
                    }
                });
                threads[p].start();
            }
            for (final Thread thread : threads)
            {
                thread.join();
            }
            assertThat(failures.get()).isZero();
            assertThat(server.sessionCount()).isEqualTo(1);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (handler.messages.get() < (long)producers * perProducer && System.nanoTime() - deadline < 0)
            {
                Thread.sleep(1);
            }
            assertThat(handler.messages.get()).isEqualTo((long)producers * perProducer);
            assertThat(RoomWait.waitingProducers()).isZero();
            assertThat(client.counters().get(io.ipcgateway.core.CounterKind.BACK_PRESSURE_EVENTS))
                .as("the inbox was full at times: the producers waited").isPositive();
        }
    }
}
