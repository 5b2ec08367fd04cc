package io.ipcgateway.shm;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;

/**
 * The optional checksum of a ring record ({@link ChannelDescriptor#RING_FLAG_RECORD_CHECKSUMS}): a 32-bit hash of
 * the frame (frame header and payload), stored as an int right after the frame, inside the record. Meant to catch
 * bytes written into a record after its producer wrote it (a stale producer's copy), not a hostile writer, who can
 * recompute it.
 * <p>
 * A multiply-rotate hash over little-endian 8-byte words and a final avalanche: computed in pieces (frame header,
 * then payload from the sender's own buffer) it gives the same value as over the whole frame, as long as every
 * piece but the last is a multiple of 8 bytes long (frame headers are). Allocation-free and thread-safe.
 */
final class RecordChecksum
{
    /** Bytes a checksum takes in a record. */
    static final int LENGTH = Integer.BYTES;
    /** Starting value of {@link #update}. */
    static final long SEED = 0x2545_F491_4F6C_DD1DL;

    private static final long PRIME_1 = 0x9E37_79B9_7F4A_7C15L;
    private static final long PRIME_2 = 0xC2B2_AE3D_27D4_EB4FL;

    private RecordChecksum()
    {
    }

    /**
     * The checksum of one frame.
     *
     * @param buffer holding the frame.
     * @param index  where the frame starts.
     * @param length the frame length.
     * @return the checksum.
     */
    static int of(final DirectBuffer buffer, final int index, final int length)
    {
        return finish(update(SEED, buffer, index, length), length);
    }

    /**
     * Adds bytes to a running hash.
     *
     * @param hash   {@link #SEED} or the result of the previous piece (which was a multiple of 8 bytes long).
     * @param buffer the bytes.
     * @param index  first byte.
     * @param length number of bytes.
     * @return the running hash.
     */
    static long update(final long hash, final DirectBuffer buffer, final int index, final int length)
    {
        long h = hash;
        int i = 0;
        for (; i <= length - Long.BYTES; i += Long.BYTES)
        {
            h = mix(h, buffer.getLong(index + i, ByteOrder.LITTLE_ENDIAN));
        }
        if (i < length)
        {
            long last = 0;
            for (int shift = 0; i < length; i++, shift += Byte.SIZE)
            {
                last |= (buffer.getByte(index + i) & 0xFFL) << shift;
            }
            h = mix(h, last);
        }
        return h;
    }

    /**
     * The checksum from a running hash.
     *
     * @param hash   the running hash over the whole frame.
     * @param length the frame length (so frames differing only in trailing zeros differ).
     * @return the checksum.
     */
    static int finish(final long hash, final int length)
    {
        long h = hash ^ length;
        h ^= h >>> 33;
        h *= 0xFF51_AFD7_ED55_8CCDL;
        h ^= h >>> 33;
        h *= 0xC4CE_B9FE_1A85_EC53L;
        h ^= h >>> 33;
        return (int)h ^ (int)(h >>> 32);
    }

    private static long mix(final long hash, final long word)
    {
        return Long.rotateLeft(hash ^ word * PRIME_2, 31) * PRIME_1;
    }
}
