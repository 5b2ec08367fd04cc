package io.ipcgateway.shm;

import org.agrona.DirectBuffer;

/**
 * Layout of the frames the transport writes into its rings. Each frame is one Agrona ring record (Agrona's record
 * header and trailer, so Agrona tools still read the rings) whose payload starts with the frame header below,
 * followed by the application's bytes. All fields little-endian.
 * <p>
 * The record's 32-bit type field is a <em>tag</em>: the frame kind (one of the {@code *_KIND} constants) in the low
 * {@link #TAG_KIND_BITS} bits and, above them, the lap of the ring position the record was claimed at
 * ({@code position >>> log2(capacity)}, low {@link #TAG_LAP_BITS} bits). The tag is always positive, as Agrona
 * requires of record types; padding records keep Agrona's type {@code -1}.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |  Record Length (int; negative while claimed, then committed)  | 0
 *  +---------------------------------------------------------------+
 *  |  Tag (int): lap of the claim position (bits 8-30), kind (0-7) | 4
 *  +---------------------------------------------------------------+
 *  |  Frame header and payload ...                                 | 8
 * </pre>
 * A producer claims by writing the whole 8-byte record header at once, commits by one compare-and-set of that
 * header from {@code (-length, tag)} to {@code (+length, tag)}, and the consumer unblocks a stuck claim by one
 * compare-and-set to padding; so exactly one of commit and unblock wins, and a commit of a claim whose slot was
 * skipped and reused (another lap, so another tag) fails without writing anything. The consumer checks each
 * record's lap against the position it reads it at.
 * <pre>
 * Client to server (service inbox):
 *   CONNECT      [protocol int][reserved int][pid long][startTime long][nameLength int][client file name ASCII]
 *   DISCONNECT   [sessionId int][reserved int]
 *   MESSAGE      [sessionId int][typeId int] payload
 *   REQUEST      [sessionId int][typeId int][correlationId long] payload
 * Server to client (client inbox):
 *   CONNECTED    [sessionId int][protocol int][serverPid long][maxMessageLength int][reserved int]
 *   REJECTED     [reasonLength int][reason ASCII]
 *   CLOSING      (no fields: the server is shutting down)
 *   RESPONSE     [sessionId int][typeId int][correlationId long] payload
 *   PUSH         [sessionId int][typeId int] payload
 * Both directions, for messages larger than one ring record:
 *   FRAGMENT     [sessionId int][typeId int][correlationId long][innerKind int][totalLength int]
 *                [fragmentOffset int][reserved int] fragment bytes
 * </pre>
 * A message is fragmented when its header plus payload exceed the ring's {@code maxMsgLength()}; fragments of one
 * message are written in order by one thread at a time per sender, and the receiver reassembles them by
 * {@code fragmentOffset} (0 starts a new message and discards any incomplete one).
 */
public final class FrameDescriptor
{
    /** Version of the control protocol, checked in the handshake. */
    public static final int PROTOCOL_VERSION = 1;

    /** Connect request from a client. */
    public static final int CONNECT_KIND = 1;
    /** Connect accepted, to a client. */
    public static final int CONNECTED_KIND = 2;
    /** Connect refused, to a client. */
    public static final int REJECTED_KIND = 3;
    /** Clean disconnect from a client. */
    public static final int DISCONNECT_KIND = 4;
    /** Server shutting down, to a client. */
    public static final int CLOSING_KIND = 5;
    /** One-way message from a client. */
    public static final int MESSAGE_KIND = 6;
    /** Request from a client. */
    public static final int REQUEST_KIND = 7;
    /** Response to a client. */
    public static final int RESPONSE_KIND = 8;
    /** Server push to a client. */
    public static final int PUSH_KIND = 9;
    /** One fragment of a large MESSAGE, REQUEST, RESPONSE or PUSH. */
    public static final int FRAGMENT_KIND = 10;

    /** Bits of the record type field that hold the frame kind; the lap of the claim position is above them. */
    public static final int TAG_KIND_BITS = 8;
    /** Mask of the frame kind in a record's type field. */
    public static final int TAG_KIND_MASK = (1 << TAG_KIND_BITS) - 1;
    /** Bits of the lap kept in a record's type field (the sign bit stays clear). */
    public static final int TAG_LAP_BITS = 31 - TAG_KIND_BITS;
    /** Mask of the lap, after shifting it down by {@link #TAG_KIND_BITS}. */
    public static final int TAG_LAP_MASK = (1 << TAG_LAP_BITS) - 1;

    /** Offset of the session id in data frames (MESSAGE, REQUEST, RESPONSE, PUSH, FRAGMENT). */
    public static final int SESSION_ID_OFFSET = 0;
    /** Offset of the application type id in data frames. */
    public static final int TYPE_ID_OFFSET = 4;
    /** Offset of the correlation id in REQUEST, RESPONSE and FRAGMENT frames. */
    public static final int CORRELATION_ID_OFFSET = 8;

