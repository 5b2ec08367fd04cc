package io.ipcgateway.examples.gateway.spool;

import static io.ipcgateway.examples.gateway.spool.SpoolRecordDescriptor.HEADERS_LENGTH_OFFSET;
import static io.ipcgateway.examples.gateway.spool.SpoolRecordDescriptor.NO_HEADERS;
import static io.ipcgateway.examples.gateway.spool.SpoolRecordDescriptor.SUBJECT_LENGTH_OFFSET;
import static io.ipcgateway.examples.gateway.spool.SpoolRecordDescriptor.SUBJECT_OFFSET;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import io.ipcgateway.audit.AuditReader;
import io.ipcgateway.audit.AuditSegmentDescriptor;
import io.ipcgateway.audit.ControlledAuditRecordHandler;
import io.ipcgateway.core.ChannelFileException;
import org.agrona.DirectBuffer;

/**
 * Reads the spool's log from the first message not yet confirmed and hands each message to the sink. Used by one
 * thread at a time (the spool's drain lock). Keeps the last subject decoded, so a run of one subject decodes it once.
 * <p>
 * With an {@link AsyncSpoolSink} ({@link #startWindow}, {@link #sendMore}) the messages sent and not yet confirmed are
 * kept, oldest first, in a window of bounded size; {@link #confirmOldest} moves past the oldest once its future
 * completed normally. The read position ({@link #nextSequence()}) is then ahead of the last confirmation
 * ({@link #lastTaken()}) by the window.
 */
final class SpoolDrainer implements ControlledAuditRecordHandler, AutoCloseable
{
    private final Path directory;
    private final AuditReader reader;
    private final Delivered onDelivered;
    private SpoolSink sink;
    private byte[] lastSubjectBytes = new byte[64];
    private int lastSubjectLength = -1;
    private String lastSubject;
    private long lastTaken;
    private long nextSequence;
    private boolean declined;
    private AsyncSpoolSink asyncSink;
    private long[] windowSequences = new long[0];
    private long[] windowStored = new long[0];
    private CompletableFuture<?>[] windowFutures = new CompletableFuture<?>[0];
    private int windowHead;
    private int windowSize;

    /** Told of each message the sink confirmed. */
    interface Delivered
    {
        /**
         * One message confirmed.
         *
         * @param sequence    its sequence.
         * @param storedBytes what it occupied in the spool.
         */
        void onDelivered(long sequence, long storedBytes);
    }

    SpoolDrainer(final Path directory, final long fromSequence, final Delivered onDelivered)
    {
        this.directory = directory;
        this.reader = AuditReader.open(directory, PublishSpool.LOG_NAME);
        this.onDelivered = onDelivered;
        seek(fromSequence);
    }

    /**
     * Delivers up to {@code limit} messages.
     *
     * @return messages the sink confirmed.
     */
    int drain(final SpoolSink sink, final int limit)
    {
        this.sink = sink;
        declined = false;
        try
        {
            return reader.controlledPoll(this, limit);
        }
        finally
        {
            this.sink = null;
        }
    }

    /**
     * Starts sending to an asynchronous sink with at most {@code capacity} messages unconfirmed.
     */
    void startWindow(final AsyncSpoolSink sink, final int capacity)
    {
        if (windowSequences.length < capacity)
        {
            windowSequences = new long[capacity];
            windowStored = new long[capacity];
            windowFutures = new CompletableFuture<?>[capacity];
        }
        asyncSink = sink;
        windowHead = 0;
        windowSize = 0;
        declined = false;
    }

    /** Ends sending to the asynchronous sink (the window must be empty). */
    void endWindow()
    {
        asyncSink = null;
    }

    /**
     * Sends up to {@code limit} more messages to the asynchronous sink, each joining the window.
     *
     * @return messages sent.
     */
    int sendMore(final int limit)
    {
        return reader.controlledPoll(this, limit);
    }

    /**
     * Messages sent and not yet confirmed or dropped.
     */
    int outstanding()
    {
        return windowSize;
    }

    /**
     * Waits until the oldest message of the window has its answer.
     *
     * @return true when the bus confirmed it.
     */
    boolean awaitOldest()
    {
        try
        {
            windowFutures[windowHead].join();
            return true;
        }
        catch (final RuntimeException failed)
        {
            return false; // CompletionException or CancellationException: not confirmed
        }
    }

    /** The oldest message of the window is confirmed: the spool moves past it. */
    void confirmOldest()
    {
        final long sequence = windowSequences[windowHead];
        lastTaken = sequence;
        asyncSink.onConfirmed(sequence);
        onDelivered.onDelivered(sequence, windowStored[windowHead]);
        dropOldest();
    }

