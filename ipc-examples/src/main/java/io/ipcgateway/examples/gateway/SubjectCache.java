package io.ipcgateway.examples.gateway;

import java.nio.charset.StandardCharsets;

import org.agrona.DirectBuffer;

/**
 * The subject strings the gateway has seen, keyed by their bytes: a frame's subject is looked up in place in the
 * ring, so a subject seen before costs no allocation (and is the same {@code String} instance each time, whose hash
 * the per-subject counters' map has cached). One thread only (the duty thread).
 * <p>
 * A direct-mapped table of {@value #SLOTS} slots: a subject that collides with another replaces it, so a gateway with
 * more live subjects than slots still works, it only allocates again for the ones that were replaced. Subjects longer
 * than {@value #MAX_CACHED_LENGTH} bytes are never cached.
 */
final class SubjectCache
{
    /** Slots of the table, a power of two. */
    static final int SLOTS = 4096;
    /** Longest subject kept, in bytes. */
    static final int MAX_CACHED_LENGTH = 256;

    private final byte[][] keys = new byte[SLOTS][];
    private final String[] values = new String[SLOTS];

    /**
     * The subject in {@code buffer[offset, offset + length)} as a string, cached.
     *
     * @param buffer holds the subject, US-ASCII.
     * @param offset where it starts.
     * @param length its length in bytes.
     * @return the string; the same instance as for earlier equal bytes while their slot held them.
     */
    String intern(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > MAX_CACHED_LENGTH)
        {
            return ascii(buffer, offset, length);
        }
        int hash = length;
        for (int i = 0; i < length; i++)
        {
            hash = 31 * hash + buffer.getByte(offset + i);
        }
        final int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
        final byte[] key = keys[slot];
        if (key != null && equal(key, buffer, offset, length))
        {
            return values[slot];
        }
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        final String subject = new String(bytes, StandardCharsets.US_ASCII);
        keys[slot] = bytes;
        values[slot] = subject;
        return subject;
    }

    private static boolean equal(final byte[] key, final DirectBuffer buffer, final int offset, final int length)
    {
        if (key.length != length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (key[i] != buffer.getByte(offset + i))
            {
                return false;
            }
        }
        return true;
    }

    private static String ascii(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
