package io.ipcgateway.examples.gateway;

/**
 * The message types between a {@link GatewayClient} and the gateway, over one {@code ipc-shm} service, and the limits
 * both sides share. Every message is one frame ({@link GatewayFrame}); its {@code argument} field means what the type
 * says below. Requests are answered with an empty response of type {@link #OK_TYPE} (or the reply of a
 * {@link #REQUEST}) or an error status ({@link GatewayStatus#code()}).
 */
public final class GatewayProtocol
{
    /** One-way publish to a NATS subject; never answered. Argument 0. */
    public static final int PUBLISH = 1;
    /** Publish answered once the message is in NATS (JetStream's ack for durable subjects) or the spool. Argument 0. */
    public static final int PUBLISH_ACKED = 2;
    /** NATS request; the response is the reply frame. Argument: timeout in milliseconds (0: the gateway's default). */
    public static final int REQUEST = 3;
    /** Subscribe to a subject pattern (wildcards allowed). Argument: the client's subscription id (positive). */
    public static final int SUBSCRIBE = 4;
    /** End a subscription. Argument: the client's subscription id. */
    public static final int UNSUBSCRIBE = 5;
    /** Push from the gateway: a NATS message for a subscription. Argument: the client's subscription id. */
    public static final int MESSAGE = 6;
    /** Type id of a successful answer to {@link #PUBLISH_ACKED}, {@link #SUBSCRIBE}, {@link #UNSUBSCRIBE}. */
    public static final int OK_TYPE = 7;
    /** Type id of the reply to a {@link #REQUEST}: a frame with the reply's subject, headers and payload. */
    public static final int REPLY = 8;

    /** Service name of the gateway unless configured otherwise. */
    public static final String DEFAULT_SERVICE = "gateway";
    /** The header a trace id travels in, locally and in NATS. */
    public static final String TRACE_ID_HEADER = "Ipc-Trace-Id";
    /** Longest subject the protocol can carry (its length field); the gateway's configured limit may be lower. */
    public static final int MAX_SUBJECT_LENGTH = 1024;
    /** Default longest subject a gateway accepts. */
    public static final int DEFAULT_MAX_SUBJECT_LENGTH = 256;
    /** Longest header name (its length is one byte). */
    public static final int MAX_HEADER_NAME_LENGTH = 255;
    /** Longest header value in bytes (its length is two bytes). */
    public static final int MAX_HEADER_VALUE_LENGTH = 65_535;
    /** Longest encoded header block. */
    public static final int MAX_HEADERS_LENGTH = 65_535;

    private GatewayProtocol()
    {
    }
}