    /** The oldest message of the window leaves it without a confirmation (it will be sent again). */
    void dropOldest()
    {
        windowFutures[windowHead] = null;
        windowHead = (windowHead + 1) % windowSequences.length;
        windowSize--;
    }

    /**
     * Counts what is in the log from the reader's position to its end without delivering it.
     *
     * @return {messages, stored bytes}.
     */
    long[] count()
    {
        final long[] counted = new long[2];
        while (reader.poll((type, flags, timestamp, sequence, buffer, offset, length) ->
        {
            check(type, flags, sequence, buffer, offset, length);
            counted[0]++;
            counted[1] += storedBytes(length);
        }, Integer.MAX_VALUE) > 0)
        {
            // Until nothing is left.
        }
        return counted;
    }

    /**
     * Goes back to a sequence (after {@link #count()}).
     */
    void seek(final long sequence)
    {
        reader.seekToSequence(sequence);
        nextSequence = sequence;
    }

    /**
     * The sequence of the next message to offer the sink.
     */
    long nextSequence()
    {
        return nextSequence;
    }

    /**
     * Whether the sink declined a message in the last {@link #drain}.
     */
    boolean declined()
    {
        return declined;
    }

    /**
     * The sequence of the last message the sink confirmed through this drainer, 0 when none.
     */
    long lastTaken()
    {
        return lastTaken;
    }

    @Override
    public boolean onRecord(final int type, final int flags, final long timestamp, final long sequence,
        final DirectBuffer buffer, final int offset, final int length)
    {
        check(type, flags, sequence, buffer, offset, length);
        final int subjectLength = buffer.getInt(offset + SUBJECT_LENGTH_OFFSET);
        final int headersLength = buffer.getInt(offset + HEADERS_LENGTH_OFFSET);
        final String subject = subject(buffer, offset + SUBJECT_OFFSET, subjectLength);
        final int headersAt = offset + SUBJECT_OFFSET + subjectLength;
        byte[] headers = null;
        if (headersLength != NO_HEADERS)
        {
            headers = new byte[headersLength];
            buffer.getBytes(headersAt, headers);
        }
        final int payloadAt = headersAt + Math.max(headersLength, 0);
        final int payloadLength = length - (payloadAt - offset);
        if (asyncSink != null)
        {
            return sendAsync(timestamp, sequence, subject, headers, buffer, payloadAt, payloadLength, length);
        }
        if (!sink.deliver(sequence, subject, headers, buffer, payloadAt, payloadLength))
        {
            declined = true;
            return false;
        }
        lastTaken = sequence;
        nextSequence = sequence + 1;
        onDelivered.onDelivered(sequence, storedBytes(length));
        return true;
    }

    private boolean sendAsync(
        final long timestamp,
        final long sequence,
        final String subject,
        final byte[] headers,
        final DirectBuffer buffer,
        final int payloadAt,
        final int payloadLength,
        final int recordLength)
    {
        final CompletableFuture<?> answer =
            asyncSink.send(sequence, timestamp, subject, headers, buffer, payloadAt, payloadLength);
        if (answer == null)
        {
            declined = true;
            return false;
        }
        final int slot = (windowHead + windowSize) % windowSequences.length;
        windowSequences[slot] = sequence;
        windowStored[slot] = storedBytes(recordLength);
        windowFutures[slot] = answer;
        windowSize++;
        nextSequence = sequence + 1;
        return true;
    }

    @Override
    public void close()
    {
        reader.close();
    }

    /**
     * What a record of this payload length occupies in a segment.
     */
    static long storedBytes(final int payloadLength)
    {
        return AuditSegmentDescriptor.alignedFrameLength(payloadLength);
    }

    private void check(final int type, final int flags, final long sequence, final DirectBuffer buffer,
        final int offset, final int length)
    {
        final String problem = SpoolRecords.problem(type, flags, buffer, offset, length);
        if (problem != null)
        {
            throw new ChannelFileException(directory, problem + ": sequence=" + sequence + " directory=" + directory
                + ": this folder holds a log that is not a PublishSpool's, or a damaged one");
        }
    }

    private String subject(final DirectBuffer buffer, final int at, final int length)
    {
        if (length == lastSubjectLength)
        {
            boolean same = true;
            for (int i = 0; i < length && same; i++)
            {
                same = buffer.getByte(at + i) == lastSubjectBytes[i];
            }
            if (same)
            {
                return lastSubject;
            }
        }
        if (lastSubjectBytes.length < length)
        {
            lastSubjectBytes = new byte[Math.max(length, lastSubjectBytes.length * 2)];
        }
        buffer.getBytes(at, lastSubjectBytes, 0, length);
        lastSubjectLength = length;
        lastSubject = new String(lastSubjectBytes, 0, length, StandardCharsets.UTF_8);
        return lastSubject;
    }
}
