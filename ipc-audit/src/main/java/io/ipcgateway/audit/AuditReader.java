package io.ipcgateway.audit;

import static io.ipcgateway.audit.AuditSegmentDescriptor.HEADER_LENGTH;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;

import io.ipcgateway.audit.internal.AuditFiles;
import io.ipcgateway.audit.internal.ChainHasher;
import io.ipcgateway.audit.internal.MappedSegment;
import io.ipcgateway.audit.internal.SparseIndex;
import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.CorruptionException;
import io.ipcgateway.core.JvmAccess;
import org.agrona.DirectBuffer;

/**
 * Reads an audit log in sequence order, across segments, from a sequence ({@link #seekToSequence(long)}) or a time
 * ({@link #seekToTime(long)}), using each segment's sparse index when there is a valid one. {@link #poll} delivers
 * what is there now and returns, so calling it in a loop follows a live log (tail mode): a record is visible as soon
 * as its append has written it. Segments deleted by retention before they were read are skipped and counted
 * ({@link #lostRecords()}).
 * <p>
 * Damage never makes a reader crash or hang: a record that fails its checks in the newest segment is treated as not
 * yet written (it may be a torn tail that the writer will cut when it reopens the log); in an older segment, or a
 * sequence out of order, it throws {@link CorruptionException} naming the segment, offset and sequence. Use
 * {@link AuditVerifier} to list every problem. Not thread-safe; any number of readers may read one log.
 */
public final class AuditReader implements AutoCloseable
{
    private static final long NEXT_SEGMENT_CHECK_NS = 1_000_000;

    private final Path directory;
    private final String name;
    private final AuditSegmentDecoder decoder = new AuditSegmentDecoder();
    private final ChainHasher hasher;
    private final byte[] chain = new byte[AuditSegmentDescriptor.HASH_LENGTH];
    private final byte[] computed = new byte[AuditSegmentDescriptor.HASH_LENGTH];
    private boolean anchored;
    private MappedSegment segment;
    private int maxFrameLength;
    private int offset;
    private long nextSequence = 1;
    private long skipBelowSequence;
    private long skipBeforeTime = Long.MIN_VALUE;
    private long lostRecords;
    private long lastNextSegmentCheck;
    private long progress;
    private boolean eager;
    private boolean closed;
    private AuditRecordHandler plainHandler;
    private final ControlledAuditRecordHandler takeEveryRecord =
        (type, flags, timestamp, sequence, buffer, payloadOffset, length) ->
        {
            plainHandler.onRecord(type, flags, timestamp, sequence, buffer, payloadOffset, length);
            return true;
        };

    private AuditReader(final Path directory, final String name, final ChainHasher hasher)
    {
        this.directory = directory;
        this.name = name;
        this.hasher = hasher;
    }

    /**
     * Opens a reader positioned at the oldest record kept.
     *
     * @param directory the log's folder.
     * @param name      the log's name ({@link AuditLogConfig#DEFAULT_NAME} by default).
     * @return the reader.
     */
    public static AuditReader open(final Path directory, final String name)
    {
        JvmAccess.ensureAgronaAccess();
        final AuditReader reader = new AuditReader(directory, name, null);
        reader.seekToSequence(1);
        return reader;
    }

    /**
     * Opens a reader that also checks the hash chain of every record it reads (after the first one read following a
     * seek into the middle of a segment, whose predecessor it has not seen), and across segments. A break throws
     * {@link CorruptionException} naming the segment, offset and sequence. Costs one SHA-256 or HMAC per record.
     *
     * @param directory the log's folder.
     * @param name      the log's name.
     * @param key       the log's HMAC key, or null for an unkeyed log.
     * @return the reader, positioned at the oldest record kept.
     */
    public static AuditReader openVerifying(final Path directory, final String name, final byte[] key)
    {
        JvmAccess.ensureAgronaAccess();
        final AuditReader reader = new AuditReader(directory, name, new ChainHasher(key));
        reader.seekToSequence(1);
        return reader;
    }

