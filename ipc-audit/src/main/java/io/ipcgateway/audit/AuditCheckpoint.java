package io.ipcgateway.audit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.ipcgateway.core.ConfigurationException;

/**
 * A checkpoint of an audit log's chain: a record's sequence, timestamp and chain hash, HMAC-SHA256-signed when the
 * log is keyed. Exported with {@link AuditLog#checkpoint()} and kept elsewhere (another host, a ticket, a notary),
 * it anchors the chain: {@link AuditVerifier} then proves that the log up to that record is the one that existed
 * when the checkpoint was taken, even against someone who rewrote every file and recomputed every unkeyed hash.
 * Immutable. Its text form ({@link #toString()}, {@link #parse(String)}) is one line:
 * {@code ipc-audit-checkpoint v1 sequence=N timestamp=T hash=HEX signature=HEX|none}.
 */
public final class AuditCheckpoint
{
    private static final String PREFIX = "ipc-audit-checkpoint v1";
    private static final byte[] SIGNING_CONTEXT = "ipc-audit-checkpoint-v1".getBytes(StandardCharsets.US_ASCII);

    private final long sequence;
    private final long timestamp;
    private final byte[] hash;
    private final byte[] signature;

    private AuditCheckpoint(final long sequence, final long timestamp, final byte[] hash, final byte[] signature)
    {
        this.sequence = sequence;
        this.timestamp = timestamp;
        this.hash = hash;
        this.signature = signature;
    }

    /**
     * Creates a checkpoint, signed when a key is given.
     *
     * @param sequence  the record's sequence.
     * @param timestamp the record's timestamp (ns since the epoch).
     * @param hash      the record's chain hash (32 bytes, copied).
     * @param key       the log's HMAC key, or null for an unsigned checkpoint.
     * @return the checkpoint.
     */
    public static AuditCheckpoint create(final long sequence, final long timestamp, final byte[] hash, final byte[] key)
    {
        final byte[] copy = Arrays.copyOf(hash, AuditSegmentDescriptor.HASH_LENGTH);
        final byte[] signature = key == null ? null : sign(key, sequence, timestamp, copy);
        return new AuditCheckpoint(sequence, timestamp, copy, signature);
    }

    /**
     * Parses the text form.
     *
     * @param text one line as written by {@link #toString()}.
     * @return the checkpoint.
     * @throws ConfigurationException when the text is not a checkpoint.
     */
    public static AuditCheckpoint parse(final String text)
    {
        try
        {
            final String t = text.trim();
            if (!t.startsWith(PREFIX + " "))
            {
                throw new IllegalArgumentException("missing '" + PREFIX + "'");
            }
            long sequence = -1;
            long timestamp = -1;
            byte[] hash = null;
            byte[] signature = null;
            boolean sawSignature = false;
            for (final String field : t.substring(PREFIX.length()).trim().split("\\s+"))
            {
                final int eq = field.indexOf('=');
                final String key = eq < 0 ? field : field.substring(0, eq);
                final String value = eq < 0 ? "" : field.substring(eq + 1);
                switch (key)
                {
                    case "sequence" -> sequence = Long.parseLong(value);
                    case "timestamp" -> timestamp = Long.parseLong(value);
                    case "hash" -> hash = HexFormat.of().parseHex(value);
                    case "signature" ->
                    {
                        sawSignature = true;
                        signature = "none".equals(value) ? null : HexFormat.of().parseHex(value);
                    }
                    default -> throw new IllegalArgumentException("unknown field " + key);
                }
            }
            if (sequence < 1 || hash == null || hash.length != AuditSegmentDescriptor.HASH_LENGTH || !sawSignature ||
                (signature != null && signature.length != AuditSegmentDescriptor.HASH_LENGTH))
            {
                throw new IllegalArgumentException("sequence, hash (32 bytes) and signature are required");
            }
            return new AuditCheckpoint(sequence, timestamp, hash, signature);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigurationException("invalid audit checkpoint: checkpoint=\"" + text + "\": " + ex.getMessage()
                + ": expected " + PREFIX + " sequence=N timestamp=T hash=HEX signature=HEX|none", ex);
        }
    }

    /**
     * The record's sequence.
     *
     * @return sequence.
     */
    public long sequence()
    {
        return sequence;
    }

    /**
     * The record's timestamp.
     *
     * @return ns since the epoch.
     */
    public long timestamp()
    {
        return timestamp;
    }

    /**
     * The record's chain hash.
     *
     * @return a copy of the 32 bytes.
     */
    public byte[] hash()
    {
        return hash.clone();
    }

    /**
     * Whether the checkpoint is signed.
     *
     * @return true when it carries an HMAC signature.
     */
    public boolean isSigned()
    {
        return signature != null;
    }

    /**
     * Checks the signature with the log's key (in constant time).
     *
     * @param key the HMAC key.
     * @return true when the checkpoint is signed and the signature matches.
     */
    public boolean verifySignature(final byte[] key)
    {
        return signature != null && key != null &&
            MessageDigest.isEqual(signature, sign(key, sequence, timestamp, hash));
    }

    /**
     * Whether a chain hash equals this checkpoint's (in constant time).
     *
     * @param other 32 bytes.
     * @return true when equal.
     */
    public boolean matchesHash(final byte[] other)
    {
        return MessageDigest.isEqual(hash, other);
    }

    @Override
    public String toString()
    {
        return PREFIX + " sequence=" + sequence + " timestamp=" + timestamp + " hash=" + HexFormat.of().formatHex(hash)
            + " signature=" + (signature == null ? "none" : HexFormat.of().formatHex(signature));
    }

    private static byte[] sign(final byte[] key, final long sequence, final long timestamp, final byte[] hash)
    {
        try
        {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(SIGNING_CONTEXT);
            mac.update(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(sequence).putLong(timestamp)
                .flip());
            mac.update(hash);
            return mac.doFinal();
        }
        catch (final GeneralSecurityException ex)
        {
            throw new ConfigurationException("cannot sign audit checkpoint: " + ex, ex);
        }
    }
}
