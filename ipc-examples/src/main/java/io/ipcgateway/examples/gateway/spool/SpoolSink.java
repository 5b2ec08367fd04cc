package io.ipcgateway.examples.gateway.spool;

import org.agrona.DirectBuffer;

/**
 * Where {@link PublishSpool#drain(SpoolSink, int)} delivers spooled messages, oldest first (for the gateway: a
 * publish to NATS).
 */
@FunctionalInterface
public interface SpoolSink
{
    /**
     * One message, in spool order.
     *
     * @param sequence its spool sequence (what {@link PublishSpool#append} returned for it).
     * @param subject  its subject.
     * @param headers  its headers as given to append (a new array the sink may keep), or null when it had none.
     * @param payload  holds the payload: a view into the spool, valid only until this call returns.
     * @param offset   where the payload starts.
     * @param length   payload bytes.
     * @return true when delivered (the spool moves past it), false to stop: the message stays at the head and is
     *     offered again by the next drain. An exception also stops the drain with the message kept.
     */
    boolean deliver(long sequence, String subject, byte[] headers, DirectBuffer payload, int offset, int length);
}
