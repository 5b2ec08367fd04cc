package io.ipcgateway.metrics;

import io.ipcgateway.shm.ClientSession;
import io.ipcgateway.shm.ServerHandler;
import org.agrona.DirectBuffer;

/**
 * Decorates a {@link ServerHandler} so the time its {@code onRequest} takes (including the response it writes)
 * is recorded into a {@link LatencyRecorder}: two clock reads and one wait-free record per request, no allocation.
 * One-way messages, connects and disconnects pass through untimed. The server calls its handler from one thread,
 * so a {@link LatencyRecorder#singleWriter()} recorder fits.
 */
public final class TimedServerHandler implements ServerHandler
{
    private final ServerHandler delegate;
    private final LatencyRecorder handlerTime;

    /**
     * Times a handler.
     *
     * @param delegate    the handler doing the work.
     * @param handlerTime where request handling times go, e.g. exported as {@code ipc_handler_duration_seconds}.
     */
    public TimedServerHandler(final ServerHandler delegate, final LatencyRecorder handlerTime)
    {
        this.delegate = delegate;
        this.handlerTime = handlerTime;
    }

    @Override
    public void onConnect(final ClientSession session)
    {
        delegate.onConnect(session);
    }

    @Override
    public void onDisconnect(final ClientSession session)
    {
        delegate.onDisconnect(session);
    }

    @Override
    public void onMessage(
        final ClientSession session, final int typeId, final DirectBuffer buffer, final int offset, final int length)
    {
        delegate.onMessage(session, typeId, buffer, offset, length);
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
        final long start = System.nanoTime();
        try
        {
            delegate.onRequest(session, correlationId, typeId, buffer, offset, length);
        }
        finally
        {
            handlerTime.recordNanos(System.nanoTime() - start);
        }
    }
}