    /**
     * Positions the reader at the first record whose sequence is at least {@code sequence} (the oldest kept when that
     * one was deleted by retention; the next one appended when it is beyond the end).
     *
     * @param sequence the sequence, from 1.
     * @return false when the log has no segment yet.
     */
    public boolean seekToSequence(final long sequence)
    {
        final long[] firsts = AuditFiles.listSegments(directory, name);
        closeSegment();
        anchored = false;
        skipBeforeTime = Long.MIN_VALUE;
        skipBelowSequence = sequence;
        if (firsts.length == 0)
        {
            nextSequence = Math.max(1, sequence);
            return false;
        }
        int chosen = 0;
        for (int i = 0; i < firsts.length; i++)
        {
            if (firsts[i] <= sequence)
            {
                chosen = i;
            }
        }
        openSegment(firsts[chosen]);
        final SparseIndex index = readIndex(firsts[chosen]);
        if (index != null)
        {
            final int entry = index.floorBySequence(sequence);
            if (entry >= 0)
            {
                useEntry(index.offset(entry), index.sequence(entry));
            }
        }
        return true;
    }

    /**
     * Positions the reader at the first record whose timestamp is at least {@code time}.
     *
     * @param time wall clock, ns since 1970-01-01 UTC.
     * @return false when the log has no segment yet.
     */
    public boolean seekToTime(final long time)
    {
        final long[] firsts = AuditFiles.listSegments(directory, name);
        closeSegment();
        anchored = false;
        skipBelowSequence = 0;
        skipBeforeTime = time;
        if (firsts.length == 0)
        {
            return false;
        }
        int chosen = 0;
        for (int i = 0; i < firsts.length; i++)
        {
            final long creation = creationTime(firsts[i]);
            if (creation != Long.MIN_VALUE && creation <= time)
            {
                chosen = i;
            }
        }
        openSegment(firsts[chosen]);
        final SparseIndex index = readIndex(firsts[chosen]);
        if (index != null)
        {
            final int entry = index.floorBeforeTime(time);
            if (entry >= 0)
            {
                useEntry(index.offset(entry), index.sequence(entry));
            }
        }
        return true;
    }

    /**
     * Delivers up to {@code limit} records that are there now, in sequence order, moving to the next segment when
     * one is complete.
     *
     * @param handler receives each record.
     * @param limit   most records to deliver.
     * @return records delivered; 0 when there is nothing new.
     * @throws CorruptionException when a record in an older segment is damaged or out of order.
     */
    public int poll(final AuditRecordHandler handler, final int limit)
    {
        plainHandler = handler;
        try
        {
            return controlledPoll(takeEveryRecord, limit);
        }
        finally
        {
            plainHandler = null;
        }
    }

    /**
     * Like {@link #poll(AuditRecordHandler, int)}, but the handler may decline a record: the poll then stops before
     * it, and the next poll delivers it again (its checks, and with a verifying reader its chain, are checked again).
     * For a consumer that must not lose its place when the record cannot be handled now, e.g. a spool whose
     * downstream is down.
     *
     * @param handler receives each record and says whether it took it.
     * @param limit   most records to deliver.
     * @return records taken; 0 when there is nothing new or the first was declined.
     * @throws CorruptionException when a record in an older segment is damaged or out of order.
     */
    public int controlledPoll(final ControlledAuditRecordHandler handler, final int limit)
    {
        if (closed)
        {
            return 0;
        }
        if (segment == null && !reopenAtNext())
        {
            return 0;
        }
        int delivered = 0;
        boolean progressed = false;
        while (delivered < limit)
        {
            decoder.wrap(segment.buffer(), segment.length());
            final int status = decoder.decodeRecord(offset, maxFrameLength);
            if (status == AuditSegmentDecoder.OK)
            {
                final long sequence = decoder.sequence();
                if (sequence != nextSequence)
                {
                    throw new CorruptionException(segment.path(), offset, "audit record out of sequence: expected="
                        + nextSequence + " found=" + sequence + ": run 'ipc audit verify' on the folder");
                }
                if (hasher != null)
                {
                    checkChain(sequence);
                }
                final long timestamp = decoder.timestamp();
                if (sequence >= skipBelowSequence && timestamp >= skipBeforeTime)
                {
                    if (!handler.onRecord(decoder.type(), decoder.flags(), timestamp, sequence, decoder.buffer(),
                        decoder.payloadOffset(), decoder.payloadLength()))
                    {
                        break;
                    }
                    skipBeforeTime = Long.MIN_VALUE;
                    delivered++;
                }
                if (hasher != null)
                {
                    commitChain();
                }
                offset = decoder.nextOffset();
                nextSequence = sequence + 1;
                progressed = true;
                progress++;
            }
            else if (!nextSegment(progressed))
            {
                break;
            }
        }
        return delivered;
    }