    /** Header length of MESSAGE frames. */
    public static final int MESSAGE_HEADER_LENGTH = 8;
    /** Header length of REQUEST frames. */
    public static final int REQUEST_HEADER_LENGTH = 16;
    /** Header length of RESPONSE frames. */
    public static final int RESPONSE_HEADER_LENGTH = 16;
    /** Header length of PUSH frames. */
    public static final int PUSH_HEADER_LENGTH = 8;

    /** Offset of the inner kind in FRAGMENT frames. */
    public static final int FRAGMENT_INNER_KIND_OFFSET = 16;
    /** Offset of the total message length in FRAGMENT frames. */
    public static final int FRAGMENT_TOTAL_LENGTH_OFFSET = 20;
    /** Offset of this fragment's position in the message, in FRAGMENT frames. */
    public static final int FRAGMENT_OFFSET_OFFSET = 24;
    /** Header length of FRAGMENT frames. */
    public static final int FRAGMENT_HEADER_LENGTH = 32;

    /** Offset of the protocol version in CONNECT frames. */
    public static final int CONNECT_PROTOCOL_OFFSET = 0;
    /** Offset of the client pid in CONNECT frames. */
    public static final int CONNECT_PID_OFFSET = 8;
    /** Offset of the client start time in CONNECT frames. */
    public static final int CONNECT_START_TIME_OFFSET = 16;
    /** Offset of the client file name length in CONNECT frames. */
    public static final int CONNECT_NAME_LENGTH_OFFSET = 24;
    /** Offset of the client file name in CONNECT frames. */
    public static final int CONNECT_NAME_OFFSET = 28;
    /** Longest client file name accepted in CONNECT frames. */
    public static final int MAX_CLIENT_FILE_NAME_LENGTH = 64;

    /** Offset of the session id in CONNECTED frames. */
    public static final int CONNECTED_SESSION_ID_OFFSET = 0;
    /** Offset of the protocol version in CONNECTED frames. */
    public static final int CONNECTED_PROTOCOL_OFFSET = 4;
    /** Offset of the server pid in CONNECTED frames. */
    public static final int CONNECTED_SERVER_PID_OFFSET = 8;
    /** Offset of the server's max message length in CONNECTED frames. */
    public static final int CONNECTED_MAX_MESSAGE_LENGTH_OFFSET = 16;
    /** Length of CONNECTED frames. */
    public static final int CONNECTED_LENGTH = 24;

    /** Offset of the reason length in REJECTED frames. */
    public static final int REJECTED_REASON_LENGTH_OFFSET = 0;
    /** Offset of the reason in REJECTED frames. */
    public static final int REJECTED_REASON_OFFSET = 4;

    /** Length of DISCONNECT frames. */
    public static final int DISCONNECT_LENGTH = 8;

    private FrameDescriptor()
    {
    }

    /**
     * The record type tag of a frame claimed at a ring position.
     *
     * @param kind          the frame kind, 1 to {@link #TAG_KIND_MASK}.
     * @param position      the ring position of the record (Agrona's tail position when it was claimed).
     * @param capacityShift log2 of the ring's capacity.
     * @return the tag, positive.
     */
    public static int tag(final int kind, final long position, final int capacityShift)
    {
        return kind | (lap(position, capacityShift) << TAG_KIND_BITS);
    }

    /**
     * The lap a record at this position carries in its tag.
     *
     * @param position      a ring position.
     * @param capacityShift log2 of the ring's capacity.
     * @return the low {@link #TAG_LAP_BITS} bits of {@code position >>> capacityShift}.
     */
    public static int lap(final long position, final int capacityShift)
    {
        return (int)(position >>> capacityShift) & TAG_LAP_MASK;
    }

    /**
     * Whether a client file name from a CONNECT frame is one the transport creates: {@code client-<pid>-<n>.ipc}.
     * Anything else (a path, {@code ..}, control characters) is refused before it touches the file system.
     *
     * @param name the name decoded from the frame.
     * @return true when safe.
     */
    public static boolean isValidClientFileName(final String name)
    {
        return name.length() <= MAX_CLIENT_FILE_NAME_LENGTH && name.matches("client-[0-9]{1,19}-[0-9]{1,19}\\.ipc");
    }

    /**
     * Reads an ASCII string of a declared length, checking that it lies inside the record.
     *
     * @param buffer    the buffer.
     * @param offset    where the string starts.
     * @param length    declared length.
     * @param limit     end of the record.
     * @param maxLength largest length accepted.
     * @return the string, or null when the declared length is invalid.
     */
    static String readAscii(
        final DirectBuffer buffer, final int offset, final int length, final int limit, final int maxLength)
    {
        if (length < 0 || length > maxLength || offset + length > limit)
        {
            return null;
        }
        return buffer.getStringWithoutLengthAscii(offset, length);
    }
}
