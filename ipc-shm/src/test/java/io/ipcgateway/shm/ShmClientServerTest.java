package io.ipcgateway.shm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.MessageClaim;
import io.ipcgateway.core.OfferResult;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ShmClientServerTest
{
    @TempDir
    Path dir;

    private ServerContext serverContext(final IdleMode mode)
    {
        return new ServerContext().serviceName("svc").baseDirectory(dir).idleMode(mode).ringCapacity(64 * 1024);
    }

    private ClientContext clientContext(final IdleMode mode)
    {
        return new ClientContext().serviceName("svc").baseDirectory(dir).idleMode(mode)
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(10));
    }

    @ParameterizedTest
    @EnumSource(value = IdleMode.class, names = {"SPIN", "BLOCK"})
    void shouldDeliverOneWayMessagesExactlyOnceInOrder(final IdleMode mode) throws Exception
    {
        final EchoHandler handler = new EchoHandler();
        try (ShmServer server = ShmServer.launch(serverContext(mode), handler);
            ShmClient client = ShmClient.connect(clientContext(mode)))
        {
            assertThat(server.sessionCount()).isEqualTo(1);
            final UnsafeBuffer message = new UnsafeBuffer(new byte[32]);
            final int count = 200_000;
            for (long i = 1; i <= count; i++)
            {
                message.putLong(0, i);
                while (client.offer(1, message, 0, 32) == OfferResult.BACK_PRESSURED)
                {
                    Thread.onSpinWait();
                }
            }
            awaitValue(handler.messages, count);
            assertThat(handler.outOfOrder.get()).isZero();
            assertThat(handler.bytes.get()).isEqualTo(32L * count);
        }
    }

    @ParameterizedTest
    @EnumSource(value = IdleMode.class, names = {"SPIN", "YIELD", "BLOCK"})
    void shouldAnswerRequestsWithTheirOwnResponses(final IdleMode mode)
    {
        try (ShmServer server = ShmServer.launch(serverContext(mode), new EchoHandler());
            ShmClient client = ShmClient.connect(clientContext(mode)))
        {
            assertThat(server.sessionCount()).isEqualTo(1);
            final UnsafeBuffer request = new UnsafeBuffer(new byte[64]);
            final long[] echoed = new long[1];
            for (long i = 0; i < 5_000; i++)
            {
                request.putLong(0, i);
                final long result = client.request(7, request, 0, 64,
                    (typeId, buffer, offset, length) -> echoed[0] = buffer.getLong(offset) + typeId * 1_000_000_000L,
                    TimeUnit.SECONDS.toNanos(5));
                assertThat(result).as(OfferResult.describe(result)).isEqualTo(OfferResult.OK);
                assertThat(echoed[0]).isEqualTo(i + 7_000_000_000L);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = IdleMode.class, names = {"YIELD", "BLOCK"})
    void shouldServeManyThreadsSharingOneClient(final IdleMode mode) throws Exception
    {
        try (ShmServer server = ShmServer.launch(serverContext(mode), new EchoHandler());
            ShmClient client = ShmClient.connect(clientContext(mode)))
        {
            assertThat(server.sessionCount()).isEqualTo(1);
            final int threads = 8;
            final int perThread = 2_000;
            final AtomicLong failures = new AtomicLong();
            final AtomicInteger[] done = new AtomicInteger[threads];
            final List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final int id = t;
                done[t] = new AtomicInteger();
                final Thread worker = new Thread(() ->
                {
                    final UnsafeBuffer request = new UnsafeBuffer(new byte[16]);
                    final long[] got = new long[1];
                    for (int i = 0; i < perThread; i++)
                    {
                        final long expected = ((long)id << 32) | i;
                        request.putLong(0, expected);
                        final long result = client.request(1, request, 0, 16,
                            (typeId, buffer, offset, length) -> got[0] = buffer.getLong(offset),
                            TimeUnit.SECONDS.toNanos(10));
                        if (result != OfferResult.OK || got[0] != expected)
                        {
                            failures.incrementAndGet();
                        }
                        done[id].incrementAndGet();
                    }
                });
                workers.add(worker);
                worker.start();
            }
            for (final Thread worker : workers)
            {
                worker.join(TimeUnit.SECONDS.toMillis(50));
            }
            assertThat(failures.get()).isZero();
            for (final AtomicInteger d : done)
            {
                assertThat(d.get()).isEqualTo(perThread);
            }
        }
    }

    @Test
    void shouldCompleteAsyncRequestsAndPushesWithReceiverThread() throws Exception
    {
        final List<Long> pushes = new java.util.concurrent.CopyOnWriteArrayList<>();
        final EchoHandler handler = new EchoHandler();
        try (ShmServer server = ShmServer.launch(serverContext(IdleMode.BLOCK), handler);
            ShmClient client = ShmClient.connect(clientContext(IdleMode.BLOCK).receiverThread(true)
                .pushHandler((typeId, buffer, offset, length) -> pushes.add(buffer.getLong(offset)))))
        {
            assertThat(server.sessionCount()).isEqualTo(1);
            final UnsafeBuffer request = new UnsafeBuffer(new byte[8]);
            final List<CompletableFuture<ShmResponse>> futures = new ArrayList<>();
            for (long i = 0; i < 100; i++)
            {
                request.putLong(0, i);
                futures.add(client.requestAsync(3, request, 0, 8, TimeUnit.SECONDS.toNanos(5)));
            }
            for (int i = 0; i < futures.size(); i++)
            {
                final ShmResponse response = futures.get(i).get(10, TimeUnit.SECONDS);
                assertThat(response.typeId()).isEqualTo(3);
                assertThat(response.buffer().getLong(0)).isEqualTo(i);
            }
            final UnsafeBuffer push = new UnsafeBuffer(new byte[8]);
            push.putLong(0, 42);
            // Pushes are sent from the server's duty thread in real use; here the server is idle, so the test
            // thread is the only writer of the client's ring.
            assertThat(handler.lastSession.push(9, push, 0, 8)).isEqualTo(OfferResult.OK);
            awaitTrue(() -> pushes.contains(42L));
        }
    }

    @Test
    void shouldFragmentAndReassembleLargeMessagesBothWays()
    {
        final EchoHandler handler = new EchoHandler();
        try (ShmServer server = ShmServer.launch(serverContext(IdleMode.BLOCK), handler);
            ShmClient client = ShmClient.connect(clientContext(IdleMode.BLOCK)))
        {
            assertThat(server.sessionCount()).isEqualTo(1);
            final int size = 5 * 1024 * 1024;
            final UnsafeBuffer request = new UnsafeBuffer(new byte[size]);
            for (int i = 0; i < size; i += 4)
            {
                request.putInt(i, i * 31);
            }
            final boolean[] same = new boolean[1];
            final long result = client.request(2, request, 0, size, (typeId, buffer, offset, length) ->
            {
                boolean ok = length == size;
                for (int i = 0; ok && i < size; i += 4)
                {
                    ok = buffer.getInt(offset + i) == i * 31;
                }
                same[0] = ok;
            }, TimeUnit.SECONDS.toNanos(20));
            assertThat(OfferResult.describe(result)).isEqualTo("OK");
            assertThat(same[0]).isTrue();
            assertThat(client.counters().get(io.ipcgateway.core.CounterKind.FRAGMENTS_SENT)).isGreaterThan(1);
            assertThat(server.counters().get(io.ipcgateway.core.CounterKind.FRAGMENTS_RECEIVED)).isGreaterThan(1);
        }
    }

    @Test
    void shouldRefuseMessageOverMaximumAndCarryOn()
    {
        final EchoHandler handler = new EchoHandler();
        try (ShmServer server = ShmServer.launch(serverContext(IdleMode.BLOCK).maxMessageLength(1024 * 1024),
            handler);
            ShmClient client = ShmClient.connect(clientContext(IdleMode.BLOCK)))
        {
            assertThat(server.sessionCount()).isEqualTo(1);
            final UnsafeBuffer big = new UnsafeBuffer(new byte[1024 * 1024 + 1]);
            assertThat(client.offer(1, big, 0, big.capacity())).isEqualTo(OfferResult.TOO_LARGE);
            final UnsafeBuffer small = new UnsafeBuffer(new byte[8]);
            small.putLong(0, 1);
            assertThat(client.offer(1, small, 0, 8)).isEqualTo(OfferResult.OK);
            awaitValue(handler.messages, 1);
            assertThat(handler.outOfOrder.get()).isZero();
        }
    }

    @Test
    void shouldPublishZeroCopyClaimOnCommitOnly()
    {
        final EchoHandler handler = new EchoHandler();
        try (ShmServer server = ShmServer.launch(serverContext(IdleMode.SPIN), handler);
            ShmClient client = ShmClient.connect(clientContext(IdleMode.SPIN)))
        {
            assertThat(server.sessionCount()).isEqualTo(1);
            final MessageClaim claim = new MessageClaim();
            assertThat(client.tryClaim(1, 16, claim)).isEqualTo(OfferResult.OK);
            claim.abort();
            assertThat(client.tryClaim(1, 16, claim)).isEqualTo(OfferResult.OK);
            claim.buffer().putLong(claim.offset(), 1);
            claim.buffer().putLong(claim.offset() + 8, 99);
            claim.commit();
            assertThat(client.tryClaim(1, client.maxClaimLength() + 1, claim)).isEqualTo(OfferResult.TOO_LARGE);
            awaitValue(handler.messages, 1);
            assertThat(handler.bytes.get()).isEqualTo(16);
            assertThat(handler.outOfOrder.get()).isZero();
        }
    }

    @Test
    void shouldRespondAndPushThroughZeroCopyClaimsOnTheServerSide()
    {
        final MessageClaim serverClaim = new MessageClaim();
        final List<Long> pushes = new java.util.concurrent.CopyOnWriteArrayList<>();
        final ServerHandler handler = new ServerHandler()
        {
            public void onRequest(final ClientSession session, final long correlationId, final int typeId,
                final org.agrona.DirectBuffer buffer, final int offset, final int length)
            {
                final long value = buffer.getLong(offset);
                if (session.tryClaimPush(4, 8, serverClaim) == OfferResult.OK)
                {
                    serverClaim.buffer().putLong(serverClaim.offset(), -value);
                    serverClaim.commit();
                }
                if (session.tryClaimResponse(correlationId, typeId, 8, serverClaim) == OfferResult.OK)
                {
                    serverClaim.buffer().putLong(serverClaim.offset(), value * 2);
                    serverClaim.commit();
                }
            }
        };
        try (ShmServer server = ShmServer.launch(serverContext(IdleMode.BLOCK), handler);
            ShmClient client = ShmClient.connect(clientContext(IdleMode.BLOCK)
                .pushHandler((typeId, buffer, offset, length) -> pushes.add(buffer.getLong(offset)))))
        {
            assertThat(server.sessionCount()).isEqualTo(1);
            final UnsafeBuffer request = new UnsafeBuffer(new byte[8]);
            final long[] response = new long[1];
            for (long i = 1; i <= 100; i++)
            {
                request.putLong(0, i);
                assertThat(client.request(6, request, 0, 8, (typeId, buffer, offset, length) ->
                    response[0] = buffer.getLong(offset), TimeUnit.SECONDS.toNanos(5))).isEqualTo(OfferResult.OK);
                assertThat(response[0]).isEqualTo(2 * i);
            }
            // Each push was written before its response, so the poller delivered it first.
            assertThat(pushes).hasSize(100).startsWith(-1L, -2L).endsWith(-100L);
        }
    }

    @Test
    void shouldTimeOutRequestsTheServerHoldsAndDropTheLateResponse() throws Exception
    {
        final List<long[]> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        final ClientSession[] sessions = new ClientSession[1];
        final ServerHandler holding = new ServerHandler()
        {
            public void onRequest(final ClientSession session, final long correlationId, final int typeId,
                final org.agrona.DirectBuffer buffer, final int offset, final int length)
            {
                sessions[0] = session;
                held.add(new long[] {correlationId, buffer.getLong(offset)});
                if (buffer.getLong(offset) == 2)
                {
                    // Answer the first, held request only now: too late for it, and it must not reach request 2.
                    final UnsafeBuffer late = new UnsafeBuffer(new byte[8]);
                    late.putLong(0, -1);
                    session.respond(held.get(0)[0], 1, late, 0, 8);
                    final UnsafeBuffer answer = new UnsafeBuffer(new byte[8]);
                    answer.putLong(0, 22);
                    session.respond(correlationId, 1, answer, 0, 8);
                }
            }
        };
        try (ShmServer server = ShmServer.launch(serverContext(IdleMode.BLOCK), holding);
            ShmClient client = ShmClient.connect(clientContext(IdleMode.BLOCK).maxInFlight(1)))
        {
            assertThat(server.sessionCount()).isEqualTo(1);
            final UnsafeBuffer request = new UnsafeBuffer(new byte[8]);
            final long[] response = {0};
            request.putLong(0, 1);
            assertThat(client.request(1, request, 0, 8, (t, b, o, l) -> response[0] = b.getLong(o),
                TimeUnit.MILLISECONDS.toNanos(200))).isEqualTo(OfferResult.TIMED_OUT);
            assertThat(client.counters().get(io.ipcgateway.core.CounterKind.REQUESTS_TIMED_OUT)).isEqualTo(1);

            // One slot only: request 2 reuses the slot of request 1, with a new correlation id.
            request.putLong(0, 2);
            assertThat(client.request(1, request, 0, 8, (t, b, o, l) -> response[0] = b.getLong(o),
                TimeUnit.SECONDS.toNanos(5))).isEqualTo(OfferResult.OK);
            assertThat(response[0]).isEqualTo(22);
            assertThat(held.get(0)[0]).isNotEqualTo(held.get(1)[0]);

            request.putLong(0, 3);
            final CompletableFuture<ShmResponse> future =
                client.requestAsync(1, request, 0, 8, TimeUnit.MILLISECONDS.toNanos(100));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!future.isDone() && System.nanoTime() < deadline)
            {
                client.poll();
                Thread.yield();
            }
            assertThat(future).isCompletedExceptionally();
            org.assertj.core.api.Assertions.assertThatThrownBy(future::join)
                .hasCauseInstanceOf(io.ipcgateway.core.RequestTimeoutException.class)
                .hasMessageContaining("service=svc");
        }
    }

    @Test
    void shouldRunBothDutyCyclesOnTheApplicationsThreadWithAgentInvoker() throws Exception
    {
        final EchoHandler handler = new EchoHandler();
        try (ShmServer server = ShmServer.create(serverContext(IdleMode.SPIN), handler);
            org.agrona.concurrent.AgentInvoker serverInvoker =
                new org.agrona.concurrent.AgentInvoker(Throwable::printStackTrace, null, server.agent()))
        {
            serverInvoker.start();
            final AtomicBoolean running = new AtomicBoolean(true);
            final Thread serverThread = new Thread(() ->
            {
                while (running.get())
                {
                    serverInvoker.invoke();
                    Thread.yield();
                }
            });
            serverThread.setDaemon(true);
            serverThread.start();
            try (ShmClient client = ShmClient.connect(clientContext(IdleMode.SPIN)
                .pushHandler((typeId, buffer, offset, length) -> handler.messages.addAndGet(1000))))
            {
                final org.agrona.concurrent.AgentInvoker clientInvoker =
                    new org.agrona.concurrent.AgentInvoker(Throwable::printStackTrace, null, client.agent());
                clientInvoker.start();
                final UnsafeBuffer request = new UnsafeBuffer(new byte[8]);
                request.putLong(0, 5);
                final CompletableFuture<ShmResponse> future =
                    client.requestAsync(1, request, 0, 8, TimeUnit.SECONDS.toNanos(10));
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!future.isDone() && System.nanoTime() < deadline)
                {
                    clientInvoker.invoke();
                }
                assertThat(future.get(10, TimeUnit.SECONDS).buffer().getLong(0)).isEqualTo(5);
                assertThat(handler.lastSession.push(2, request, 0, 8)).isEqualTo(OfferResult.OK);
                while (handler.messages.get() < 1000 && System.nanoTime() < deadline)
                {
                    clientInvoker.invoke();
                }
                assertThat(handler.messages.get()).isEqualTo(1000);
            }
            running.set(false);
            serverThread.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    @Test
    void shouldLeaveNoFilesAfterCleanDisconnectAndClose() throws Exception
    {
        final EchoHandler handler = new EchoHandler();
        final ShmServer server = ShmServer.launch(serverContext(IdleMode.BLOCK), handler);
        final ShmClient client = ShmClient.connect(clientContext(IdleMode.BLOCK));
        assertThat(client.isConnected()).isTrue();
        awaitValue(handler.connects, 1);
        client.close();
        assertThat(client.offer(1, new UnsafeBuffer(new byte[8]), 0, 8)).isEqualTo(OfferResult.CLOSED);
        awaitValue(handler.disconnects, 1);
        assertThat(server.sessionCount()).isZero();
        server.close();
        try (Stream<Path> left = Files.list(dir))
        {
            assertThat(left).isEmpty();
        }
    }

    static void awaitValue(final AtomicLong value, final long expected)
    {
        awaitTrue(() -> value.get() >= expected);
        assertThat(value.get()).isEqualTo(expected);
    }

    static void awaitTrue(final java.util.function.BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean())
        {
            assertThat(System.nanoTime() - deadline).as("condition not met in time").isNegative();
            Thread.yield();
        }
    }
}
