package io.ipcgateway.examples.gateway;

import java.util.function.BiConsumer;

import org.agrona.DirectBuffer;

/**
 * A NATS message delivered to a subscription: a view valid only during
 * {@link GatewayMessageHandler#onMessage(GatewayMessage)} (copy what you keep). Reading the subject, reply subject or
 * headers allocates strings; the payload can be read in place.
 */
public final class GatewayMessage
{
    private final GatewayFrame frame = new GatewayFrame();

    /** For the client library: wraps a received frame. */
    GatewayMessage()
    {
    }

    boolean wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        return frame.wrap(buffer, offset, length);
    }

    /**
     * The client's subscription id this message was delivered for.
     *
     * @return the id.
     */
    public int subscriptionId()
    {
        return frame.argument();
    }

    /**
     * The NATS subject the message was published to.
     *
     * @return the subject.
     */
    public String subject()
    {
        return frame.subject();
    }

    /**
     * The subject to reply to (set when the message is a NATS request).
     *
     * @return it, or null.
     */
    public String replyTo()
    {
        return frame.replyTo();
    }

    /**
     * The first value of a header.
     *
     * @param name the header name.
     * @return its value, or null.
     */
    public String header(final String name)
    {
        final String[] found = new String[1];
        frame.readHeaders((n, v) ->
        {
            if (found[0] == null && n.equals(name))
            {
                found[0] = v;
            }
        });
        return found[0];
    }

    /**
     * The trace id header.
     *
     * @return it, or null.
     */
    public String traceId()
    {
        return header(GatewayProtocol.TRACE_ID_HEADER);
    }

    /**
     * Every header, in order.
     *
     * @param action receives each name and value.
     */
    public void forEachHeader(final BiConsumer<String, String> action)
    {
        frame.readHeaders(action::accept);
    }

    /**
     * The buffer holding the payload.
     *
     * @return the buffer (a view into the client's inbox).
     */
    public DirectBuffer buffer()
    {
        return frame.buffer();
    }

    /**
     * Where the payload starts in {@link #buffer()}.
     *
     * @return the offset.
     */
    public int offset()
    {
        return frame.payloadOffset();
    }

    /**
     * The payload's length.
     *
     * @return bytes.
     */
    public int length()
    {
        return frame.payloadLength();
    }

    /**
     * A copy of the payload.
     *
     * @return the bytes.
     */
    public byte[] payload()
    {
        return frame.payloadBytes();
    }
}
