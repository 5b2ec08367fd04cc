package io.ipcgateway.bench.transport;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;

/**
 * The server end of a transport: one inbox that every client writes into, and a reply path per client.
 * <p>
 * Used by one thread only. Clients are known by the id they put in their messages
 * (see {@link io.ipcgateway.bench.load.Frame}); {@link #accept(int)} is called once per client id when its hello
 * arrives, before any reply to it.
 */
public interface ServerChannel extends AutoCloseable
{
    /**
     * Deliver up to {@code limit} received messages to {@code handler}.
     *
     * @param handler receiving each message.
     * @param limit   maximum number of messages to deliver.
     * @return the number of messages delivered (0 when there was nothing to read).
     */
    int poll(FrameHandler handler, int limit);

    /**
     * Prepare the reply path to a client that has just said hello.
     *
     * @param clientId from the hello message.
     */
    void accept(int clientId);

    /**
     * Offer a reply to one client.
     *
     * @param clientId the client to reply to, already {@linkplain #accept(int) accepted}.
     * @param buffer   holding the reply.
     * @param offset   of the reply in {@code buffer}.
     * @param length   of the reply.
     * @return true when sent, false when back pressured (the caller retries).
     */
    boolean reply(int clientId, DirectBuffer buffer, int offset, int length);

    /**
     * The idle strategy the server loop uses between empty polls; the transport's natural one for the run's
     * idle mode.
     *
     * @return the idle strategy.
     */
    IdleStrategy idleStrategy();

    /**
     * Release every resource, unmap and delete what this side created.
     */
    @Override
    void close();
}
