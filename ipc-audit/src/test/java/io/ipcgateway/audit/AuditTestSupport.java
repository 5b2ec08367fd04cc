package io.ipcgateway.audit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** Helpers shared by the audit tests. */
final class AuditTestSupport
{
    private AuditTestSupport()
    {
    }

    /** One record as read back. */
    record Read(int type, int flags, long timestamp, long sequence, String payload)
    {
    }

    static UnsafeBuffer payload(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.UTF_8));
    }

    static long append(final AuditLog log, final int type, final String text)
    {
        final UnsafeBuffer buffer = payload(text);
        return log.append(type, 0, buffer, 0, buffer.capacity());
    }

    static AuditRecordHandler collect(final List<Read> into)
    {
        return (type, flags, timestamp, sequence, buffer, offset, length) ->
            into.add(new Read(type, flags, timestamp, sequence, text(buffer, offset, length)));
    }

    static String text(final DirectBuffer buffer, final int offset, final int length)
    {
        return buffer.getStringWithoutLengthUtf8(offset, length);
    }

    static List<Read> readAll(final java.nio.file.Path dir, final String name)
    {
        final List<Read> out = new ArrayList<>();
        try (AuditReader reader = AuditReader.open(dir, name))
        {
            reader.replay(1, collect(out));
        }
        return out;
    }
}
