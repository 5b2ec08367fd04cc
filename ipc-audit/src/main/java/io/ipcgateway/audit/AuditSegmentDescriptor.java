package io.ipcgateway.audit;

import org.agrona.BitUtil;

/**
 * Layout of one audit segment file, {@code <name>-<first sequence>.log} (the sequence zero-padded to 20 digits so
 * names sort in order). Every offset and length is here; nobody else knows one. All fields are little-endian.
 * <p>
 * The file is created at its full size with every byte written (zeros), so a full disk fails at creation and never
 * later; records follow the header, each aligned to {@link #RECORD_ALIGNMENT} bytes. A record whose length word is
 * zero marks the end of what was written.
 *
 * <pre>
 * Segment header ({@link #HEADER_LENGTH} bytes)
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------------------------------------------+
 *  |                    magic "IPCAUDIT" (8 bytes)                     |  0
 *  +---------------------------------+---------------------------------+
 *  |         layout version          |      chain algorithm            |  8
 *  +---------------------------------+---------------------------------+
 *  |        first sequence of this segment (8 bytes)                   | 16
 *  +-------------------------------------------------------------------+
 *  |        creation time: wall clock, ns since 1970-01-01 UTC         | 24
 *  +-------------------------------------------------------------------+
 *  |   previous segment's final chain hash (32 bytes; zeros for the    | 32
 *  |   first segment of a log)                                         |
 *  +---------------------------------+---------------------------------+
 *  |  header CRC32C over bytes 0..63 |          reserved (0)           | 64
 *  +---------------------------------+---------------------------------+
 *  |                        reserved (0) up to byte 127                |
 *  +-------------------------------------------------------------------+
 *
 * Record ({@link #RECORD_HEADER_LENGTH}-byte header, then the payload; the whole padded to
 * {@link #RECORD_ALIGNMENT})
 *  +---------------------------------+---------------------------------+
 *  | frame length (header + payload, |  CRC32C over bytes 0..3 and     |  0
 *  | unpadded; written last)         |  8..frame length                |
 *  +---------------------------------+---------------------------------+
 *  |            type                 |             flags               |  8
 *  +---------------------------------+---------------------------------+
 *  |   timestamp: wall clock, ns since 1970-01-01 UTC, never decreasing| 16
 *  +-------------------------------------------------------------------+
 *  |   sequence: gap-free, +1 per record across segments, from 1       | 24
 *  +-------------------------------------------------------------------+
 *  |   chain hash (32 bytes) = H(previous chain hash || bytes 8..31 || | 32
 *  |   payload), H = SHA-256, or HMAC-SHA256 keyed by the user's key   |
 *  +-------------------------------------------------------------------+
 *  |   payload (frame length - 64 bytes), then zero padding             | 64
 *  +-------------------------------------------------------------------+
 * </pre>
 * A reader that meets a damaged record can resynchronise by trying each {@link #RECORD_ALIGNMENT}-aligned offset
 * after it for a record whose length, CRC and sequence are plausible.
 */
public final class AuditSegmentDescriptor
{
    /** "IPCAUDIT" as a little-endian long. */
    public static final long MAGIC = 0x5449445541435049L;
    /** Layout version written in and checked against every segment header. */
    public static final int LAYOUT_VERSION = 1;

    /** Chain algorithm code: SHA-256 without a key. */
    public static final int CHAIN_SHA256 = 1;
    /** Chain algorithm code: HMAC-SHA256 with the user's key. */
    public static final int CHAIN_HMAC_SHA256 = 2;

    /** Offset of the magic. */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the layout version. */
    public static final int VERSION_OFFSET = 8;
    /** Offset of the chain algorithm code. */
    public static final int CHAIN_ALGORITHM_OFFSET = 12;
    /** Offset of the segment's first sequence. */
    public static final int FIRST_SEQUENCE_OFFSET = 16;
    /** Offset of the creation time (wall clock, ns since the epoch). */
    public static final int CREATION_TIME_OFFSET = 24;
    /** Offset of the previous segment's final chain hash. */
    public static final int PREVIOUS_HASH_OFFSET = 32;
    /** Offset of the header's CRC32C, computed over bytes {@code [0, HEADER_CRC_OFFSET)}. */
    public static final int HEADER_CRC_OFFSET = 64;
    /** Length of the segment header; the first record starts here. */
    public static final int HEADER_LENGTH = 128;

