package io.ipcgateway.examples.audit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;

import org.agrona.MutableDirectBuffer;

/**
 * The records {@link AuditTap} writes: the audit record's type says which way the message went, and its payload
 * starts with who sent or received it. All fields little-endian.
 *
 * <pre>
 * Tap payload ({@link #HEADER_LENGTH}-byte header, then the message bytes as the service saw them)
 *  +---------------------------------+---------------------------------+
 *  |            client pid (8 bytes)                                   |  0
 *  +---------------------------------+---------------------------------+
 *  |  client uid (-1 when unknown)   |  session id                     |  8
 *  +---------------------------------+---------------------------------+
 *  |  correlation id (8 bytes; 0 for one-way messages, pushes,         | 16
 *  |  connects and disconnects)                                        |
 *  +---------------------------------+---------------------------------+
 *  |  application type id of the msg |  reserved (0)                   | 24
 *  +---------------------------------+---------------------------------+
 *  |  message bytes                                                    | 32
 *  +-------------------------------------------------------------------+
 * </pre>
 */
final class TapRecord
{
    /** Audit record type: a client connected (no message bytes). */
    static final int CONNECT = 0x5441_5001;
    /** Audit record type: a client disconnected (no message bytes). */
    static final int DISCONNECT = 0x5441_5002;
    /** Audit record type: a one-way message in. */
    static final int MESSAGE_IN = 0x5441_5003;
    /** Audit record type: a request in. */
    static final int REQUEST_IN = 0x5441_5004;
    /** Audit record type: a response out. */
    static final int RESPONSE_OUT = 0x5441_5005;
    /** Audit record type: a push out. */
    static final int PUSH_OUT = 0x5441_5006;

    /** Offset of the client's pid. */
    static final int PID_OFFSET = 0;
    /** Offset of the client's uid. */
    static final int UID_OFFSET = 8;
    /** Offset of the session id. */
    static final int SESSION_OFFSET = 12;
    /** Offset of the correlation id. */
    static final int CORRELATION_OFFSET = 16;
    /** Offset of the message's application type id. */
    static final int TYPE_ID_OFFSET = 24;
    /** Length of the tap header; the message bytes start here. */
    static final int HEADER_LENGTH = 32;

    private static final String[] KIND_NAMES =
        {"connect", "disconnect", "message-in", "request-in", "response-out", "push-out"};

    private final int type;
    private final long pid;
    private final int uid;
    private final int sessionId;
    private final long correlationId;
    private final int typeId;
    private final byte[] body;

    private TapRecord(final int type, final ByteBuffer header, final byte[] body)
    {
        this.type = type;
        this.pid = header.getLong(PID_OFFSET);
        this.uid = header.getInt(UID_OFFSET);
        this.sessionId = header.getInt(SESSION_OFFSET);
        this.correlationId = header.getLong(CORRELATION_OFFSET);
        this.typeId = header.getInt(TYPE_ID_OFFSET);
        this.body = body;
    }

    /**
     * Writes a tap header.
     *
     * @return {@link #HEADER_LENGTH}.
     */
    static int encodeHeader(final MutableDirectBuffer buffer, final int offset, final long pid, final int uid,
        final int sessionId, final long correlationId, final int typeId)
    {
        buffer.putLong(offset + PID_OFFSET, pid, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(offset + UID_OFFSET, uid, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(offset + SESSION_OFFSET, sessionId, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(offset + CORRELATION_OFFSET, correlationId, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(offset + TYPE_ID_OFFSET, typeId, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(offset + TYPE_ID_OFFSET + 4, 0, ByteOrder.LITTLE_ENDIAN);
        return HEADER_LENGTH;
    }

    /**
     * Reads a tap record.
     *
     * @return the record, or null when the type is not a tap type or the payload too short to be one.
     */
    static TapRecord decode(final int type, final byte[] payload)
    {
        if (!isTapType(type) || payload.length < HEADER_LENGTH)
        {
            return null;
        }
        final ByteBuffer header = ByteBuffer.wrap(payload, 0, HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        return new TapRecord(type, header, Arrays.copyOfRange(payload, HEADER_LENGTH, payload.length));
    }

    static boolean isTapType(final int type)
    {
        return type >= CONNECT && type <= PUSH_OUT;
    }

    String kind()
    {
        return KIND_NAMES[type - CONNECT];
    }

    long pid()
    {
        return pid;
    }

    int uid()
    {
        return uid;
    }

    int sessionId()
    {
        return sessionId;
    }

    long correlationId()
    {
        return correlationId;
    }

    int typeId()
    {
        return typeId;
    }

    byte[] body()
    {
        return body;
    }

    void describe(final Map<String, Object> object)
    {
        object.put("tap", kind());
        object.put("pid", pid);
        object.put("uid", uid);
        object.put("session", sessionId);
        object.put("correlationId", correlationId);
        object.put("typeId", typeId);
    }

    @Override
    public String toString()
    {
        return "tap=" + kind() + " pid=" + pid + " uid=" + uid + " session=" + sessionId + " correlation="
            + correlationId + " typeId=" + typeId;
    }
}
