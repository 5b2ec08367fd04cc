package io.ipcgateway.core;

import java.nio.charset.StandardCharsets;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Ready-made {@link Codec}s. Numbers are little-endian, like every field IPC Gateway writes.
 */
public final class Codecs
{
    private static final Codec<String> UTF8 = new Codec<>()
    {
        @Override
        public int encode(final String value, final MutableDirectBuffer buffer, final int offset)
        {
            return buffer.putStringWithoutLengthUtf8(offset, value);
        }

        @Override
        public String decode(final DirectBuffer buffer, final int offset, final int length)
        {
            return buffer.getStringWithoutLengthUtf8(offset, length);
        }

        @Override
        public String toString()
        {
            return "Codecs.utf8()";
        }
    };

    private static final Codec<Long> INT64 = new Codec<>()
    {
        @Override
        public int encode(final Long value, final MutableDirectBuffer buffer, final int offset)
        {
            buffer.putLong(offset, value);
            return Long.BYTES;
        }

        @Override
        public Long decode(final DirectBuffer buffer, final int offset, final int length)
        {
            requireLength(this, length, Long.BYTES);
            return buffer.getLong(offset);
        }

        @Override
        public String toString()
        {
            return "Codecs.int64()";
        }
    };

    private static final Codec<Integer> INT32 = new Codec<>()
    {
        @Override
        public int encode(final Integer value, final MutableDirectBuffer buffer, final int offset)
        {
            buffer.putInt(offset, value);
            return Integer.BYTES;
        }

        @Override
        public Integer decode(final DirectBuffer buffer, final int offset, final int length)
        {
            requireLength(this, length, Integer.BYTES);
            return buffer.getInt(offset);
        }

        @Override
        public String toString()
        {
            return "Codecs.int32()";
        }
    };

    private static final Codec<Double> FLOAT64 = new Codec<>()
    {
        @Override
        public int encode(final Double value, final MutableDirectBuffer buffer, final int offset)
        {
            buffer.putDouble(offset, value);
            return Double.BYTES;
        }

        @Override
        public Double decode(final DirectBuffer buffer, final int offset, final int length)
        {
            requireLength(this, length, Double.BYTES);
            return buffer.getDouble(offset);
        }

        @Override
        public String toString()
        {
            return "Codecs.float64()";
        }
    };

    private static final Codec<byte[]> BYTES = new Codec<>()
    {
        @Override
        public int encode(final byte[] value, final MutableDirectBuffer buffer, final int offset)
        {
            buffer.putBytes(offset, value);
            return value.length;
        }

        @Override
        public byte[] decode(final DirectBuffer buffer, final int offset, final int length)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            return bytes;
        }

        @Override
        public String toString()
        {
            return "Codecs.bytes()";
        }
    };

    private Codecs()
    {
    }

    /**
     * Text as UTF-8 bytes, the whole message (no length prefix).
     *
     * @return the codec.
     */
    public static Codec<String> utf8()
    {
        return UTF8;
    }

    /**
     * A {@code long} as 8 bytes, little-endian.
     *
     * @return the codec.
     */
    public static Codec<Long> int64()
    {
        return INT64;
    }

    /**
     * An {@code int} as 4 bytes, little-endian.
     *
     * @return the codec.
     */
    public static Codec<Integer> int32()
    {
        return INT32;
    }

    /**
     * A {@code double} as 8 bytes, little-endian IEEE 754.
     *
     * @return the codec.
     */
    public static Codec<Double> float64()
    {
        return FLOAT64;
    }

    /**
     * Raw bytes, copied.
     *
     * @return the codec.
     */
    public static Codec<byte[]> bytes()
    {
        return BYTES;
    }

    /**
     * The UTF-8 bytes of a text, for messages built by hand.
     *
     * @param text the text.
     * @return its bytes.
     */
    public static byte[] utf8Bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void requireLength(final Codec<?> codec, final int length, final int expected)
    {
        if (length != expected)
        {
            throw new CodecException("cannot decode with " + codec + ": length=" + length + ", expected=" + expected);
        }
    }
}
