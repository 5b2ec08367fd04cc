package io.ipcgateway.audit;

import static io.ipcgateway.audit.AuditSegmentDescriptor.CHAIN_ALGORITHM_OFFSET;
import static io.ipcgateway.audit.AuditSegmentDescriptor.CHAIN_HMAC_SHA256;
import static io.ipcgateway.audit.AuditSegmentDescriptor.CHAIN_SHA256;
import static io.ipcgateway.audit.AuditSegmentDescriptor.CREATION_TIME_OFFSET;
import static io.ipcgateway.audit.AuditSegmentDescriptor.CRC_OFFSET;
import static io.ipcgateway.audit.AuditSegmentDescriptor.FIRST_SEQUENCE_OFFSET;
import static io.ipcgateway.audit.AuditSegmentDescriptor.FLAGS_OFFSET;
import static io.ipcgateway.audit.AuditSegmentDescriptor.HASH_LENGTH;
import static io.ipcgateway.audit.AuditSegmentDescriptor.HASH_OFFSET;
import static io.ipcgateway.audit.AuditSegmentDescriptor.HEADER_CRC_OFFSET;
import static io.ipcgateway.audit.AuditSegmentDescriptor.HEADER_LENGTH;
import static io.ipcgateway.audit.AuditSegmentDescriptor.LAYOUT_VERSION;
import static io.ipcgateway.audit.AuditSegmentDescriptor.LENGTH_OFFSET;
import static io.ipcgateway.audit.AuditSegmentDescriptor.MAGIC;
import static io.ipcgateway.audit.AuditSegmentDescriptor.MAGIC_OFFSET;
import static io.ipcgateway.audit.AuditSegmentDescriptor.PREVIOUS_HASH_OFFSET;
import static io.ipcgateway.audit.AuditSegmentDescriptor.RECORD_ALIGNMENT;
import static io.ipcgateway.audit.AuditSegmentDescriptor.RECORD_HEADER_LENGTH;
import static io.ipcgateway.audit.AuditSegmentDescriptor.SEQUENCE_OFFSET;
import static io.ipcgateway.audit.AuditSegmentDescriptor.TIMESTAMP_OFFSET;
import static io.ipcgateway.audit.AuditSegmentDescriptor.TYPE_OFFSET;
import static io.ipcgateway.audit.AuditSegmentDescriptor.VERSION_OFFSET;

import java.nio.ByteBuffer;

import io.ipcgateway.audit.internal.Checksum;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The one place that reads and validates segment bytes (header and records), so it can be fuzzed: whatever the bytes
 * are, every method returns a status and never reads outside {@code [0, limit)}, throws or loops. Sequence and chain
 * continuity are the caller's to check ({@link AuditReader}, {@link AuditVerifier}); this class checks structure
 * and CRCs. A flyweight: wrap a buffer, decode at an offset, then read the fields of what was decoded. Not
 * thread-safe.
 */
public final class AuditSegmentDecoder
{
    /** A valid segment header or record was decoded. */
    public static final int OK = 0;
    /** The length word is zero: nothing was written at this offset (yet). */
    public static final int END = 1;
    /** The record (or header) extends past the end of the data. */
    public static final int TRUNCATED = 2;
    /** The length word is out of range, or the offset is not a record boundary. */
    public static final int BAD_LENGTH = 3;
    /** The CRC32C does not match the bytes. */
    public static final int BAD_CRC = 4;
    /** The segment header's magic is wrong: not an audit segment. */
    public static final int BAD_MAGIC = 5;
    /** The segment header's layout version is not {@link AuditSegmentDescriptor#LAYOUT_VERSION}. */
    public static final int BAD_VERSION = 6;
    /** The segment header names an unknown chain algorithm. */
    public static final int BAD_ALGORITHM = 7;

    private static final String[] NAMES =
        {"OK", "END", "TRUNCATED", "BAD_LENGTH", "BAD_CRC", "BAD_MAGIC", "BAD_VERSION", "BAD_ALGORITHM"};

