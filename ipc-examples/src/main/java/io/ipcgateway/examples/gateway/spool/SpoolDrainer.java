package io.ipcgateway.examples.gateway.spool;

import static io.ipcgateway.examples.gateway.spool.SpoolRecordDescriptor.HEADERS_LENGTH_OFFSET;
import static io.ipcgateway.examples.gateway.spool.SpoolRecordDescriptor.NO_HEADERS;
import static io.ipcgateway.examples.gateway.spool.SpoolRecordDescriptor.SUBJECT_LENGTH_OFFSET;
import static io.ipcgateway.examples.gateway.spool.SpoolRecordDescriptor.SUBJECT_OFFSET;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.ipcgateway.audit.AuditReader;
import io.ipcgateway.audit.AuditSegmentDescriptor;
import io.ipcgateway.audit.ControlledAuditRecordHandler;
import io.ipcgateway.core.ChannelFileException;
import org.agrona.DirectBuffer;

/**
 * Reads the spool's log from the first message not yet confirmed and hands each message to the sink. Used by one
 * thread at a time (the spool's drain lock). Keeps the last subject decoded, so a run of one subject decodes it once.
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
