package io.ipcgateway.examples.gateway;

import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import io.nats.client.JetStreamStatusException;

/**
 * Maps what the NATS client library throws or fails a future with to the {@link GatewayStatus} a local client gets.
 */
final class NatsFailures
{
    private static final int NO_RESPONDERS_CODE = 503;

    private NatsFailures()
    {
    }

    /**
     * The status of a failure.
     *
     * @param failure what the NATS client reported.
     * @return the status, never {@link GatewayStatus#OK}.
     */
    static GatewayStatus statusOf(final Throwable failure)
    {
        final Throwable cause = unwrap(failure);
        if (cause instanceof TimeoutException || cause instanceof CancellationException)
        {
            return GatewayStatus.NATS_TIMEOUT;
        }
        if (cause instanceof JetStreamStatusException)
        {
            final JetStreamStatusException status = (JetStreamStatusException)cause;
            return status.getStatus() != null && status.getStatus().getCode() == NO_RESPONDERS_CODE ?
                GatewayStatus.NO_RESPONDERS : GatewayStatus.NATS_UNAVAILABLE;
        }
        if (saysNoResponders(cause))
        {
            return GatewayStatus.NO_RESPONDERS;
        }
        final String message = String.valueOf(cause.getMessage());
        if (cause instanceof IllegalArgumentException && message.toLowerCase(java.util.Locale.ROOT)
            .contains("payload"))
        {
            return GatewayStatus.PAYLOAD_TOO_LARGE;
        }
        if (cause instanceof IllegalStateException || cause instanceof IOException)
        {
            return GatewayStatus.NATS_UNAVAILABLE;
        }
        return GatewayStatus.INTERNAL;
    }

    /**
     * A short description for the error message sent to the local client.
     *
     * @param failure what the NATS client reported.
     * @return e.g. {@code TimeoutException: ...}.
     */
    static String describe(final Throwable failure)
    {
        final Throwable cause = unwrap(failure);
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    /** JetStream reports a subject no stream covers as an IOException (maybe wrapped) quoting status 503. */
    private static boolean saysNoResponders(final Throwable failure)
    {
        for (Throwable cause = failure; cause != null; cause = cause.getCause())
        {
            final String message = String.valueOf(cause.getMessage());
            if (cause instanceof IOException && (message.contains("503") || message.contains("No Responders") ||
                message.contains("No stream")))
            {
                return true;
            }
            if (cause.getCause() == cause)
            {
                break;
            }
        }
        return false;
    }

    private static Throwable unwrap(final Throwable failure)
    {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) &&
            cause.getCause() != null)
        {
            cause = cause.getCause();
        }
        return cause;
    }
}
