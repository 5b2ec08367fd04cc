package io.ipcgateway.examples.gateway;

import java.nio.charset.StandardCharsets;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The one binary frame of every gateway message, and a reusable flyweight that reads it (not thread-safe: one per
 * reading thread). Little-endian; lengths are unsigned.
 * <pre>
 *  0               4         6         8         10
 *  +---------------+---------+---------+---------+---------+----------+-----------+-------------+
 *  | argument i32  | subj u16| reply u16| hdrs u16| subject | reply to | headers   | payload ... |
 *  +---------------+---------+---------+---------+---------+----------+-----------+-------------+
 *  subject, reply to: ASCII. headers: repeated [name length u8][name ASCII][value length u16][value UTF-8].
 *  payload: the rest of the frame.
 * </pre>
 * What the argument means depends on the type id ({@link GatewayProtocol}).
 */
public final class GatewayFrame
{
    /** Offset of the argument (int32). */
    public static final int ARGUMENT_OFFSET = 0;
    /** Offset of the subject length (uint16). */
    public static final int SUBJECT_LENGTH_OFFSET = 4;
    /** Offset of the reply-to length (uint16). */
    public static final int REPLY_LENGTH_OFFSET = 6;
    /** Offset of the header block length (uint16). */
    public static final int HEADERS_LENGTH_OFFSET = 8;
    /** Length of the fixed part; the subject starts here. */
    public static final int HEADER_LENGTH = 10;

    private DirectBuffer buffer;
    private int offset;
    private int length;
    private int subjectLength;
    private int replyLength;
    private int headersLength;

    /**
     * Bytes a frame takes.
     *
     * @param subject       the subject.
     * @param replyTo       the reply subject, or null.
     * @param headers       the headers, or null.
     * @param payloadLength the payload length.
     * @return the frame length.
     */
    public static int frameLength(
        final CharSequence subject, final CharSequence replyTo, final GatewayHeaders headers, final int payloadLength)
    {
        return HEADER_LENGTH + subject.length() + (replyTo == null ? 0 : replyTo.length()) + headersLength(headers) +
            payloadLength;
    }

    /**
     * Bytes the header block takes.
     *
     * @param headers the headers, or null.
     * @return the block's length.
     * @throws IllegalArgumentException when it is over {@link GatewayProtocol#MAX_HEADERS_LENGTH}.
     */
    public static int headersLength(final GatewayHeaders headers)
    {
        if (headers == null)
        {
            return 0;
        }
        int total = 0;
        for (int i = 0; i < headers.size(); i++)
        {
            total += 1 + headers.name(i).length() + 2 + utf8Length(headers.value(i));
        }
        if (total > GatewayProtocol.MAX_HEADERS_LENGTH)
        {
            throw new IllegalArgumentException("headers take " + total + " bytes, over the limit of " +
                GatewayProtocol.MAX_HEADERS_LENGTH);
        }
        return total;
    }

    /**
     * Writes everything but the payload, which the caller writes at {@code offset + returned value}.
     *
     * @param dst      where to write.
     * @param offset   where the frame starts.
     * @param argument the type's argument.
     * @param subject  the subject, ASCII (checked by the caller).
     * @param replyTo  the reply subject, or null.
     * @param headers  the headers, or null.
     * @return the length written, where the payload goes.
     */
    public static int encodeHead(
        final MutableDirectBuffer dst,
        final int offset,
        final int argument,
        final CharSequence subject,
        final CharSequence replyTo,
        final GatewayHeaders headers)
    {
        final int replyLength = replyTo == null ? 0 : replyTo.length();
        final int headersLength = headersLength(headers);
        dst.putInt(offset + ARGUMENT_OFFSET, argument);
        dst.putShort(offset + SUBJECT_LENGTH_OFFSET, (short)subject.length());
        dst.putShort(offset + REPLY_LENGTH_OFFSET, (short)replyLength);
        dst.putShort(offset + HEADERS_LENGTH_OFFSET, (short)headersLength);
        int at = offset + HEADER_LENGTH;
        at = putAscii(dst, at, subject);
        if (replyTo != null)
        {
            at = putAscii(dst, at, replyTo);
        }
        if (headers != null)
        {
            for (int i = 0; i < headers.size(); i++)
            {
                final String name = headers.name(i);
                dst.putByte(at, (byte)name.length());
                at = putAscii(dst, at + 1, name);
                final int valueLength = dst.putStringWithoutLengthUtf8(at + 2, headers.value(i));
                dst.putShort(at, (short)valueLength);
                at += 2 + valueLength;
            }
        }
        return at - offset;
    }