    /**
     * Replays every record from a sequence to the current end.
     *
     * @param fromSequence the first sequence wanted.
     * @param handler      receives each record.
     * @return records delivered.
     */
    public long replay(final long fromSequence, final AuditRecordHandler handler)
    {
        seekToSequence(fromSequence);
        return drain(handler);
    }

    /**
     * Replays every record from a time to the current end.
     *
     * @param time    wall clock, ns since the epoch.
     * @param handler receives each record.
     * @return records delivered.
     */
    public long replayFromTime(final long time, final AuditRecordHandler handler)
    {
        seekToTime(time);
        return drain(handler);
    }

    /**
     * The sequence the next record read will have.
     *
     * @return sequence.
     */
    public long nextSequence()
    {
        return nextSequence;
    }

    /**
     * Records never delivered because retention deleted their segment before this reader got there.
     *
     * @return count.
     */
    public long lostRecords()
    {
        return lostRecords;
    }

    @Override
    public void close()
    {
        closed = true;
        closeSegment();
    }

    private long drain(final AuditRecordHandler handler)
    {
        eager = true;
        try
        {
            long total = 0;
            long before;
            do
            {
                before = progress;
                total += poll(handler, Integer.MAX_VALUE);
            }
            while (progress != before);
            return total;
        }
        finally
        {
            eager = false;
        }
    }

    private boolean nextSegment(final boolean progressed)
    {
        final long now = System.nanoTime();
        if (!eager && !progressed && now - lastNextSegmentCheck < NEXT_SEGMENT_CHECK_NS)
        {
            return false;
        }
        lastNextSegmentCheck = now;
        if (nextSequence == segment.firstSequence())
        {
            // Nothing in this segment yet: the next one cannot start at the same sequence.
            return false;
        }
        final Path next = AuditFiles.segmentPath(directory, name, nextSequence);
        if (!Files.exists(next, LinkOption.NOFOLLOW_LINKS))
        {
            if (!Files.exists(segment.path(), LinkOption.NOFOLLOW_LINKS))
            {
                // Our segment was deleted by retention and its successor too: go to the oldest one kept.
                closeSegment();
                return reopenAtNext();
            }
            return false;
        }
        // The writer finishes a segment before it creates the next: look once more at this offset, then move on.
        decoder.wrap(segment.buffer(), segment.length());
        final int again = decoder.decodeRecord(offset, maxFrameLength);
        if (again == AuditSegmentDecoder.OK)
        {
            return true;
        }
        if (again != AuditSegmentDecoder.END)
        {
            throw new CorruptionException(segment.path(), offset, "damaged audit record: status="
                + AuditSegmentDecoder.statusName(again) + " expectedSequence=" + nextSequence
                + ": run 'ipc audit verify' on the folder");
        }
        final MappedSegment current = segment;
        segment = null;
        if (!openSegment(nextSequence, true))
        {
            segment = current;
            return false;
        }
        current.close();
        return true;
    }

    private void checkChain(final long sequence)
    {
        final DirectBuffer buffer = decoder.buffer();
        if (anchored)
        {
            hasher.hash(chain, buffer, decoder.recordOffset(), decoder.payloadLength(), computed, 0);
            if (!ChainHasher.equalsAt(computed, buffer, decoder.hashOffset()))
            {
                throw new CorruptionException(segment.path(), offset, "audit chain broken: sequence=" + sequence
                    + ": the record's chain hash does not follow from the previous record's (edited, or the wrong"
                    + " key): run 'ipc audit verify' on the folder");
            }
        }
    }

    /** The record just checked was taken: the next one's hash must follow from it (still the decoder's record). */
    private void commitChain()
    {
        decoder.buffer().getBytes(decoder.hashOffset(), chain);
        anchored = true;
    }