    /** Bytes of free space compared against zeros per vectorised mismatch. */
    private static final int ZERO_SCAN_CHUNK = 64 * 1024;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(ZERO_SCAN_CHUNK).asReadOnlyBuffer();

    private final Checksum checksum = new Checksum();
    private final ByteBuffer zeros = ZEROS.duplicate();
    private ByteBuffer zeroScanSource;
    private ByteBuffer zeroScanView;
    private final UnsafeBuffer lengthScratch = new UnsafeBuffer(new byte[Integer.BYTES]);
    private DirectBuffer buffer;
    private AtomicBuffer atomic;
    private int limit;

    private int recordOffset;
    private int frameLength;

    /**
     * Name of a status, for messages.
     *
     * @param status a status returned by this class.
     * @return its constant's name.
     */
    public static String statusName(final int status)
    {
        return status >= 0 && status < NAMES.length ? NAMES[status] : "UNKNOWN(" + status + ")";
    }

    /**
     * Points the decoder at segment bytes.
     *
     * @param buffer the segment, from its header at index 0; backed by an array or a {@code ByteBuffer}.
     * @param limit  how many bytes of it may be read (clamped to the buffer's capacity).
     * @return this.
     */
    public AuditSegmentDecoder wrap(final DirectBuffer buffer, final int limit)
    {
        this.buffer = buffer;
        this.atomic = buffer instanceof AtomicBuffer ? (AtomicBuffer)buffer : null;
        this.limit = Math.max(0, Math.min(limit, buffer.capacity()));
        this.frameLength = 0;
        this.recordOffset = 0;
        return this;
    }

    /**
     * How many bytes may be read.
     *
     * @return the limit given to {@link #wrap(DirectBuffer, int)}, clamped.
     */
    public int limit()
    {
        return limit;
    }

    /**
     * Checks the segment header: length, magic, version, algorithm and header CRC.
     *
     * @return {@link #OK}, {@link #TRUNCATED}, {@link #END} (all zero: the header was never written),
     *     {@link #BAD_MAGIC}, {@link #BAD_VERSION}, {@link #BAD_ALGORITHM} or {@link #BAD_CRC}.
     */
    public int decodeHeader()
    {
        if (limit < HEADER_LENGTH)
        {
            return TRUNCATED;
        }
        final long magic = atomic != null ? atomic.getLongVolatile(MAGIC_OFFSET) : buffer.getLong(MAGIC_OFFSET);
        if (magic == 0)
        {
            return END;
        }
        if (magic != MAGIC)
        {
            return BAD_MAGIC;
        }
        if (buffer.getInt(VERSION_OFFSET) != LAYOUT_VERSION)
        {
            return BAD_VERSION;
        }
        final int algorithm = buffer.getInt(CHAIN_ALGORITHM_OFFSET);
        if (algorithm != CHAIN_SHA256 && algorithm != CHAIN_HMAC_SHA256)
        {
            return BAD_ALGORITHM;
        }
        final int crc = checksum.reset().update(buffer, 0, HEADER_CRC_OFFSET).value();
        return crc == buffer.getInt(HEADER_CRC_OFFSET) ? OK : BAD_CRC;
    }

    /**
     * Computes the CRC a segment header must carry.
     *
     * @param header the header bytes at index 0.
     * @return CRC32C over bytes {@code [0, HEADER_CRC_OFFSET)}.
     */
    public int headerCrc(final DirectBuffer header)
    {
        return checksum.reset().update(header, 0, HEADER_CRC_OFFSET).value();
    }

    /**
     * The first sequence in the decoded header.
     *
     * @return the sequence.
     */
    public long firstSequence()
    {
        return buffer.getLong(FIRST_SEQUENCE_OFFSET);
    }