    /**
     * Wraps a frame to read it, checking that its lengths fit.
     *
     * @param buffer the buffer.
     * @param offset where the frame starts.
     * @param length the frame's length.
     * @return true when the frame is well formed; false when its lengths do not fit (then read nothing).
     */
    public boolean wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        if (length < HEADER_LENGTH)
        {
            return false;
        }
        subjectLength = buffer.getShort(offset + SUBJECT_LENGTH_OFFSET) & 0xFFFF;
        replyLength = buffer.getShort(offset + REPLY_LENGTH_OFFSET) & 0xFFFF;
        headersLength = buffer.getShort(offset + HEADERS_LENGTH_OFFSET) & 0xFFFF;
        return HEADER_LENGTH + subjectLength + replyLength + headersLength <= length;
    }

    /**
     * The argument.
     *
     * @return its value.
     */
    public int argument()
    {
        return buffer.getInt(offset + ARGUMENT_OFFSET);
    }

    /**
     * The subject's length.
     *
     * @return characters.
     */
    public int subjectLength()
    {
        return subjectLength;
    }

    /**
     * The subject (allocates the string).
     *
     * @return the subject.
     */
    public String subject()
    {
        return ascii(offset + HEADER_LENGTH, subjectLength);
    }

    /**
     * The subject through a cache: no allocation for a subject the cache holds.
     *
     * @param cache the duty thread's subject cache.
     * @return the subject.
     */
    String subject(final SubjectCache cache)
    {
        return cache.intern(buffer, offset + HEADER_LENGTH, subjectLength);
    }

    /**
     * The reply subject (allocates the string).
     *
     * @return it, or null when there is none.
     */
    public String replyTo()
    {
        return replyLength == 0 ? null : ascii(offset + HEADER_LENGTH + subjectLength, replyLength);
    }

    /**
     * Whether the frame has headers.
     *
     * @return true when the header block is not empty.
     */
    public boolean hasHeaders()
    {
        return headersLength > 0;
    }

    /**
     * Reads the headers.
     *
     * @param visitor receives each name and value in order.
     * @return false when the header block is malformed (the visitor may have seen the headers before the fault).
     */
    public boolean readHeaders(final HeaderVisitor visitor)
    {
        return readHeaderBlock(buffer, offset + HEADER_LENGTH + subjectLength + replyLength, headersLength, visitor);
    }

    /**
     * A copy of the header block as it is encoded in the frame (what {@link #readHeaderBlock} reads).
     *
     * @return the bytes, or null when there are no headers.
     */
    public byte[] headerBlockBytes()
    {
        if (headersLength == 0)
        {
            return null;
        }
        final byte[] bytes = new byte[headersLength];
        buffer.getBytes(offset + HEADER_LENGTH + subjectLength + replyLength, bytes);
        return bytes;
    }

    /**
     * Reads an encoded header block.
     *
     * @param buffer  holds the block.
     * @param start   where it starts.
     * @param length  its length.
     * @param visitor receives each name and value in order.
     * @return false when the block is malformed (the visitor may have seen the headers before the fault).
     */
    public static boolean readHeaderBlock(
        final DirectBuffer buffer, final int start, final int length, final HeaderVisitor visitor)
    {
        int at = start;
        final int end = start + length;
        while (at < end)
        {
            final int nameLength = buffer.getByte(at) & 0xFF;
            if (nameLength == 0 || at + 1 + nameLength + 2 > end)
            {
                return false;
            }
            final String name = ascii(buffer, at + 1, nameLength);
            at += 1 + nameLength;
            final int valueLength = buffer.getShort(at) & 0xFFFF;
            if (at + 2 + valueLength > end)
            {
                return false;
            }
            final String value = buffer.getStringWithoutLengthUtf8(at + 2, valueLength);
            at += 2 + valueLength;
            visitor.onHeader(name, value);
        }
        return true;
    }

    /**
     * Where the payload starts in {@link #buffer()}.
     *
     * @return the offset.
     */
    public int payloadOffset()
    {
        return offset + HEADER_LENGTH + subjectLength + replyLength + headersLength;
    }

    /**
     * The payload's length.
     *
     * @return bytes.
     */
    public int payloadLength()
    {
        return offset + length - payloadOffset();
    }

    /**
     * A copy of the payload.
     *
     * @return the bytes.
     */
    public byte[] payloadBytes()
    {
        final byte[] bytes = new byte[payloadLength()];
        buffer.getBytes(payloadOffset(), bytes);
        return bytes;
    }

    /**
     * The wrapped buffer.
     *
     * @return it.
     */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /** Receives headers from {@link #readHeaders}. */
    @FunctionalInterface
    public interface HeaderVisitor
    {
        /**
         * One header.
         *
         * @param name  its name.
         * @param value its value.
         */
        void onHeader(String name, String value);
    }

    private String ascii(final int at, final int count)
    {
        return ascii(buffer, at, count);
    }

    private static String ascii(final DirectBuffer buffer, final int at, final int count)
    {
        final byte[] bytes = new byte[count];
        buffer.getBytes(at, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static int putAscii(final MutableDirectBuffer dst, final int at, final CharSequence text)
    {
        final int count = text.length();
        for (int i = 0; i < count; i++)
        {
            dst.putByte(at + i, (byte)text.charAt(i));
        }
        return at + count;
    }

    private static int utf8Length(final String value)
    {
        int bytes = 0;
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c < 0x80)
            {
                bytes++;
            }
            else if (c < 0x800)
            {
                bytes += 2;
            }
            else if (Character.isHighSurrogate(c))
            {
                bytes += 4;
                i++;
            }
            else
            {
                bytes += 3;
            }
        }
        return bytes;
    }
}
