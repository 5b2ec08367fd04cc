package io.ipcgateway.audit.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.ipcgateway.audit.AuditSegmentDescriptor;
import io.ipcgateway.core.ConfigurationException;
import org.agrona.DirectBuffer;

/**
 * Computes a record's chain hash, {@code H(previous hash || header bytes 8..31 || payload)}, with SHA-256 or, when a
 * key is given, HMAC-SHA256. One {@link MessageDigest} or {@link Mac} and one scratch array are reused, so hashing a
 * record allocates nothing once the scratch has grown to the largest payload. Not thread-safe.
 */
public final class ChainHasher
{
    private static final int HASHED_FIELDS_LENGTH =
        AuditSegmentDescriptor.HASH_OFFSET - AuditSegmentDescriptor.HASHED_FIELDS_OFFSET;

    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final int PREVIOUS_AND_FIELDS_LENGTH = AuditSegmentDescriptor.HASH_LENGTH + HASHED_FIELDS_LENGTH;

    private final MessageDigest digest;
    private final Mac mac;
    private byte[] scratch = new byte[4096];

    /**
     * Creates a hasher.
     *
     * @param key the HMAC key, or null for plain SHA-256.
     */
    public ChainHasher(final byte[] key)
    {
        try
        {
            if (key == null)
            {
                digest = MessageDigest.getInstance("SHA-256");
                mac = null;
            }
            else
            {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                digest = null;
            }
        }
        catch (final GeneralSecurityException ex)
        {
            throw new ConfigurationException("cannot set up the audit chain hash: algorithm="
                + (key == null ? "SHA-256" : "HmacSHA256") + " cause=" + ex, ex);
        }
    }

    /**
     * The algorithm code written in segment headers.
     *
     * @return {@link AuditSegmentDescriptor#CHAIN_SHA256} or {@link AuditSegmentDescriptor#CHAIN_HMAC_SHA256}.
     */
    public int algorithm()
    {
        return mac == null ? AuditSegmentDescriptor.CHAIN_SHA256 : AuditSegmentDescriptor.CHAIN_HMAC_SHA256;
    }

    /**
     * Computes the chain hash of the record at {@code recordOffset} (its hashed header fields and payload must be in
     * place; its hash field is not read).
     *
     * @param previous      the previous record's chain hash (32 bytes).
     * @param buffer        the buffer holding the record.
     * @param recordOffset  where the record starts.
     * @param payloadLength payload bytes.
     * @param out           receives the 32-byte hash at {@code outOffset}.
     * @param outOffset     where in {@code out}.
     */
    public void hash(
        final byte[] previous,
        final DirectBuffer buffer,
        final int recordOffset,
        final int payloadLength,
        final byte[] out,
        final int outOffset)
    {
        // One contiguous input (previous hash, header fields, payload): one update call instead of three.
        final int total = PREVIOUS_AND_FIELDS_LENGTH + payloadLength;
        if (scratch.length < total)
        {
            scratch = Arrays.copyOf(scratch, Math.max(total, scratch.length * 2));
        }
        System.arraycopy(previous, 0, scratch, 0, AuditSegmentDescriptor.HASH_LENGTH);
        buffer.getBytes(recordOffset + AuditSegmentDescriptor.HASHED_FIELDS_OFFSET, scratch,
            AuditSegmentDescriptor.HASH_LENGTH, HASHED_FIELDS_LENGTH);
        buffer.getBytes(recordOffset + AuditSegmentDescriptor.RECORD_HEADER_LENGTH, scratch,
            PREVIOUS_AND_FIELDS_LENGTH, payloadLength);
        try
        {
            if (mac == null)
            {
                digest.update(scratch, 0, total);
                digest.digest(out, outOffset, AuditSegmentDescriptor.HASH_LENGTH);
            }
            else
            {
                mac.update(scratch, 0, total);
                mac.doFinal(out, outOffset);
            }
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("chain hash failed", ex);
        }
    }

    /**
     * Whether a computed hash equals the one stored in a buffer, compared in place as four words (no copy). Not
     * constant-time: whoever verifies a log holds its bytes, so the time taken tells nothing secret.
     *
     * @param hash   the computed hash (32 bytes).
     * @param buffer the buffer holding the stored hash.
     * @param index  where it starts.
     * @return true when all 32 bytes are equal.
     */
    public static boolean equalsAt(final byte[] hash, final DirectBuffer buffer, final int index)
    {
        return (word(hash, 0) ^ buffer.getLong(index, ByteOrder.BIG_ENDIAN) |
            word(hash, 8) ^ buffer.getLong(index + 8, ByteOrder.BIG_ENDIAN) |
            word(hash, 16) ^ buffer.getLong(index + 16, ByteOrder.BIG_ENDIAN) |
            word(hash, 24) ^ buffer.getLong(index + 24, ByteOrder.BIG_ENDIAN)) == 0;
    }

    private static long word(final byte[] bytes, final int at)
    {
        return (long)WORDS.get(bytes, at);
    }
}
