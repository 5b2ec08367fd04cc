package io.ipcgateway.examples.gateway.spool;

/**
 * Layout of one spooled message: the payload of one record of the spool's audit log (the segment format, CRC and
 * hash chain of {@link io.ipcgateway.audit.AuditSegmentDescriptor}), with type {@link #RECORD_TYPE} and flags
 * {@link #RECORD_VERSION}. The record's sequence is the message's spool sequence. Little-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |        subject length S (bytes of its UTF-8 encoding)         |  0
 *  +---------------------------------------------------------------+
 *  |        headers length H, or -1 (NO_HEADERS) for none          |  4
 *  +---------------------------------------------------------------+
 *  |        subject (S bytes, UTF-8)                              ...  8
 *  +---------------------------------------------------------------+
 *  |        headers (H bytes, opaque; absent when H = -1)         ...  8 + S
 *  +---------------------------------------------------------------+
 *  |        message payload (the rest of the record)              ...  8 + S + max(H, 0)
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class SpoolRecordDescriptor
{
    /** Audit record type of a spooled message: ASCII "SPOL". */
    public static final int RECORD_TYPE = 0x53504F4C;
    /** Audit record flags: the layout version of this payload. */
    public static final int RECORD_VERSION = 1;
    /** Offset of the subject's length. */
    public static final int SUBJECT_LENGTH_OFFSET = 0;
    /** Offset of the headers' length. */
    public static final int HEADERS_LENGTH_OFFSET = 4;
    /** Where the subject starts. */
    public static final int SUBJECT_OFFSET = 8;
    /** Bytes before the subject. */
    public static final int HEADER_LENGTH = SUBJECT_OFFSET;
    /** Headers length meaning "no headers" (null, as opposed to an empty array). */
    public static final int NO_HEADERS = -1;

    private SpoolRecordDescriptor()
    {
    }

    /**
     * Bytes of a record's payload for a message.
     *
     * @param subjectLength bytes of the subject's UTF-8 encoding.
     * @param headersLength header bytes, or {@link #NO_HEADERS}.
     * @param payloadLength message payload bytes.
     * @return the audit record's payload length.
     */
    public static long encodedLength(final int subjectLength, final int headersLength, final int payloadLength)
    {
        return (long)HEADER_LENGTH + subjectLength + Math.max(headersLength, 0) + payloadLength;
    }
}