    private boolean reopenAtNext()
    {
        final long[] firsts = AuditFiles.listSegments(directory, name);
        for (final long first : firsts)
        {
            if (first >= nextSequence || first == firsts[firsts.length - 1])
            {
                if (first > nextSequence)
                {
                    lostRecords += first - nextSequence;
                }
                final long resume = nextSequence;
                openSegment(first);
                if (resume > first)
                {
                    skipBelowSequence = Math.max(skipBelowSequence, resume);
                }
                return true;
            }
        }
        return false;
    }

    private void openSegment(final long firstSequence)
    {
        openSegment(firstSequence, false);
    }

    /**
     * Maps a segment and checks its header.
     *
     * @return false when {@code tolerateIncomplete} and the header is not written yet.
     */
    private boolean openSegment(final long firstSequence, final boolean tolerateIncomplete)
    {
        final Path path = AuditFiles.segmentPath(directory, name, firstSequence);
        final MappedSegment mapped;
        try
        {
            mapped = MappedSegment.mapReadOnly(path, firstSequence);
        }
        catch (final NoSuchFileException ex)
        {
            throw new ChannelFileException(path, "audit segment vanished (deleted by retention?): reopen the reader");
        }
        catch (final IOException ex)
        {
            throw new ChannelFileException(path, "cannot open audit segment: " + ex, ex);
        }
        decoder.wrap(mapped.buffer(), mapped.length());
        final int status = decoder.decodeHeader();
        if (tolerateIncomplete && (status == AuditSegmentDecoder.END || status == AuditSegmentDecoder.TRUNCATED))
        {
            mapped.close();
            return false;
        }
        if (status != AuditSegmentDecoder.OK || decoder.firstSequence() != firstSequence)
        {
            mapped.close();
            throw new CorruptionException(path, 0, "bad audit segment header: status="
                + AuditSegmentDecoder.statusName(status) + " expectedFirstSequence=" + firstSequence
                + ": run 'ipc audit verify' on the folder");
        }
        if (hasher != null)
        {
            decoder.previousHash(computed);
            if (anchored && nextSequence == firstSequence && !MessageDigest.isEqual(computed, chain))
            {
                mapped.close();
                throw new CorruptionException(path, 0, "audit chain broken between segments: the header's previous"
                    + " hash is not the previous segment's final chain hash: run 'ipc audit verify' on the folder");
            }
            System.arraycopy(computed, 0, chain, 0, chain.length);
            anchored = true;
        }
        segment = mapped;
        progress++;
        maxFrameLength = Math.max(0, mapped.length() - HEADER_LENGTH);
        offset = HEADER_LENGTH;
        nextSequence = firstSequence;
        return true;
    }

    private void useEntry(final long entryOffset, final long entrySequence)
    {
        if (entryOffset < HEADER_LENGTH || entryOffset >= segment.length())
        {
            return;
        }
        decoder.wrap(segment.buffer(), segment.length());
        if (decoder.decodeRecord((int)entryOffset, maxFrameLength) == AuditSegmentDecoder.OK &&
            decoder.sequence() == entrySequence)
        {
            offset = (int)entryOffset;
            nextSequence = entrySequence;
            anchored = false;
        }
    }

    private SparseIndex readIndex(final long firstSequence)
    {
        return SparseIndex.read(AuditFiles.indexPath(directory, name, firstSequence),
            AuditLogConfig.DEFAULT_INDEX_INTERVAL, Math.max(segment.length(), AuditLogConfig.MIN_SEGMENT_SIZE));
    }

    private long creationTime(final long firstSequence)
    {
        try (MappedSegment mapped = MappedSegment.mapReadOnly(
            AuditFiles.segmentPath(directory, name, firstSequence), firstSequence))
        {
            decoder.wrap(mapped.buffer(), mapped.length());
            return decoder.decodeHeader() == AuditSegmentDecoder.OK ? decoder.creationTime() : Long.MIN_VALUE;
        }
        catch (final IOException ex)
        {
            return Long.MIN_VALUE;
        }
    }

    private void closeSegment()
    {
        if (segment != null)
        {
            segment.close();
            segment = null;
        }
    }
}
