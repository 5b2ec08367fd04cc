package io.ipcgateway.shm;

import org.agrona.DirectBuffer;

/**
 * Callbacks of a {@link ShmServer}, all on its duty-cycle thread, in arrival order. Buffers are views into the
 * ring valid until the callback returns. A callback that throws is reported to the error handler and counted;
 * the duty cycle carries on.
 */
public interface ServerHandler
{
    /**
     * A client connected.
     *
     * @param session the new session.
     */
    default void onConnect(final ClientSession session)
    {
    }

    /**
     * A client disconnected (cleanly, or the server is closing); its session can no longer send.
     *
     * @param session the session that ended.
     */
    default void onDisconnect(final ClientSession session)
    {
    }

    /**
     * A one-way message.
     *
     * @param session sender.
     * @param typeId  application type id.
     * @param buffer  buffer holding the message.
     * @param offset  offset of the message.
     * @param length  length of the message.
     */
    default void onMessage(
        final ClientSession session, final int typeId, final DirectBuffer buffer, final int offset, final int length)
    {
    }

    /**
     * A request: answer with {@link ClientSession#respond} (now or later, from this thread) using its correlation id.
     *
     * @param session       sender.
     * @param correlationId id to respond with.
     * @param typeId        application type id.
     * @param buffer        buffer holding the request.
     * @param offset        offset of the request.
     * @param length        length of the request.
     */
    default void onRequest(
        final ClientSession session,
        final long correlationId,
        final int typeId,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
    }
}
