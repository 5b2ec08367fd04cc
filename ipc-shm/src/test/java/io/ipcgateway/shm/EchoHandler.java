package io.ipcgateway.shm;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.DirectBuffer;

/**
 * Test handler: echoes requests (counted in {@code requests}), counts one-way messages and their bytes and checks
 * their sequence per session.
 */
final class EchoHandler implements ServerHandler
{
    final AtomicLong messages = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong outOfOrder = new AtomicLong();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong connects = new AtomicLong();
    final AtomicLong disconnects = new AtomicLong();
    volatile ClientSession lastSession;
    private final Map<Integer, Long> lastSequence = new HashMap<>();

    @Override
    public void onConnect(final ClientSession session)
    {
        connects.incrementAndGet();
        lastSession = session;
    }

    @Override
    public void onDisconnect(final ClientSession session)
    {
        disconnects.incrementAndGet();
    }

    @Override
    public void onMessage(
        final ClientSession session, final int typeId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length >= Long.BYTES)
        {
            // Messages carry a per-session sequence starting at 1 in their first 8 bytes.
            final long sequence = buffer.getLong(offset);
            if (sequence != lastSequence.getOrDefault(session.sessionId(), 0L) + 1)
            {
                outOfOrder.incrementAndGet();
            }
            lastSequence.put(session.sessionId(), sequence);
        }
        bytes.addAndGet(length);
        messages.incrementAndGet();
    }

    @Override
    public void onRequest(
        final ClientSession session,
        final long correlationId,
        final int typeId,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        requests.incrementAndGet();
        long result;
        do
        {
            result = session.respond(correlationId, typeId, buffer, offset, length);
        }
        while (result == io.ipcgateway.core.OfferResult.BACK_PRESSURED);
    }
}
