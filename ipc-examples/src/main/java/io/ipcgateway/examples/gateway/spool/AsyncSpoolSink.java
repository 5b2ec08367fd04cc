package io.ipcgateway.examples.gateway.spool;

import java.util.concurrent.CompletableFuture;

import org.agrona.DirectBuffer;

/**
 * Where {@link PublishSpool#drain(AsyncSpoolSink, int, int)} sends spooled messages, oldest first, without waiting for
 * each one's confirmation before sending the next (for the gateway: a JetStream publish whose PubAck comes later).
 */
@FunctionalInterface
public interface AsyncSpoolSink
{
    /**
     * Sends one message, in spool order.
     *
     * @param sequence  its spool sequence (what {@link PublishSpool#append} returned for it).
     * @param timestamp when it was appended, ns since 1970-01-01 UTC (with the sequence, an id that stays unique
     *                  when the spool's folder is made anew: e.g. for the bus' de-duplication).
     * @param subject   its subject.
     * @param headers   its headers as given to append (a new array the sink may keep), or null when it had none.
     * @param payload   holds the payload: a view into the spool, valid only until this call returns.
     * @param offset    where the payload starts.
     * @param length    payload bytes.
     * @return a future that completes normally once the bus confirmed the message, or exceptionally when it did
     *     not; it must complete in bounded time (e.g. with a timeout). Null to decline: nothing was sent, the
     *     message stays at the head and is offered again by the next drain. An exception stops the drain the same
     *     way.
     */
    CompletableFuture<?> send(
        long sequence, long timestamp, String subject, byte[] headers, DirectBuffer payload, int offset, int length);

    /**
     * The spool moves past a message: it and every one before it are confirmed (called on the draining thread, in
     * sequence order, before {@link PublishSpool#depth()} drops; once per message, unlike the bus' confirmations of
     * messages sent again).
     *
     * @param sequence its spool sequence.
     */
    default void onConfirmed(long sequence)
    {
    }
}