    /** Length of a chain hash. */
    public static final int HASH_LENGTH = 32;

    /** Offset in a record of its frame length (header + payload, unpadded); zero means nothing written here. */
    public static final int LENGTH_OFFSET = 0;
    /** Offset in a record of its CRC32C (over bytes 0..3 and 8..frame length). */
    public static final int CRC_OFFSET = 4;
    /** Offset in a record of its type. */
    public static final int TYPE_OFFSET = 8;
    /** Offset in a record of its flags. */
    public static final int FLAGS_OFFSET = 12;
    /** Offset in a record of its timestamp (wall clock, ns since the epoch). */
    public static final int TIMESTAMP_OFFSET = 16;
    /** Offset in a record of its sequence. */
    public static final int SEQUENCE_OFFSET = 24;
    /** Offset in a record of its chain hash. */
    public static final int HASH_OFFSET = 32;
    /** Bytes {@code [HASHED_FIELDS_OFFSET, HASH_OFFSET)} of the header go into the chain hash. */
    public static final int HASHED_FIELDS_OFFSET = TYPE_OFFSET;
    /** Length of a record header; the payload starts here. */
    public static final int RECORD_HEADER_LENGTH = 64;
    /** Every record starts at a multiple of this. */
    public static final int RECORD_ALIGNMENT = 8;

    /** File name suffix of a segment. */
    public static final String SEGMENT_SUFFIX = ".log";
    /** File name suffix of a segment's sparse index. */
    public static final String INDEX_SUFFIX = ".idx";

    private AuditSegmentDescriptor()
    {
    }

    /**
     * Space a record with the given payload takes in a segment, padding included.
     *
     * @param payloadLength payload bytes.
     * @return the aligned frame length.
     */
    public static int alignedFrameLength(final int payloadLength)
    {
        return BitUtil.align(RECORD_HEADER_LENGTH + payloadLength, RECORD_ALIGNMENT);
    }

    /**
     * File name of the segment whose first record has the given sequence.
     *
     * @param name          the log's name.
     * @param firstSequence the segment's first sequence.
     * @return {@code <name>-<first sequence, 20 digits>.log}.
     */
    public static String segmentFileName(final String name, final long firstSequence)
    {
        return name + "-" + String.format("%020d", firstSequence) + SEGMENT_SUFFIX;
    }

    /**
     * File name of the sparse index of the segment whose first record has the given sequence.
     *
     * @param name          the log's name.
     * @param firstSequence the segment's first sequence.
     * @return {@code <name>-<first sequence, 20 digits>.idx}.
     */
    public static String indexFileName(final String name, final long firstSequence)
    {
        return name + "-" + String.format("%020d", firstSequence) + INDEX_SUFFIX;
    }

    /**
     * Reads the first sequence from a segment's file name.
     *
     * @param name     the log's name.
     * @param fileName a file name in the log's folder.
     * @return the first sequence, or -1 when the name is not one of this log's segments.
     */
    public static long parseFirstSequence(final String name, final String fileName)
    {
        final String prefix = name + "-";
        if (!fileName.startsWith(prefix) || !fileName.endsWith(SEGMENT_SUFFIX))
        {
            return -1;
        }
        final String digits = fileName.substring(prefix.length(), fileName.length() - SEGMENT_SUFFIX.length());
        if (digits.isEmpty() || digits.length() > 20)
        {
            return -1;
        }
        for (int i = 0; i < digits.length(); i++)
        {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9')
            {
                return -1;
            }
        }
        try
        {
            return Long.parseLong(digits);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }
}
