package io.ipcgateway.examples.gateway.spool;

import static io.ipcgateway.examples.gateway.spool.SpoolRecordDescriptor.HEADERS_LENGTH_OFFSET;
import static io.ipcgateway.examples.gateway.spool.SpoolRecordDescriptor.HEADER_LENGTH;
import static io.ipcgateway.examples.gateway.spool.SpoolRecordDescriptor.NO_HEADERS;
import static io.ipcgateway.examples.gateway.spool.SpoolRecordDescriptor.RECORD_TYPE;
import static io.ipcgateway.examples.gateway.spool.SpoolRecordDescriptor.RECORD_VERSION;
import static io.ipcgateway.examples.gateway.spool.SpoolRecordDescriptor.SUBJECT_LENGTH_OFFSET;
import static io.ipcgateway.examples.gateway.spool.SpoolRecordDescriptor.SUBJECT_OFFSET;

import java.nio.charset.StandardCharsets;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/** Writes and checks the payload of a spool record ({@link SpoolRecordDescriptor}). */
final class SpoolRecords
{
    private SpoolRecords()
    {
    }

    /**
     * Encodes a message at index 0 of {@code into} (which grows as needed), without allocating for an ASCII subject.
     *
     * @return the encoded length.
     * @throws IllegalArgumentException when the subject is null or empty, or the message exceeds {@code maxLength}.
     */
    static int encode(
        final MutableDirectBuffer into,
        final int maxLength,
        final String subject,
        final byte[] headers,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        if (subject == null || subject.isEmpty())
        {
            throw new IllegalArgumentException("spool subject must be a non-empty string: subject=" + subject);
        }
        final int headersLength = headers == null ? NO_HEADERS : headers.length;
        final long atLeast = SpoolRecordDescriptor.encodedLength(subject.length(), headersLength, length);
        if (length < 0 || atLeast > maxLength)
        {
            throw tooLong(atLeast, maxLength);
        }
        final int subjectLength = putUtf8(into, SUBJECT_OFFSET, subject);
        int at = SUBJECT_OFFSET + subjectLength;
        final long total = SpoolRecordDescriptor.encodedLength(subjectLength, headersLength, length);
        if (total > maxLength)
        {
            throw tooLong(total, maxLength);
        }
        into.putInt(SUBJECT_LENGTH_OFFSET, subjectLength);
        into.putInt(HEADERS_LENGTH_OFFSET, headersLength);
        if (headers != null)
        {
            into.putBytes(at, headers);
            at += headers.length;
        }
        into.putBytes(at, payload, offset, length);
        return at + length;
    }

    /**
     * Why a record is not a well-formed spool record, or null when it is.
     */
    static String problem(final int type, final int flags, final DirectBuffer buffer, final int offset,
        final int length)
    {
        if (type != RECORD_TYPE || flags != RECORD_VERSION)
        {
            return "not a spool record: type=0x" + Integer.toHexString(type) + " flags=" + flags + " (expected type=0x"
                + Integer.toHexString(RECORD_TYPE) + " flags=" + RECORD_VERSION + ")";
        }
        if (length < HEADER_LENGTH)
        {
            return "spool record too short: length=" + length;
        }
        final int subjectLength = buffer.getInt(offset + SUBJECT_LENGTH_OFFSET);
        final int headersLength = buffer.getInt(offset + HEADERS_LENGTH_OFFSET);
        final int room = length - HEADER_LENGTH;
        if (subjectLength < 1 || subjectLength > room || headersLength < NO_HEADERS ||
            headersLength > room - subjectLength)
        {
            return "spool record lengths out of range: subjectLength=" + subjectLength + " headersLength="
                + headersLength + " recordLength=" + length;
        }
        return null;
    }

    private static IllegalArgumentException tooLong(final long length, final int maxLength)
    {
        return new IllegalArgumentException("spooled message too long: 8 + subject + headers + payload bytes="
            + length + ", valid up to " + maxLength + ": raise the spool's segmentSize or send less");
    }

    /**
     * Writes the subject as UTF-8; an ASCII subject char by char, anything else through {@code String.getBytes}.
     */
    private static int putUtf8(final MutableDirectBuffer into, final int index, final String text)
    {
        final int n = text.length();
        for (int i = 0; i < n; i++)
        {
            if (text.charAt(i) >= 0x80)
            {
                final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                into.putBytes(index, bytes);
                return bytes.length;
            }
        }
        for (int i = 0; i < n; i++)
        {
            into.putByte(index + i, (byte)text.charAt(i));
        }
        return n;
    }
}