    /**
     * The creation time in the decoded header.
     *
     * @return wall clock, ns since the epoch.
     */
    public long creationTime()
    {
        return buffer.getLong(CREATION_TIME_OFFSET);
    }

    /**
     * The chain algorithm code in the decoded header.
     *
     * @return {@link AuditSegmentDescriptor#CHAIN_SHA256} or {@link AuditSegmentDescriptor#CHAIN_HMAC_SHA256}.
     */
    public int chainAlgorithm()
    {
        return buffer.getInt(CHAIN_ALGORITHM_OFFSET);
    }

    /**
     * Copies the previous segment's final chain hash from the decoded header.
     *
     * @param dst receives 32 bytes at index 0.
     */
    public void previousHash(final byte[] dst)
    {
        buffer.getBytes(PREVIOUS_HASH_OFFSET, dst, 0, HASH_LENGTH);
    }

    /**
     * Decodes the record at an offset: checks alignment, length (against {@code maxFrameLength} and the limit) and
     * CRC. Reads the length word with acquire semantics (when the buffer is an {@link AtomicBuffer}), so a reader
     * following a live writer sees the whole record
     * once it sees its length.
     *
     * @param offset         where the record should start.
     * @param maxFrameLength the largest frame length to accept (header + payload).
     * @return {@link #OK}, {@link #END}, {@link #TRUNCATED}, {@link #BAD_LENGTH} or {@link #BAD_CRC}.
     */
    public int decodeRecord(final int offset, final int maxFrameLength)
    {
        recordOffset = offset;
        frameLength = 0;
        if (offset < HEADER_LENGTH || (offset & (RECORD_ALIGNMENT - 1)) != 0)
        {
            return BAD_LENGTH;
        }
        if (offset > limit - RECORD_HEADER_LENGTH)
        {
            if (offset <= limit - Integer.BYTES && lengthAt(offset) == 0)
            {
                return END;
            }
            return offset >= limit ? END : TRUNCATED;
        }
        final int length = lengthAt(offset);
        if (length == 0)
        {
            return END;
        }
        if (length < RECORD_HEADER_LENGTH || length > maxFrameLength)
        {
            return BAD_LENGTH;
        }
        if (length > limit - offset)
        {
            return TRUNCATED;
        }
        if (crcOf(buffer, offset, length) != buffer.getInt(offset + CRC_OFFSET))
        {
            return BAD_CRC;
        }
        frameLength = length;
        return OK;
    }

    private int lengthAt(final int offset)
    {
        return atomic != null ? atomic.getIntVolatile(offset + LENGTH_OFFSET) : buffer.getInt(offset + LENGTH_OFFSET);
    }

    /**
     * Computes the CRC a record must carry: over its bytes 0..3 and 8..frame length.
     *
     * @param buffer      the buffer holding the record.
     * @param offset      where the record starts.
     * @param frameLength its frame length (header + payload).
     * @return CRC32C as an int.
     */
    public int crcOf(final DirectBuffer buffer, final int offset, final int frameLength)
    {
        // The length word is taken from the argument, not the buffer, so a writer can compute the CRC before it
        // publishes the length.
        lengthScratch.putInt(0, frameLength);
        return checksum.reset()
            .update(lengthScratch, 0, Integer.BYTES)
            .update(buffer, offset + TYPE_OFFSET, frameLength - TYPE_OFFSET)
            .value();
    }

    /**
     * Finds the next aligned offset, from {@code from}, where a valid record starts (after a damaged one).
     *
     * @param from           first offset to try (rounded up to the alignment).
     * @param maxFrameLength the largest frame length to accept.
     * @return the offset of a valid record, or -1 when none follows.
     */
    public int resynchronise(final int from, final int maxFrameLength)
    {
        int offset = Math.max(HEADER_LENGTH, (from + RECORD_ALIGNMENT - 1) & -RECORD_ALIGNMENT);
        final int last = limit - RECORD_HEADER_LENGTH;
        while (offset >= 0 && offset <= last)
        {
            // A zero word holds a zero length, which never decodes: skip runs of zeros without a CRC or an acquire
            // load. The tail of a segment is megabytes of zeros, so this is what makes checking it cheap.
            offset = skipZeroWords(offset, last + Long.BYTES);
            if (offset > last)
            {
                break;
            }
            if (decodeRecord(offset, maxFrameLength) == OK)
            {
                return offset;
            }
            offset += RECORD_ALIGNMENT;
        }
        frameLength = 0;
        return -1;
    }

