package io.ipcgateway.shm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.CounterKind;
import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.core.PeerDeadException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad arguments on either side never stall anyone (issue 17, bugs 1 and 2): a client's bad call leaves no claim in
 * the server's shared inbox, a server's bad call leaves none in a client's inbox, and a client whose inbox a server
 * jammed anyway is disconnected with a clear error instead of hanging while it looks connected.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BadArgumentsIT
{
    /** The server's unblock timeout: a claim left in its inbox stalls every client this long. */
    private static final long LIVENESS_NS = TimeUnit.SECONDS.toNanos(3);
    /** How long other clients keep requesting after the bad call: well under the liveness timeout. */
    private static final long WINDOW_NS = TimeUnit.MILLISECONDS.toNanos(1500);
    private static final long REQUEST_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(1000);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "offerBeyondBuffer, INVALID_ARGUMENT",
        "offerNegativeOffset, INVALID_ARGUMENT",
        "requestBeyondBuffer, INVALID_ARGUMENT",
        "requestAsyncBeyondBuffer, request not sent: service=bad code=INVALID_ARGUMENT",
        "fragmentedBeyondBuffer, INVALID_ARGUMENT",
        "claimThenThrow, IllegalStateException",
    })
    void shouldNotStallOtherClientsWhenOneClientMakesABadCall(final String scenario, final String expected)
        throws Exception
    {
        final EchoHandler handler = new EchoHandler();
        try (ShmServer server = ShmServer.launch(new ServerContext().serviceName("bad").baseDirectory(dir)
            .idleMode(IdleMode.BLOCK).livenessTimeoutNs(LIVENESS_NS).errorHandler(ex -> { }), handler);
            ShmClient other = ShmClient.connect(new ClientContext().serviceName("bad").baseDirectory(dir)
                .idleMode(IdleMode.BLOCK)))
        {
            final UnsafeBuffer request = new UnsafeBuffer(new byte[8]);
            final long[] echoed = new long[1];
            request.putLong(0, -1);
            assertThat(other.request(BadCallProcesses.ECHO, request, 0, 8, (t, b, o, l) -> echoed[0] = b.getLong(o),
                TimeUnit.SECONDS.toNanos(10))).isEqualTo(OfferResult.OK);

            final Process bad = TestProcesses.start(BadCallProcesses.BadClientMain.class, List.of(),
                dir.toString(), "bad", scenario);
            try
            {
                final BadCallProcesses.Lines lines = new BadCallProcesses.Lines(bad);
                final String outcome = lines.await("BAD ", 60_000);
                assertThat(outcome).as(lines.log()).isNotNull();

                // Requests of another client right after the bad call: each must be answered, none may wait for the
                // server to skip a stuck claim (which takes the 3 s liveness timeout).
                final List<String> failures = new ArrayList<>();
                long answered = 0;
                final long startNs = System.nanoTime();
                for (long i = 1; System.nanoTime() - startNs < WINDOW_NS; i++)
                {
                    request.putLong(0, i);
                    final long result = other.request(BadCallProcesses.ECHO, request, 0, 8,
                        (t, b, o, l) -> echoed[0] = b.getLong(o), REQUEST_TIMEOUT_NS);
                    if (result != OfferResult.OK || echoed[0] != i)
                    {
                        failures.add("request " + i + ": " + OfferResult.describe(result));
                        break;
                    }
                    answered++;
                }
                assertThat(failures).as(lines.log()).isEmpty();
                assertThat(answered).isPositive();
                assertThat(outcome).isEqualTo("BAD " + expected);
                assertThat(server.counters().get(CounterKind.UNBLOCKED_SLOTS)).isZero();
            }
            finally
            {
                bad.getOutputStream().close();
                TestProcesses.destroy(bad);
            }
        }
    }

    @Test
    void shouldAnswerCodesAndKeepServingWhenServerHandlerMakesBadCalls() throws Exception
    {
        final Process server = TestProcesses.start(BadCallProcesses.StrictServerMain.class, List.of(),
            dir.toString(), "strict");
        try
        {
            final BadCallProcesses.Lines lines = new BadCallProcesses.Lines(server);
            assertThat(lines.await("READY", 60_000)).as(lines.log()).isNotNull();
            final List<Integer> pushes = new CopyOnWriteArrayList<>();
            try (ShmClient client = ShmClient.connect(new ClientContext().serviceName("strict").baseDirectory(dir)
                .idleMode(IdleMode.BLOCK).pushHandler((t, b, o, l) -> pushes.add(t))))
            {
                final UnsafeBuffer request = new UnsafeBuffer(new byte[8]);
                final long[] answer = new long[1];
                assertThat(client.request(BadCallProcesses.BAD_RESPOND, request, 0, 8,
                    (t, b, o, l) -> answer[0] = b.getLong(o), REQUEST_TIMEOUT_NS)).isEqualTo(OfferResult.OK);
                assertThat(OfferResult.describe(answer[0])).isEqualTo("INVALID_ARGUMENT");
                assertThat(client.request(BadCallProcesses.BAD_PUSH, request, 0, 8,
                    (t, b, o, l) -> answer[0] = b.getLong(o), REQUEST_TIMEOUT_NS)).isEqualTo(OfferResult.OK);
                assertThat(OfferResult.describe(answer[0])).isEqualTo("INVALID_ARGUMENT");
                // The handler throws with its claim open: no answer to this one, but the server aborts the claim.
                assertThat(OfferResult.describe(client.request(BadCallProcesses.CLAIM_THEN_THROW, request, 0, 8,
                    (t, b, o, l) -> answer[0] = -1, TimeUnit.MILLISECONDS.toNanos(300)))).isEqualTo("TIMED_OUT");
                assertThat(lines.await("ERROR java.lang.IllegalStateException: handler threw with a claim open",
                    10_000)).as(lines.log()).isNotNull();

                for (long i = 1; i <= 20; i++)
                {
                    request.putLong(0, i);
                    assertThat(OfferResult.describe(client.request(BadCallProcesses.ECHO, request, 0, 8,
                        (t, b, o, l) -> answer[0] = b.getLong(o), REQUEST_TIMEOUT_NS))).as("request " + i)
                        .isEqualTo("OK");
                    assertThat(answer[0]).isEqualTo(i);
                }
                assertThat(client.isConnected()).isTrue();
                assertThat(pushes).isEmpty();
            }
        }
        finally
        {
            server.getOutputStream().close();
            TestProcesses.destroy(server);
        }
    }

    @Test
    void shouldDisconnectAndReconnectWhenServerLeavesClaimOpenInClientInbox() throws Exception
    {
        final long clientLivenessNs = TimeUnit.SECONDS.toNanos(1);
        final Process server = TestProcesses.start(BadCallProcesses.StrictServerMain.class, List.of(),
            dir.toString(), "jammer");
        try
        {
            final BadCallProcesses.Lines lines = new BadCallProcesses.Lines(server);
            assertThat(lines.await("READY", 60_000)).as(lines.log()).isNotNull();
            final List<Throwable> errors = new CopyOnWriteArrayList<>();
            try (ShmClient client = ShmClient.connect(new ClientContext().serviceName("jammer").baseDirectory(dir)
                .idleMode(IdleMode.BLOCK).livenessTimeoutNs(clientLivenessNs).errorHandler(errors::add)))
            {
                final int firstSession = client.sessionId();
                final UnsafeBuffer request = new UnsafeBuffer(new byte[8]);
                final long[] answer = new long[1];
                final long jammedAtNs = System.nanoTime();
                // The server claims this one's response and never completes it.
                client.request(BadCallProcesses.CLAIM_LEFT_OPEN, request, 0, 8, (t, b, o, l) -> { },
                    TimeUnit.MILLISECONDS.toNanos(200));

                // Disconnected within the liveness timeout plus the watchdog's pass (a quarter of it) and slack.
                final long boundNs = clientLivenessNs + clientLivenessNs / 4 + TimeUnit.SECONDS.toNanos(3);
                while (client.sessionId() == firstSession && System.nanoTime() - jammedAtNs < boundNs)
                {
                    Thread.sleep(10);
                }
                assertThat(errors).as("errors").anySatisfy(ex -> assertThat(ex).isInstanceOf(PeerDeadException.class)
                    .hasMessageContaining("left a record uncommitted in this client's inbox")
                    .hasMessageContaining("file=" + dir.resolve("jammer")));
                assertThat(client.sessionId()).as("reconnected with a new session").isNotEqualTo(firstSession);

                request.putLong(0, 42);
                assertThat(OfferResult.describe(client.request(BadCallProcesses.ECHO, request, 0, 8,
                    (t, b, o, l) -> answer[0] = b.getLong(o), TimeUnit.SECONDS.toNanos(10)))).isEqualTo("OK");
                assertThat(answer[0]).isEqualTo(42);
                assertThat(client.isConnected()).isTrue();
            }
        }
        finally
        {
            server.getOutputStream().close();
            TestProcesses.destroy(server);
        }
    }
}
