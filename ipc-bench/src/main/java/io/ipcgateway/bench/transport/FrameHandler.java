package io.ipcgateway.bench.transport;

import org.agrona.DirectBuffer;

/**
 * Receives one message from a transport as a view that is valid only until the call returns.
 */
@FunctionalInterface
public interface FrameHandler
{
    /**
     * Called once per received message.
     *
     * @param buffer holding the message.
     * @param offset of the first byte of the message in {@code buffer}.
     * @param length of the message in bytes.
     */
    void onFrame(DirectBuffer buffer, int offset, int length);
}
