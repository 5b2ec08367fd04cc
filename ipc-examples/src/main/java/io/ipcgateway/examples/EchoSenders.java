package io.ipcgateway.examples;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.MessageHandler;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.shm.ShmClient;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * The per-thread senders of the load client: one-way offers and echo requests over one shared
 * {@link ShmClient}, retrying back pressure until a deadline, and checking each echo.
 */
final class EchoSenders
{
    private static final int SEQUENCE_OFFSET = 0;

    private EchoSenders()
    {
    }

    /**
     * The sender of one thread for a mode.
     *
     * @param client       the shared connection.
     * @param mode         what to send.
     * @param clientIndex  the thread's index, written into each message so echoes can be matched.
     * @param size         payload bytes.
     * @param idle         how to wait while the ring is full.
     * @param timeoutNanos how long back pressure may last, and how long a response may take.
     * @return the sender.
     */
    static LoadDriver.Sender create(
        final ShmClient client,
        final LoadMode mode,
        final int clientIndex,
        final int size,
        final IdleMode idle,
        final long timeoutNanos)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[size]);
        for (int i = 0; i < size; i++)
        {
            payload.putByte(i, (byte)(clientIndex + i));
        }
        final IdleStrategy backPressureIdle = backPressureIdle(idle);
        return mode == LoadMode.ONEWAY ?
            new OneWaySender(client, payload, clientIndex, backPressureIdle, timeoutNanos) :
            new EchoSender(client, payload, clientIndex, backPressureIdle, timeoutNanos);
    }

    /**
     * Asks the server how many one-way messages it received from this client's session.
     *
     * @param client       the connection, after every one-way message was offered.
     * @param timeoutNanos how long to wait for the answer.
     * @return the count, or a negative {@link OfferResult} code when the request failed.
     */
    static long serverCount(final ShmClient client, final long timeoutNanos)
    {
        final long[] count = {-1};
        final MessageHandler onCount = (typeId, buffer, offset, length) ->
            count[0] = length == EchoProtocol.COUNT_LENGTH ? buffer.getLong(offset, ByteOrder.LITTLE_ENDIAN) : -1;
        final UnsafeBuffer empty = new UnsafeBuffer(new byte[0]);
        final long deadline = System.nanoTime() + timeoutNanos;
        final IdleStrategy idle = new BackoffIdleStrategy();
        long result = client.request(EchoProtocol.COUNT_TYPE_ID, empty, 0, 0, onCount, timeoutNanos);
        // Right after a one-way burst the server's ring may still be full of it: wait for room like any sender.
        while (result == OfferResult.BACK_PRESSURED && deadline - System.nanoTime() > 0)
        {
            idle.idle();
            result = client.request(
                EchoProtocol.COUNT_TYPE_ID, empty, 0, 0, onCount, Math.max(1, deadline - System.nanoTime()));
        }
        if (result < 0)
        {
            return result;
        }
        if (count[0] < 0)
        {
            throw new IllegalStateException("the server's answer to the count request is not "
                + EchoProtocol.COUNT_LENGTH + " bytes: is the service an ipc echo server?");
        }
        return count[0];
    }

    private static IdleStrategy backPressureIdle(final IdleMode idle)
    {
        // No notifier tells a producer that the server's ring has room again: BLOCK backs off instead.
        return idle == IdleMode.BLOCK ? new BackoffIdleStrategy() : idle.newIdleStrategy();
    }

    /**
     * Writes a sequence number (tagged with the client's index) into the first bytes, when there is room, so
     * the echo can be matched to its request.
     */
    private abstract static class SequencedSender implements LoadDriver.Sender
    {
        final ShmClient client;
        final UnsafeBuffer payload;
        final IdleStrategy idle;
        final long timeoutNanos;
        final boolean sequenced;
        long sequence;

        SequencedSender(final ShmClient client, final UnsafeBuffer payload, final int clientIndex,
            final IdleStrategy idle, final long timeoutNanos)
        {
            this.client = client;
            this.payload = payload;
            this.idle = idle;
            this.timeoutNanos = timeoutNanos;
            this.sequenced = payload.capacity() >= Long.BYTES;
            this.sequence = (long)clientIndex << 40;
        }

        final long nextSequence()
        {
            final long next = ++sequence;
            if (sequenced)
            {
                payload.putLong(SEQUENCE_OFFSET, next, ByteOrder.LITTLE_ENDIAN);
            }
            return next;
        }
    }

    private static final class OneWaySender extends SequencedSender
    {
        OneWaySender(final ShmClient client, final UnsafeBuffer payload, final int clientIndex,
            final IdleStrategy idle, final long timeoutNanos)
        {
            super(client, payload, clientIndex, idle, timeoutNanos);
        }

        @Override
        public long send()
        {
            nextSequence();
            long result = client.offer(EchoProtocol.MESSAGE_TYPE_ID, payload, 0, payload.capacity());
            if (result == OfferResult.BACK_PRESSURED)
            {
                final long deadline = System.nanoTime() + timeoutNanos;
                idle.reset();
                do
                {
                    idle.idle();
                    result = client.offer(EchoProtocol.MESSAGE_TYPE_ID, payload, 0, payload.capacity());
                }
                while (result == OfferResult.BACK_PRESSURED && System.nanoTime() - deadline < 0);
            }
            return result;
        }
    }

    private static final class EchoSender extends SequencedSender implements MessageHandler
    {
        private long expectedSequence;
        private int responseTypeId;
        private int responseLength;
        private long responseSequence;

        EchoSender(final ShmClient client, final UnsafeBuffer payload, final int clientIndex,
            final IdleStrategy idle, final long timeoutNanos)
        {
            super(client, payload, clientIndex, idle, timeoutNanos);
        }

        @Override
        public long send()
        {
            expectedSequence = nextSequence();
            responseLength = -1;
            final long deadline = System.nanoTime() + timeoutNanos;
            long result = client.request(EchoProtocol.ECHO_TYPE_ID, payload, 0, payload.capacity(), this, timeoutNanos);
            if (result == OfferResult.BACK_PRESSURED)
            {
                idle.reset();
                do
                {
                    idle.idle();
                    final long remaining = deadline - System.nanoTime();
                    if (remaining <= 0)
                    {
                        break;
                    }
                    result = client.request(EchoProtocol.ECHO_TYPE_ID, payload, 0, payload.capacity(), this, remaining);
                }
                while (result == OfferResult.BACK_PRESSURED);
            }
            if (result >= 0)
            {
                checkEcho();
            }
            return result;
        }

        @Override
        public void onMessage(final int typeId, final DirectBuffer buffer, final int offset, final int length)
        {
            // Runs on whichever thread polls the shared client; the request call publishes these fields to ours.
            responseTypeId = typeId;
            responseLength = length;
            responseSequence = sequenced && length >= Long.BYTES ?
                buffer.getLong(offset + SEQUENCE_OFFSET, ByteOrder.LITTLE_ENDIAN) : 0;
        }

        private void checkEcho()
        {
            if (responseTypeId != EchoProtocol.ECHO_TYPE_ID || responseLength != payload.capacity() ||
                (sequenced && responseSequence != expectedSequence))
            {
                throw new IllegalStateException("wrong echo: expected typeId=" + EchoProtocol.ECHO_TYPE_ID
                    + " length=" + payload.capacity() + " sequence=" + expectedSequence + ", got typeId="
                    + responseTypeId + " length=" + responseLength + " sequence=" + responseSequence);
            }
        }
    }
}
