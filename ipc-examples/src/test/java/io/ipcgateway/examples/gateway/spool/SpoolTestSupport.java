package io.ipcgateway.examples.gateway.spool;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** Helpers shared by the spool tests. */
final class SpoolTestSupport
{
    private SpoolTestSupport()
    {
    }

    /** One message as delivered. */
    record Got(long sequence, String subject, String headers, String payload)
    {
    }

    static long append(final PublishSpool spool, final String subject, final String headers, final String payload)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(payload.getBytes(StandardCharsets.UTF_8));
        return spool.append(subject, headers == null ? null : headers.getBytes(StandardCharsets.UTF_8), buffer, 0,
            buffer.capacity());
    }

    /** A sink that takes everything into a list. */
    static SpoolSink collect(final List<Got> into)
    {
        return (sequence, subject, headers, payload, offset, length) ->
        {
            into.add(got(sequence, subject, headers, payload, offset, length));
            return true;
        };
    }

    static Got got(final long sequence, final String subject, final byte[] headers, final DirectBuffer payload,
        final int offset, final int length)
    {
        return new Got(sequence, subject, headers == null ? null : new String(headers, StandardCharsets.UTF_8),
            payload.getStringWithoutLengthUtf8(offset, length));
    }

    /** Drains until the spool is empty. */
    static List<Got> drainAll(final PublishSpool spool)
    {
        final List<Got> out = new ArrayList<>();
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (spool.depth() > 0 && System.nanoTime() < deadline)
        {
            if (spool.drain(collect(out), 1000) == 0)
            {
                Thread.onSpinWait();
            }
        }
        return out;
    }
}
