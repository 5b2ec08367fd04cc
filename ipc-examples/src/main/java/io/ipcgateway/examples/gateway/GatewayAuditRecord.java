package io.ipcgateway.examples.gateway;

/**
 * The layout of the gateway's audit records (payload of an ipc-audit record), little-endian:
 * <pre>
 *  0                   8           12          16                  24          28        30        32
 *  +-------------------+-----------+-----------+-------------------+-----------+---------+---------+
 *  | client pid i64    | uid i32   | session   | correlation i64   | status    | subject | op u16  |
 *  |                   |           | id i32    | (0 for one-way)   | code i32  | len u16 |         |
 *  +-------------------+-----------+-----------+-------------------+-----------+---------+---------+
 *  32                  40
 *  | latency ns i64    | subject (ASCII) | payload (cut to audit.maxPayload) ...
 * </pre>
 * Record types: {@link #PUBLISH_IN}, {@link #REQUEST_IN}, {@link #RESPONSE_OUT}, {@link #MESSAGE_OUT}.
 */
public final class GatewayAuditRecord
{
    /** A one-way publish from a local client, with its outcome. */
    public static final int PUBLISH_IN = 0x47574101;
    /** A request or acknowledged publish from a local client, as it arrived (status 0, latency 0). */
    public static final int REQUEST_IN = 0x47574102;
    /** The answer to a request or acknowledged publish: its outcome and the time since it arrived. */
    public static final int RESPONSE_OUT = 0x47574103;
    /** A NATS message pushed to a local subscriber (correlation: the subscription id). */
    public static final int MESSAGE_OUT = 0x47574104;

    /** Offset of the client's pid. */
    public static final int PID_OFFSET = 0;
    /** Offset of the client's uid. */
    public static final int UID_OFFSET = 8;
    /** Offset of the session id. */
    public static final int SESSION_OFFSET = 12;
    /** Offset of the correlation id. */
    public static final int CORRELATION_OFFSET = 16;
    /** Offset of the status code ({@link GatewayStatus#code()}). */
    public static final int STATUS_OFFSET = 24;
    /** Offset of the subject's length. */
    public static final int SUBJECT_LENGTH_OFFSET = 28;
    /** Offset of the operation ({@link GatewayOperation#ordinal()}). */
    public static final int OPERATION_OFFSET = 30;
    /** Offset of the latency in nanoseconds. */
    public static final int LATENCY_OFFSET = 32;
    /** Length of the fixed part; the subject starts here. */
    public static final int HEADER_LENGTH = 40;

    private GatewayAuditRecord()
    {
    }
}