    /**
     * The first aligned offset in {@code [offset, end)} whose 8-byte word is not zero, or {@code end} or beyond when
     * there is none: a vectorised {@link ByteBuffer#mismatch} against zeros over a mapped (direct) buffer, a plain
     * word loop otherwise.
     */
    private int skipZeroWords(final int offset, final int end)
    {
        final ByteBuffer backing = buffer.byteBuffer();
        if (backing == null || !backing.isDirect())
        {
            int at = offset;
            while (at < end && buffer.getLong(at) == 0)
            {
                at += RECORD_ALIGNMENT;
            }
            return at;
        }
        if (backing != zeroScanSource)
        {
            zeroScanSource = backing;
            zeroScanView = backing.duplicate();
        }
        final int adjust = buffer.wrapAdjustment();
        int at = offset;
        while (at < end)
        {
            final int chunk = Math.min(end - at, ZERO_SCAN_CHUNK);
            zeroScanView.clear();
            zeroScanView.limit(adjust + at + chunk).position(adjust + at);
            final int mismatch = zeroScanView.mismatch(zeros);
            if (mismatch >= 0 && mismatch < chunk)
            {
                return (at + mismatch) & -RECORD_ALIGNMENT;
            }
            at += chunk;
        }
        return end;
    }

    /**
     * Where the decoded record starts.
     *
     * @return its offset.
     */
    public int recordOffset()
    {
        return recordOffset;
    }

    /**
     * The decoded record's frame length (header + payload, unpadded).
     *
     * @return bytes.
     */
    public int frameLength()
    {
        return frameLength;
    }

    /**
     * Where the record after the decoded one starts.
     *
     * @return its offset.
     */
    public int nextOffset()
    {
        return recordOffset + ((frameLength + RECORD_ALIGNMENT - 1) & -RECORD_ALIGNMENT);
    }

    /**
     * The decoded record's type.
     *
     * @return type.
     */
    public int type()
    {
        return buffer.getInt(recordOffset + TYPE_OFFSET);
    }

    /**
     * The decoded record's flags.
     *
     * @return flags.
     */
    public int flags()
    {
        return buffer.getInt(recordOffset + FLAGS_OFFSET);
    }

    /**
     * The decoded record's timestamp.
     *
     * @return wall clock, ns since the epoch.
     */
    public long timestamp()
    {
        return buffer.getLong(recordOffset + TIMESTAMP_OFFSET);
    }

    /**
     * The decoded record's sequence.
     *
     * @return sequence.
     */
    public long sequence()
    {
        return buffer.getLong(recordOffset + SEQUENCE_OFFSET);
    }

    /**
     * Where the decoded record's chain hash is in the buffer.
     *
     * @return index of its 32 bytes.
     */
    public int hashOffset()
    {
        return recordOffset + HASH_OFFSET;
    }

    /**
     * Where the decoded record's payload starts in the buffer.
     *
     * @return index.
     */
    public int payloadOffset()
    {
        return recordOffset + RECORD_HEADER_LENGTH;
    }

    /**
     * The decoded record's payload length.
     *
     * @return bytes.
     */
    public int payloadLength()
    {
        return frameLength - RECORD_HEADER_LENGTH;
    }

    /**
     * The buffer wrapped.
     *
     * @return it.
     */
    public DirectBuffer buffer()
    {
        return buffer;
    }
}
