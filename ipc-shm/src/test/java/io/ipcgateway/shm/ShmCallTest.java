package io.ipcgateway.shm;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.ipcgateway.core.CallException;
import io.ipcgateway.core.CodecException;
import io.ipcgateway.core.Codecs;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.core.RequestTimeoutException;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The simple calls over the blocking request: bytes in and out, typed values through codecs, errors as a status on
 * the response, and the optional throwing check.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ShmCallTest
{
    private static final int QUOTE = 1;
    private static final int ECHO = 2;
    private static final int SILENT = 3;
    private static final int SHORT = 4;
    private static final int ZERO_STATUS = 5;
    private static final int NOT_FOUND = 404;
    private final AtomicLong zeroStatusCode = new AtomicLong(Long.MIN_VALUE);

    @TempDir
    Path dir;

    private ShmServer server;
    private ShmClient client;

    @BeforeEach
    void start()
    {
        server = ShmServer.launch(new ServerContext().serviceName("quotes").baseDirectory(dir)
            .ringCapacity(64 * 1024).closeOnShutdown(false), new ServerHandler()
        {
            private final UnsafeBuffer answer = new UnsafeBuffer(new byte[8]);

            @Override
            public void onRequest(final ClientSession session, final long correlationId, final int typeId,
                final DirectBuffer buffer, final int offset, final int length)
            {
                switch (typeId)
                {
                    case QUOTE ->
                    {
                        final String symbol = Codecs.utf8().decode(buffer, offset, length);
                        if ("AAPL".equals(symbol))
                        {
                            answer.putLong(0, 18_725L);
                            session.respond(correlationId, QUOTE, answer, 0, 8);
                        }
                        else
                        {
                            session.respondError(correlationId, NOT_FOUND, "unknown symbol: " + symbol);
                        }
                    }
                    case ECHO -> session.respond(correlationId, ECHO, buffer, offset, length);
                    case SHORT -> session.respond(correlationId, SHORT, answer, 0, 3);
                    case ZERO_STATUS ->
                    {
                        zeroStatusCode.set(session.respondError(correlationId, CallResult.STATUS_OK, "not an error"));
                        session.respond(correlationId, ZERO_STATUS, answer, 0, 0);
                    }
                    default ->
                    {
                        // SILENT: never answers.
                    }
                }
            }
        });
        client = ShmClient.connect(new ClientContext().serviceName("quotes").baseDirectory(dir).receiverThread(true));
    }

    @AfterEach
    void stop()
    {
        client.close();
        server.close();
    }

    @Test
    void shouldReturnTheResponseBytesOfASimpleCall()
    {
        final byte[] response = client.call(ECHO, "hello".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));

        assertThat(new String(response, StandardCharsets.UTF_8)).isEqualTo("hello");
    }

    @Test
    void shouldEncodeAndDecodeTypedCallsWithCodecs()
    {
        for (int i = 0; i < 1_000; i++)
        {
            assertThat(client.call(QUOTE, "AAPL", Codecs.utf8(), Codecs.int64())).isEqualTo(18_725L);
        }
    }

    @Test
    void shouldThrowCallExceptionWithStatusAndServerMessageForAnErrorResponse()
    {
        assertThatThrownBy(() -> client.call(QUOTE, "NOPE", Codecs.utf8(), Codecs.int64()))
            .isInstanceOf(CallException.class)
            .hasMessage("call typeId=1 to service=quotes failed: status=404: unknown symbol: NOPE")
            .extracting(ex -> ((CallException)ex).status()).isEqualTo(NOT_FOUND);
    }

    @Test
    void shouldCarryErrorStatusOnTheResultOfTryCallWithoutThrowing()
    {
        final CallResult<Long> error = client.tryCall(QUOTE, "NOPE", Codecs.utf8(), Codecs.int64(),
            Duration.ofSeconds(5));
        assertThat(error.isOk()).isFalse();
        assertThat(error.code()).isEqualTo(OfferResult.OK);
        assertThat(error.status()).isEqualTo(NOT_FOUND);
        assertThat(error.errorMessage()).isEqualTo("unknown symbol: NOPE");
        assertThat(error.typeId()).isEqualTo(CallResult.ERROR_TYPE_ID);
        assertThat(error.value()).isNull();

        final CallResult<Long> ok = client.tryCall(QUOTE, "AAPL", Codecs.utf8(), Codecs.int64(),
            Duration.ofSeconds(5));
        assertThat(ok.isOk()).isTrue();
        assertThat(ok.status()).isEqualTo(CallResult.STATUS_OK);
        assertThat(ok.orThrow()).isEqualTo(18_725L);
    }

    @Test
    void shouldReportTimeoutAsCodeOnTryCallAndAsExceptionOnCall()
    {
        final CallResult<byte[]> result = client.tryCall(SILENT, new byte[1], Codecs.bytes(), Codecs.bytes(),
            Duration.ofMillis(100));
        assertThat(result.code()).isEqualTo(OfferResult.TIMED_OUT);
        assertThat(result.isOk()).isFalse();
        assertThatThrownBy(result::orThrow)
            .isInstanceOf(RequestTimeoutException.class)
            .hasMessage("call typeId=3 to service=quotes failed: TIMED_OUT");
        assertThatThrownBy(() -> client.call(SILENT, new byte[1], Duration.ofMillis(100)))
            .isInstanceOf(RequestTimeoutException.class);
    }

    @Test
    void shouldThrowCodecExceptionOnTheCallingThreadWhenTheResponseIsNotAValue()
    {
        assertThatThrownBy(() -> client.call(SHORT, "x", Codecs.utf8(), Codecs.int64()))
            .isInstanceOf(CodecException.class)
            .hasMessageContaining("length=3, expected=8");
        assertThat(client.call(QUOTE, "AAPL", Codecs.utf8(), Codecs.int64())).as("the next call works")
            .isEqualTo(18_725L);
    }

    @Test
    void shouldCompleteAsyncCallsWithValuesAndErrorStatuses() throws Exception
    {
        final CompletableFuture<Long> ok = client.callAsync(QUOTE, "AAPL", Codecs.utf8(), Codecs.int64(),
            Duration.ofSeconds(5));
        final CompletableFuture<Long> error = client.callAsync(QUOTE, "NOPE", Codecs.utf8(), Codecs.int64(),
            Duration.ofSeconds(5));

        assertThat(ok.get(10, TimeUnit.SECONDS)).isEqualTo(18_725L);
        assertThatThrownBy(() -> error.get(10, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .cause().isInstanceOf(CallException.class).hasMessageContaining("status=404: unknown symbol: NOPE");
    }

    @Test
    void shouldRefuseAnErrorResponseWithStatusZeroAsInvalidArgument()
    {
        final byte[] response = client.call(ZERO_STATUS, new byte[0], Duration.ofSeconds(5));

        assertThat(response).isEmpty();
        assertThat(zeroStatusCode).hasValue(OfferResult.INVALID_ARGUMENT);
    }
}
