package io.ipcgateway.shm;

import io.ipcgateway.core.CallException;
import io.ipcgateway.core.OfferResult;

/**
 * The outcome of {@link ShmClient#tryCall}: the transport's {@link OfferResult} code, the server's error status when
 * it answered with {@link ClientSession#respondError}, and the decoded value when both say success. Nothing is thrown
 * until {@link #orThrow()} is asked to.
 * <p>
 * On the wire an error response is a RESPONSE frame of the reserved type id {@link #ERROR_TYPE_ID} whose payload is
 * the status (int, little-endian) followed by the message in UTF-8; applications must not use that type id.
 *
 * @param <T> the type of the value.
 */
public final class CallResult<T>
{
    /** Type id reserved for error responses ({@link ClientSession#respondError}). */
    public static final int ERROR_TYPE_ID = Integer.MAX_VALUE;

    /** Offset of the status in an error response's payload. */
    public static final int ERROR_STATUS_OFFSET = 0;

    /** Offset of the UTF-8 message in an error response's payload. */
    public static final int ERROR_MESSAGE_OFFSET = Integer.BYTES;

    /** The status of a call the server answered with a value. */
    public static final int STATUS_OK = 0;

    private final String service;
    private final int requestTypeId;
    private final long code;
    private final int typeId;
    private final int status;
    private final String errorMessage;
    private final T value;

    CallResult(
        final String service,
        final int requestTypeId,
        final long code,
        final int typeId,
        final int status,
        final String errorMessage,
        final T value)
    {
        this.service = service;
        this.requestTypeId = requestTypeId;
        this.code = code;
        this.typeId = typeId;
        this.status = status;
        this.errorMessage = errorMessage;
        this.value = value;
    }

    /**
     * Whether the server answered with a value.
     *
     * @return true when the code is {@code OK} and the status {@link #STATUS_OK}.
     */
    public boolean isOk()
    {
        return code >= 0 && status == STATUS_OK;
    }

    /**
     * The transport's code.
     *
     * @return {@link OfferResult#OK} when a response arrived (value or error status), else {@code TIMED_OUT},
     *         {@code PEER_DEAD}, {@code BACK_PRESSURED}, {@code NOT_CONNECTED}, {@code CLOSED}, {@code TOO_LARGE} or
     *         {@code INVALID_ARGUMENT}.
     */
    public long code()
    {
        return code;
    }

    /**
     * The server's error status.
     *
     * @return {@link #STATUS_OK}, or the status given to {@link ClientSession#respondError}.
     */
    public int status()
    {
        return status;
    }

    /**
     * The server's error message.
     *
     * @return the message of an error response, or null.
     */
    public String errorMessage()
    {
        return errorMessage;
    }

    /**
     * Type id of the response.
     *
     * @return the type id the server responded with ({@link #ERROR_TYPE_ID} for an error), or -1 without a response.
     */
    public int typeId()
    {
        return typeId;
    }

    /**
     * The decoded value.
     *
     * @return the value when {@link #isOk()}, else null.
     */
    public T value()
    {
        return value;
    }

    /**
     * The optional throwing check.
     *
     * @return the value when {@link #isOk()}.
     * @throws CallException naming the status and the server's message, for an error response.
     * @throws io.ipcgateway.core.RequestTimeoutException for {@code TIMED_OUT}.
     * @throws io.ipcgateway.core.PeerDeadException for {@code PEER_DEAD}.
     * @throws io.ipcgateway.core.IpcException for the other codes.
     */
    public T orThrow()
    {
        if (code < 0)
        {
            OfferResult.check(code, describeCall());
        }
        if (status != STATUS_OK)
        {
            throw new CallException(describeCall() + " failed: status=" + status + ": " + errorMessage, status);
        }
        return value;
    }

    private String describeCall()
    {
        return "call typeId=" + requestTypeId + " to service=" + service;
    }

    @Override
    public String toString()
    {
        return "CallResult{code=" + OfferResult.describe(code) + ", status=" + status
            + (errorMessage != null ? ", errorMessage=" + errorMessage : "") + ", value=" + value + '}';
    }
}
