package io.ipcgateway.shm;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.OfferResult;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ShmClient#requestAsync(int, DirectBuffer, int, int, long, ResponseListener, long)}: the allocation-free
 * asynchronous request. Every request whose send returned OK reaches its listener exactly once, with its context
 * and the right outcome; a request not sent never does.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ResponseListenerTest
{
    /** Answered with the request's own bytes. */
    private static final int ECHO = 1;
    /** Never answered. */
    private static final int SILENT = 2;
    /** Not answered now: the server keeps its correlation id for the next {@link #FLUSH_STALE}. */
    private static final int HOLD = 3;
    /** Answers the held request first (a late response), then this one. */
    private static final int FLUSH_STALE = 4;
    /** Answered with an error status. */
    private static final int FAIL = 5;
    /** A bound for outcomes to arrive, not a speed measurement. */
    private static final long AWAIT_MS = 30_000;

    @TempDir
    Path dir;

    private final StaleServer handler = new StaleServer();

    @ParameterizedTest
    @EnumSource(value = IdleMode.class, names = {"SPIN", "BLOCK"})
    void shouldDeliverEveryResponseExactlyOnceWithItsContextWhenSlotsAreReused(final IdleMode mode)
        throws Exception
    {
        final int requests = 3_000;
        final AtomicIntegerArray calls = new AtomicIntegerArray(requests);
        final AtomicInteger wrongPayload = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final ResponseListener listener = (context, result, typeId, buffer, offset, length) ->
        {
            calls.incrementAndGet((int)context);
            if (result != OfferResult.OK)
            {
                failed.incrementAndGet();
            }
            else if (typeId != ECHO || length != 8 || buffer.getLong(offset) != context)
            {
                wrongPayload.incrementAndGet();
            }
            done.incrementAndGet();
        };
        try (ShmServer server = ShmServer.launch(serverContext(mode), handler);
            ShmClient client = ShmClient.connect(clientContext(mode).receiverThread(true).maxInFlight(8)))
        {
            assertThat(server.sessionCount()).as("connected").isEqualTo(1);
            final UnsafeBuffer request = new UnsafeBuffer(new byte[8]);
            int backPressured = 0;
            final long deadline = System.currentTimeMillis() + AWAIT_MS * 2;
            for (int i = 0; i < requests; i++)
            {
                request.putLong(0, i);
                long sent;
                while ((sent = client.requestAsync(ECHO, request, 0, 8, TimeUnit.SECONDS.toNanos(20), listener, i)) ==
                    OfferResult.BACK_PRESSURED)
                {
                    backPressured++;
                    assertThat(System.currentTimeMillis()).as("request %d still back-pressured: %d done, %d in flight",
                        i, done.get(), client.inFlightRequests()).isLessThan(deadline);
                    Thread.yield();
                }
                assertThat(OfferResult.describe(sent)).isEqualTo("OK");
            }
            awaitCount(done, requests);
            assertThat(failed.get()).isZero();
            assertThat(wrongPayload.get()).isZero();
            for (int i = 0; i < requests; i++)
            {
                assertThat(calls.get(i)).as("calls for request %d", i).isEqualTo(1);
            }
            assertThat(backPressured).as("8 slots for 3k requests: slots were reused").isPositive();
            assertThat(client.inFlightRequests()).isZero();
            assertThat(server.sessionCount()).isEqualTo(1);
        }
    }

    @Test
    void shouldReportTimedOutOnceWhenTheServerDoesNotAnswer() throws Exception
    {
        final List<Long> outcomes = new CopyOnWriteArrayList<>();
        final AtomicInteger lengths = new AtomicInteger();
        try (ShmServer server = ShmServer.launch(serverContext(IdleMode.BLOCK), handler);
            ShmClient client = ShmClient.connect(clientContext(IdleMode.BLOCK).receiverThread(true)))
        {
            assertThat(server.sessionCount()).as("connected").isEqualTo(1);
            final long sent = client.requestAsync(SILENT, new UnsafeBuffer(new byte[8]), 0, 8,
                TimeUnit.MILLISECONDS.toNanos(100), (context, result, typeId, buffer, offset, length) ->
                {
                    outcomes.add(result);
                    lengths.addAndGet(length + (typeId == -1 ? 0 : 1000));
                }, 42);
            assertThat(sent).isEqualTo(OfferResult.OK);
            awaitSize(outcomes, 1);
            // Long after the timeout: still one outcome.
            Thread.sleep(300);
            assertThat(outcomes).containsExactly(OfferResult.TIMED_OUT);
            assertThat(lengths.get()).as("no response: type -1, length 0").isZero();
            assertThat(client.counters().get(io.ipcgateway.core.CounterKind.REQUESTS_TIMED_OUT)).isEqualTo(1);
            assertThat(client.inFlightRequests()).isZero();
        }
    }

    @Test
    void shouldNotHandALateResponseToTheNextRequestOnTheSameSlot() throws Exception
    {
        final ConcurrentLinkedQueue<String> outcomes = new ConcurrentLinkedQueue<>();
        final ResponseListener listener = (context, result, typeId, buffer, offset, length) ->
            outcomes.add(context + ":" + OfferResult.describe(result) + ":" + (length == 8 ? buffer.getLong(offset) :
            -1));
        try (ShmServer server = ShmServer.launch(serverContext(IdleMode.BLOCK), handler);
            ShmClient client = ShmClient.connect(clientContext(IdleMode.BLOCK).receiverThread(true).maxInFlight(1)))
        {
            assertThat(server.sessionCount()).as("connected").isEqualTo(1);
            final UnsafeBuffer request = new UnsafeBuffer(new byte[8]);
            request.putLong(0, 111);
            assertThat(client.requestAsync(HOLD, request, 0, 8, TimeUnit.MILLISECONDS.toNanos(100), listener, 1))
                .isEqualTo(OfferResult.OK);
            awaitSize(outcomes, 1);
            assertThat(handler.held.get()).as("the server holds the first request").isNotZero();
            // One slot only: the second request reuses it; the server first answers the first (late) one.
            request.putLong(0, 222);
            assertThat(client.requestAsync(FLUSH_STALE, request, 0, 8, TimeUnit.SECONDS.toNanos(20), listener, 2))
                .isEqualTo(OfferResult.OK);
            awaitSize(outcomes, 2);
            Thread.sleep(200);
            assertThat(outcomes).containsExactly("1:TIMED_OUT:-1", "2:OK:222");
            assertThat(handler.staleSent.get()).as("the late response was written").isEqualTo(1);
        }
    }

    @Test
    void shouldReportClosedOnceForEveryPendingRequestWhenTheClientCloses() throws Exception
    {
        final AtomicIntegerArray calls = new AtomicIntegerArray(16);
        final List<Long> outcomes = new CopyOnWriteArrayList<>();
        try (ShmServer server = ShmServer.launch(serverContext(IdleMode.BLOCK), handler))
        {
            final ShmClient client = ShmClient.connect(clientContext(IdleMode.BLOCK).receiverThread(true));
            assertThat(server.sessionCount()).as("connected").isEqualTo(1);
            for (int i = 0; i < 16; i++)
            {
                assertThat(client.requestAsync(SILENT, new UnsafeBuffer(new byte[8]), 0, 8,
                    TimeUnit.SECONDS.toNanos(30), (context, result, typeId, buffer, offset, length) ->
                    {
                        calls.incrementAndGet((int)context);
                        outcomes.add(result);
                    }, i)).isEqualTo(OfferResult.OK);
            }
            client.close();
            awaitSize(outcomes, 16);
            Thread.sleep(100);
            assertThat(outcomes).hasSize(16).containsOnly(OfferResult.CLOSED);
            for (int i = 0; i < 16; i++)
            {
                assertThat(calls.get(i)).isEqualTo(1);
            }
            assertThat(client.requestAsync(ECHO, new UnsafeBuffer(new byte[8]), 0, 8, 1_000_000L,
                (context, result, typeId, buffer, offset, length) -> outcomes.add(result), 99))
                .as("a closed client sends nothing").isEqualTo(OfferResult.CLOSED);
            assertThat(outcomes).hasSize(16);
        }
    }

    @Test
    void shouldReturnACodeAndNeverCallTheListenerWhenNothingIsSent() throws Exception
    {
        final List<Long> outcomes = new CopyOnWriteArrayList<>();
        final ResponseListener listener = (context, result, typeId, buffer, offset, length) -> outcomes.add(context);
        try (ShmServer server = ShmServer.launch(serverContext(IdleMode.BLOCK), handler);
            ShmClient client = ShmClient.connect(clientContext(IdleMode.BLOCK).receiverThread(true).maxInFlight(1)))
        {
            assertThat(server.sessionCount()).as("connected").isEqualTo(1);
            final UnsafeBuffer request = new UnsafeBuffer(new byte[8]);
            assertThat(client.requestAsync(ECHO, request, 0, 8, 1_000_000_000L, null, 1))
                .isEqualTo(OfferResult.INVALID_ARGUMENT);
            assertThat(client.requestAsync(ECHO, request, 0, 8, 0, listener, 2))
                .isEqualTo(OfferResult.INVALID_ARGUMENT);
            assertThat(client.requestAsync(ECHO, request, 4, 8, 1_000_000_000L, listener, 3))
                .isEqualTo(OfferResult.INVALID_ARGUMENT);
            assertThat(client.requestAsync(-1, request, 0, 8, 1_000_000_000L, listener, 4))
                .isEqualTo(OfferResult.INVALID_ARGUMENT);
            // The only slot is taken by a request nobody answers.
            assertThat(client.requestAsync(SILENT, request, 0, 8, TimeUnit.SECONDS.toNanos(30), listener, 5))
                .isEqualTo(OfferResult.OK);
            assertThat(client.requestAsync(ECHO, request, 0, 8, TimeUnit.SECONDS.toNanos(30), listener, 6))
                .isEqualTo(OfferResult.BACK_PRESSURED);
            Thread.sleep(100);
            assertThat(outcomes).as("only requests that were sent reach the listener").isEmpty();
            assertThat(client.inFlightRequests()).isEqualTo(1);
        }
        assertThat(outcomes).as("the pending request, at close").containsExactly(5L);
    }

    @Test
    void shouldHandErrorResponsesToTheListenerWithTheErrorType() throws Exception
    {
        final ConcurrentLinkedQueue<String> outcomes = new ConcurrentLinkedQueue<>();
        try (ShmServer server = ShmServer.launch(serverContext(IdleMode.BLOCK), handler);
            ShmClient client = ShmClient.connect(clientContext(IdleMode.BLOCK).receiverThread(true)))
        {
            assertThat(server.sessionCount()).as("connected").isEqualTo(1);
            assertThat(client.requestAsync(FAIL, new UnsafeBuffer(new byte[8]), 0, 8, TimeUnit.SECONDS.toNanos(20),
                (context, result, typeId, buffer, offset, length) -> outcomes.add(OfferResult.describe(result) + " "
                + (typeId == CallResult.ERROR_TYPE_ID) + " " + buffer.getInt(offset + CallResult.ERROR_STATUS_OFFSET)),
                7)).isEqualTo(OfferResult.OK);
            awaitSize(outcomes, 1);
            assertThat(outcomes).containsExactly("OK true 409");
        }
    }

    @Test
    void shouldReportAListenerThatThrowsAndKeepDelivering() throws Exception
    {
        final List<Throwable> reported = new CopyOnWriteArrayList<>();
        final AtomicLong delivered = new AtomicLong();
        try (ShmServer server = ShmServer.launch(serverContext(IdleMode.BLOCK), handler);
            ShmClient client = ShmClient.connect(clientContext(IdleMode.BLOCK).receiverThread(true)
                .errorHandler(reported::add)))
        {
            assertThat(server.sessionCount()).as("connected").isEqualTo(1);
            final UnsafeBuffer request = new UnsafeBuffer(new byte[8]);
            assertThat(client.requestAsync(ECHO, request, 0, 8, TimeUnit.SECONDS.toNanos(20),
                (context, result, typeId, buffer, offset, length) ->
                {
                    throw new IllegalStateException("listener failed");
                }, 1)).isEqualTo(OfferResult.OK);
            assertThat(client.requestAsync(ECHO, request, 0, 8, TimeUnit.SECONDS.toNanos(20),
                (context, result, typeId, buffer, offset, length) -> delivered.incrementAndGet(), 2))
                .isEqualTo(OfferResult.OK);
            awaitValue(delivered, 1);
            assertThat(reported).hasSize(1);
            assertThat(reported.get(0)).hasMessage("listener failed");
            assertThat(client.inFlightRequests()).isZero();
        }
    }

    @Test
    void shouldTimeOutThroughTheWatchdogWhenNothingPolls() throws Exception
    {
        final List<Long> outcomes = new CopyOnWriteArrayList<>();
        try (ShmServer server = ShmServer.launch(serverContext(IdleMode.BLOCK), handler);
            ShmClient client = ShmClient.connect(clientContext(IdleMode.BLOCK)))
        {
            assertThat(server.sessionCount()).as("connected").isEqualTo(1);
            // No receiver thread and no poll(): the requesting thread polls once when it sends, then nobody does.
            assertThat(client.requestAsync(SILENT, new UnsafeBuffer(new byte[8]), 0, 8,
                TimeUnit.MILLISECONDS.toNanos(200), (context, result, typeId, buffer, offset, length) ->
                outcomes.add(result), 1)).isEqualTo(OfferResult.OK);
            awaitSize(outcomes, 1);
            assertThat(outcomes).containsExactly(OfferResult.TIMED_OUT);
        }
    }

    @Test
    void shouldDeliverOnTheThreadThatPollsWhenTheApplicationPolls() throws Exception
    {
        final List<String> threads = new CopyOnWriteArrayList<>();
        try (ShmServer server = ShmServer.launch(serverContext(IdleMode.SPIN), handler);
            ShmClient client = ShmClient.connect(clientContext(IdleMode.SPIN)))
        {
            assertThat(server.sessionCount()).as("connected").isEqualTo(1);
            client.agent(); // the application drives the polling on this thread
            final UnsafeBuffer request = new UnsafeBuffer(new byte[8]);
            assertThat(client.requestAsync(ECHO, request, 0, 8, TimeUnit.SECONDS.toNanos(20),
                (context, result, typeId, buffer, offset, length) -> threads.add(Thread.currentThread().getName()), 1))
                .isEqualTo(OfferResult.OK);
            final long deadline = System.currentTimeMillis() + AWAIT_MS;
            while (threads.isEmpty() && System.currentTimeMillis() < deadline)
            {
                client.poll();
            }
            assertThat(threads).containsExactly(Thread.currentThread().getName());
        }
    }

    private ServerContext serverContext(final IdleMode mode)
    {
        return new ServerContext().serviceName("listener").baseDirectory(dir).idleMode(mode);
    }

    private ClientContext clientContext(final IdleMode mode)
    {
        return new ClientContext().serviceName("listener").baseDirectory(dir).idleMode(mode);
    }

    private static void awaitCount(final AtomicInteger count, final int expected) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + AWAIT_MS;
        while (count.get() < expected && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(1);
        }
        assertThat(count.get()).isEqualTo(expected);
    }

    private static void awaitValue(final AtomicLong count, final long expected) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + AWAIT_MS;
        while (count.get() < expected && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(1);
        }
        assertThat(count.get()).isEqualTo(expected);
    }

    private static void awaitSize(final java.util.Collection<?> items, final int expected)
        throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + AWAIT_MS;
        while (items.size() < expected && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(1);
        }
        assertThat(items).hasSizeGreaterThanOrEqualTo(expected);
    }

    /** Echoes, stays silent, holds a request to answer it late, or answers with an error, by type id. */
    private static final class StaleServer implements ServerHandler
    {
        final AtomicLong held = new AtomicLong();
        final AtomicInteger staleSent = new AtomicInteger();
        private final UnsafeBuffer stale = new UnsafeBuffer(new byte[8]);

        @Override
        public void onRequest(final ClientSession session, final long correlationId, final int typeId,
            final DirectBuffer buffer, final int offset, final int length)
        {
            switch (typeId)
            {
                case SILENT:
                    break;
                case HOLD:
                    held.set(correlationId);
                    break;
                case FLUSH_STALE:
                    stale.putLong(0, buffer.getLong(offset) + 1_000);
                    if (session.respond(held.get(), ECHO, stale, 0, 8) == OfferResult.OK)
                    {
                        staleSent.incrementAndGet();
                    }
                    session.respond(correlationId, ECHO, buffer, offset, length);
                    break;
                case FAIL:
                    session.respondError(correlationId, 409, "refused");
                    break;
                default:
                    while (session.respond(correlationId, typeId, buffer, offset, length) ==
                        OfferResult.BACK_PRESSURED)
                    {
                        Thread.onSpinWait();
                    }
            }
        }
    }
}
