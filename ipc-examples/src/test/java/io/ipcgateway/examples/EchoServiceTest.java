package io.ipcgateway.examples;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.shm.ClientContext;
import io.ipcgateway.shm.ServerContext;
import io.ipcgateway.shm.ShmClient;
import io.ipcgateway.shm.ShmServer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The echo service and the load client's senders over a real transport, in one JVM (the ITs cover separate JVMs).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EchoServiceTest
{
    private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(10);

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final EchoHandler handler = new EchoHandler(new PrintStream(log, true, StandardCharsets.UTF_8));

    @Test
    void shouldCountOneWayMessagesOfTheAskingSessionOnly(@TempDir final Path dir) throws Exception
    {
        try (ShmServer server = ShmServer.launch(serverContext(dir), handler);
            ShmClient first = ShmClient.connect(clientContext(dir));
            ShmClient second = ShmClient.connect(clientContext(dir)))
        {
            final LoadDriver.Result firstRun = LoadDriver.run(3, 3_000, 0,
                (client) -> EchoSenders.create(first, LoadMode.ONEWAY, client, 32, IdleMode.BLOCK, TIMEOUT));
            final LoadDriver.Result secondRun = LoadDriver.run(1, 500, 0,
                (client) -> EchoSenders.create(second, LoadMode.ONEWAY, client, 32, IdleMode.BLOCK, TIMEOUT));

            assertThat(firstRun.failure()).isNull();
            assertThat(secondRun.failure()).isNull();
            assertThat(EchoSenders.serverCount(first, TIMEOUT)).isEqualTo(3_000);
            assertThat(EchoSenders.serverCount(second, TIMEOUT)).isEqualTo(500);
            assertThat(handler.messages()).isEqualTo(3_500);
            assertThat(server.sessionCount()).isEqualTo(2);
        }
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("client connected", "client disconnected");
    }

    @Test
    void shouldEchoEveryRequestToTheThreadThatSentIt(@TempDir final Path dir) throws Exception
    {
        try (ShmServer server = ShmServer.launch(serverContext(dir), handler);
            ShmClient client = ShmClient.connect(clientContext(dir)))
        {
            final LoadDriver.Result result = LoadDriver.run(4, 4_000, 0,
                (index) -> EchoSenders.create(client, LoadMode.RR, index, 100, IdleMode.BLOCK, TIMEOUT));

            assertThat(result.failure()).isNull();
            assertThat(result.totalCompletions()).isEqualTo(4_000);
            assertThat(handler.requests()).isEqualTo(4_000);
            assertThat(handler.responsesDropped()).isZero();
            assertThat(server.messagesReceived()).isGreaterThanOrEqualTo(4_000);
        }
    }

    @Test
    void shouldEchoRequestsLargerThanOneRingRecord(@TempDir final Path dir) throws Exception
    {
        try (ShmServer server = ShmServer.launch(serverContext(dir), handler);
            ShmClient client = ShmClient.connect(clientContext(dir)))
        {
            final LoadDriver.Sender sender = EchoSenders.create(client, LoadMode.RR, 0, 200_000, IdleMode.SPIN,
                TIMEOUT);

            for (int i = 0; i < 5; i++)
            {
                assertThat(sender.send()).isEqualTo(OfferResult.OK);
            }
            assertThat(handler.requests()).isEqualTo(5);
            assertThat(server.sessionCount()).isEqualTo(1);
        }
    }

    @Test
    void shouldAnswerTheCountWithZeroBeforeAnyMessage(@TempDir final Path dir)
    {
        try (ShmServer server = ShmServer.launch(serverContext(dir), handler);
            ShmClient client = ShmClient.connect(clientContext(dir)))
        {
            assertThat(server.sessionCount()).isEqualTo(1);
            assertThat(EchoSenders.serverCount(client, TIMEOUT)).isZero();
            assertThat(client.request(EchoProtocol.ECHO_TYPE_ID, new UnsafeBuffer(new byte[0]), 0, 0,
                (typeId, buffer, offset, length) -> assertThat(length).isZero(), TIMEOUT)).isEqualTo(OfferResult.OK);
        }
    }

    @Test
    void shouldWaitForRoomBeforeAskingTheCountAfterAFullRing(@TempDir final Path dir) throws Exception
    {
        final ShmServer server = ShmServer.create(serverContext(dir).ringCapacity(64 * 1024), handler);
        final AtomicBoolean paused = new AtomicBoolean();
        final AtomicBoolean running = new AtomicBoolean(true);
        final Thread duty = new Thread(() ->
        {
            while (running.get())
            {
                if (paused.get() || doWork(server) == 0)
                {
                    Thread.onSpinWait();
                }
            }
        }, "test-server-duty");
        duty.start();
        try (ShmClient client = ShmClient.connect(clientContext(dir)))
        {
            paused.set(true);
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
            long offered = 0;
            while (client.offer(EchoProtocol.MESSAGE_TYPE_ID, payload, 0, 64) == OfferResult.OK)
            {
                offered++;
            }
            // Fill the last gaps with empty messages, the size of a count request, so not even that fits.
            while (client.offer(EchoProtocol.MESSAGE_TYPE_ID, payload, 0, 0) == OfferResult.OK)
            {
                offered++;
            }
            final Thread resume = new Thread(() ->
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                paused.set(false);
            });
            resume.start();

            assertThat(EchoSenders.serverCount(client, TIMEOUT)).isEqualTo(offered);
            resume.join();
        }
        finally
        {
            running.set(false);
            duty.join();
            server.close();
        }
    }

    private static int doWork(final ShmServer server)
    {
        try
        {
            return server.agent().doWork();
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static ServerContext serverContext(final Path dir)
    {
        return new ServerContext().serviceName("echo-test").baseDirectory(dir).idleMode(IdleMode.BLOCK);
    }

    private static ClientContext clientContext(final Path dir)
    {
        return new ClientContext().serviceName("echo-test").baseDirectory(dir).idleMode(IdleMode.BLOCK)
            .connectTimeoutNs(TIMEOUT).requestTimeoutNs(TIMEOUT);
    }
}
