package io.ipcgateway.core;

import org.agrona.DirectBuffer;

/**
 * Receives one message as a view into the channel it arrived on.
 * <p>
 * The view {@code buffer[offset, offset + length)} is only valid until the method returns: copy what must outlive
 * the call. Implementations run on the duty-cycle thread that polls the channel and should not block.
 */
@FunctionalInterface
public interface MessageHandler
{
    /**
     * Called once per message, in the order the channel delivered them.
     *
     * @param typeId application-defined message type (non-negative; negative ids are reserved for control).
     * @param buffer buffer holding the message.
     * @param offset offset of the first byte of the message in {@code buffer}.
     * @param length length of the message in bytes.
     */
    void onMessage(int typeId, DirectBuffer buffer, int offset, int length);
}
