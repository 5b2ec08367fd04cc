package io.ipcgateway.examples.gateway;

import org.agrona.DirectBuffer;

/**
 * Receives the outcome of one request sent with {@link GatewayClient#requestAsync(String, GatewayHeaders,
 * DirectBuffer, int, int, java.time.Duration, GatewayReplyListener, long)}, the gateway client's allocation-free
 * asynchronous request: called exactly once for every request whose send returned {@link GatewayStatus#OK}, never
 * for one whose send returned another status.
 * <p>
 * The reply's payload is a view into the client's inbox, valid only until this method returns: copy what must
 * outlive the call. It runs on the client's receiver thread (failures found without a reply, such as
 * {@link GatewayStatus#LOCAL_TIMEOUT}, may come from the client's watchdog thread or the thread that closes the
 * client), so it must be quick and must not block: every reply and subscription message behind it waits. An
 * exception it throws is reported to the client's error handler.
 */
@FunctionalInterface
public interface GatewayReplyListener
{
    /**
     * The outcome of one request.
     *
     * @param context the value given with the request (tells the caller's requests apart).
     * @param status  {@link GatewayStatus#OK} with the reply; a status of the gateway
     *                ({@link GatewayStatus#NATS_TIMEOUT}, {@link GatewayStatus#NO_RESPONDERS},
     *                {@link GatewayStatus#BREAKER_OPEN}, {@link GatewayStatus#RATE_LIMITED}, ...) with its message
     *                as UTF-8 bytes in the view; or a local one without bytes: {@link GatewayStatus#LOCAL_TIMEOUT}
     *                (no answer within the timeout plus {@link GatewayClient#LOCAL_TIMEOUT_SLACK}),
     *                {@link GatewayStatus#GATEWAY_UNAVAILABLE} (the gateway died or the client closed while the request
     *                was pending), {@link GatewayStatus#INTERNAL} (an answer that is not a reply frame).
     * @param buffer  the buffer holding the reply's payload (or the gateway's error message).
     * @param offset  where it starts.
     * @param length  its length.
     */
    void onReply(long context, GatewayStatus status, DirectBuffer buffer, int offset, int length);
}
