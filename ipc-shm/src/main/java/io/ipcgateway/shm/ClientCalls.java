package io.ipcgateway.shm;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.ipcgateway.core.CallException;
import io.ipcgateway.core.Codec;
import io.ipcgateway.core.MessageHandler;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * The simple calls of a {@link ShmClient} over its blocking, allocation-free {@code request}: each thread encodes
 * into its own reusable buffer and decodes the response inside the response callback (the view is valid only
 * there), into its own reusable state. What a call allocates is what its codecs allocate, plus the result.
 */
final class ClientCalls
{
    private static final int INITIAL_BUFFER_LENGTH = 256;

    private final ShmClient client;
    private final String service;
    private final ThreadLocal<CallState> states = ThreadLocal.withInitial(CallState::new);

    ClientCalls(final ShmClient client, final String service)
    {
        this.client = client;
        this.service = service;
    }

    <Q, R> CallResult<R> tryCall(
        final int typeId, final Q request, final Codec<Q> requestCodec, final Codec<R> responseCodec,
        final long timeoutNs)
    {
        CallState state = states.get();
        if (state.inUse)
        {
            // A call from inside a callback of this thread's own call (e.g. a push handler): a state of its own.
            state = new CallState();
        }
        state.inUse = true;
        try
        {
            final int length = requestCodec.encode(request, state.request, 0);
            state.reset(responseCodec);
            final long code = client.request(typeId, state.request, 0, length, state, timeoutNs);
            if (code >= 0 && state.decodeFailure != null)
            {
                throw state.decodeFailure;
            }
            @SuppressWarnings("unchecked")
            final R value = code >= 0 && state.status == CallResult.STATUS_OK ? (R)state.value : null;
            return new CallResult<>(service, typeId, code, code >= 0 ? state.typeId : -1,
                code >= 0 ? state.status : CallResult.STATUS_OK, code >= 0 ? state.errorMessage : null, value);
        }
        finally
        {
            state.value = null;
            state.codec = null;
            state.inUse = false;
        }
    }

    <Q, R> CompletableFuture<R> callAsync(
        final int typeId, final Q request, final Codec<Q> requestCodec, final Codec<R> responseCodec,
        final long timeoutNs)
    {
        final CallState state = states.get();
        final ExpandableArrayBuffer buffer = state.inUse ? new ExpandableArrayBuffer(INITIAL_BUFFER_LENGTH) :
            state.request;
        final int length = requestCodec.encode(request, buffer, 0);
        // The request is copied into the ring before requestAsync returns, so the buffer is free again here.
        return client.requestAsync(typeId, buffer, 0, length, timeoutNs).thenApply(response ->
        {
            if (response.typeId() == CallResult.ERROR_TYPE_ID)
            {
                final int status = errorStatus(response.buffer(), 0, response.length());
                throw new CompletionException(new CallException("call typeId=" + typeId + " to service=" + service
                    + " failed: status=" + status + ": "
                    + errorMessage(response.buffer(), 0, response.length()), status));
            }
            return responseCodec.decode(response.buffer(), 0, response.length());
        });
    }

    static int errorStatus(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < CallResult.ERROR_MESSAGE_OFFSET)
        {
            return -1;
        }
        final int status = buffer.getInt(offset + CallResult.ERROR_STATUS_OFFSET);
        return status == CallResult.STATUS_OK ? -1 : status;
    }

    static String errorMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < CallResult.ERROR_MESSAGE_OFFSET)
        {
            return "malformed error response: length=" + length;
        }
        return buffer.getStringWithoutLengthUtf8(offset + CallResult.ERROR_MESSAGE_OFFSET,
            length - CallResult.ERROR_MESSAGE_OFFSET);
    }

    /** One thread's reusable request buffer and response capture. */
    private static final class CallState implements MessageHandler
    {
        final ExpandableArrayBuffer request = new ExpandableArrayBuffer(INITIAL_BUFFER_LENGTH);
        boolean inUse;
        Codec<?> codec;
        Object value;
        int typeId;
        int status;
        String errorMessage;
        RuntimeException decodeFailure;

        void reset(final Codec<?> codec)
        {
            this.codec = codec;
            value = null;
            typeId = -1;
            status = CallResult.STATUS_OK;
            errorMessage = null;
            decodeFailure = null;
        }

        @Override
        public void onMessage(final int typeId, final DirectBuffer buffer, final int offset, final int length)
        {
            this.typeId = typeId;
            if (typeId == CallResult.ERROR_TYPE_ID)
            {
                status = errorStatus(buffer, offset, length);
                errorMessage = errorMessage(buffer, offset, length);
                return;
            }
            try
            {
                value = codec.decode(buffer, offset, length);
            }
            catch (final RuntimeException ex)
            {
                // Thrown on the calling thread: the transport would only count and log it here.
                decodeFailure = ex;
            }
        }
    }
}
