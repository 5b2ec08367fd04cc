package io.ipcgateway.bench.transport;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;

/**
 * The client end of a transport: sends to the server's inbox and reads the replies addressed to this client.
 * <p>
 * Used by one thread only.
 */
public interface ClientChannel extends AutoCloseable
{
    /**
     * Offer a message to the server.
     *
     * @param buffer holding the message.
     * @param offset of the message in {@code buffer}.
     * @param length of the message.
     * @return true when sent, false when back pressured (the caller retries).
     */
    boolean offer(DirectBuffer buffer, int offset, int length);

    /**
     * Deliver up to {@code limit} replies to {@code handler}.
     *
     * @param handler receiving each reply.
     * @param limit   maximum number of replies to deliver.
     * @return the number delivered.
     */
    int poll(FrameHandler handler, int limit);

    /**
     * The idle strategy used while waiting for a reply; the transport's natural one for the run's idle mode.
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
