package io.ipcgateway.audit;

import static io.ipcgateway.audit.AuditSegmentDescriptor.CHAIN_ALGORITHM_OFFSET;
import static io.ipcgateway.audit.AuditSegmentDescriptor.CREATION_TIME_OFFSET;
import static io.ipcgateway.audit.AuditSegmentDescriptor.CRC_OFFSET;
import static io.ipcgateway.audit.AuditSegmentDescriptor.FIRST_SEQUENCE_OFFSET;
import static io.ipcgateway.audit.AuditSegmentDescriptor.FLAGS_OFFSET;
import static io.ipcgateway.audit.AuditSegmentDescriptor.HASH_LENGTH;
import static io.ipcgateway.audit.AuditSegmentDescriptor.HASH_OFFSET;
import static io.ipcgateway.audit.AuditSegmentDescriptor.HEADER_CRC_OFFSET;
import static io.ipcgateway.audit.AuditSegmentDescriptor.HEADER_LENGTH;
import static io.ipcgateway.audit.AuditSegmentDescriptor.LAYOUT_VERSION;
import static io.ipcgateway.audit.AuditSegmentDescriptor.LENGTH_OFFSET;
import static io.ipcgateway.audit.AuditSegmentDescriptor.MAGIC;
import static io.ipcgateway.audit.AuditSegmentDescriptor.MAGIC_OFFSET;
import static io.ipcgateway.audit.AuditSegmentDescriptor.PREVIOUS_HASH_OFFSET;
import static io.ipcgateway.audit.AuditSegmentDescriptor.RECORD_HEADER_LENGTH;
import static io.ipcgateway.audit.AuditSegmentDescriptor.SEQUENCE_OFFSET;
import static io.ipcgateway.audit.AuditSegmentDescriptor.TIMESTAMP_OFFSET;
import static io.ipcgateway.audit.AuditSegmentDescriptor.TYPE_OFFSET;
import static io.ipcgateway.audit.AuditSegmentDescriptor.VERSION_OFFSET;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.ipcgateway.audit.internal.AuditFiles;
import io.ipcgateway.audit.internal.ChainHasher;
import io.ipcgateway.audit.internal.MappedSegment;
import io.ipcgateway.audit.internal.SparseIndex;
import io.ipcgateway.audit.internal.StagedSegmentWriter;
import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.CorruptionException;
import io.ipcgateway.core.IpcException;
import io.ipcgateway.core.JvmAccess;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An append-only, hash-chained audit log in a folder of segment files (layout in {@link AuditSegmentDescriptor}).
 * <p>
 * {@link #open(AuditLogConfig)} recovers after a crash: a torn tail (a partial record at the end of the newest
 * segment) is cut off and appending resumes at the next sequence. {@link #append(int, int, DirectBuffer, int, int)}
 * is the synchronous appender: thread-safe (appends are serialised by a lock), it returns the record's sequence once
 * the {@link DurabilityPolicy} has been met. {@link AsyncAuditAppender} is the lock-free path for many threads. Read
 * with {@link AuditReader}; check with {@link AuditVerifier}.
 * <p>
 * One process writes a log folder at a time; any number may read it.
 */
public final class AuditLog implements AutoCloseable
{
    private static final long RETRY_PARK_NS = 100_000;
    private static final String PREALLOCATED_SUFFIX = ".preallocated";
    private static final int PRETOUCH_PAGES = 16;
    /** Under a group commit longer than this, an appender writes the staged records before it waits. */
    private static final long STAGED_VISIBILITY_NS = 1_000_000;

    private final AuditLogConfig config;
    private final Path directory;
    private final String name;
    private final DurabilityPolicy durability;
    private final EpochNanoClock clock;
    private final ChainHasher hasher;
    private final AuditSegmentDecoder decoder = new AuditSegmentDecoder();
    private final UnsafeBuffer headerScratch = new UnsafeBuffer(new byte[HEADER_LENGTH]);
    private final Object writeLock = new Object();
    private final Object syncLock = new Object();
    private final ArrayDeque<Sealed> sealed = new ArrayDeque<>();
    private final int maxFrameLength;
    private final AtomicReference<Prepared> preallocated = new AtomicReference<>();
    private final AtomicBoolean preallocating = new AtomicBoolean();
    /** Writes records through the active segment's channel under a durable policy; null under none(). */
    private final StagedSegmentWriter staged;
    /** Records are written to the file when appended (every record, every N records), not at the next force. */
    private final boolean writeThrough;
    private volatile Thread preallocator;

    private MappedSegment active;
    private FileChannel lockChannel;
    private java.nio.channels.FileLock writerLock;
    private SparseIndex activeIndex;
    private long activeCreationTime;
    private int writeOffset;
    private byte[] lastHash = new byte[HASH_LENGTH];
    private byte[] nextHash = new byte[HASH_LENGTH];
    private long lastTimestamp;
    private long truncatedBytes;
    private int forcedOffset;
    private volatile long lastForceNanos;
    private volatile int publishedOffset;
    private volatile long lastSequence;
    private volatile long writtenSequence;
    private volatile long durableSequence;
    private volatile boolean closed;

    private AuditLog(final AuditLogConfig config)
    {
        this.config = config;
        this.directory = config.directory();
        this.name = config.name();
        this.durability = config.durability();
        this.clock = config.clock();
        this.hasher = new ChainHasher(config.hashKey());
        this.maxFrameLength = (int)(config.segmentSize() - HEADER_LENGTH);
        this.staged = durability.kind() == DurabilityPolicy.Kind.NONE ? null : new StagedSegmentWriter();
        this.writeThrough = durability.kind() == DurabilityPolicy.Kind.EVERY_RECORD ||
            durability.kind() == DurabilityPolicy.Kind.EVERY_N_RECORDS;
    }

    /**
     * Opens (or creates) the log in {@code config.directory()}: creates the folder 0700 if missing, checks every
     * segment name, recovers the newest segment (a torn tail is truncated), rebuilds missing or damaged sparse
     * indexes, and positions appending after the last intact record.
     *
     * @param config the settings.
     * @return the open log.
     * @throws ChannelFileException when a segment cannot be opened or its header is wrong (naming it).
     * @throws AuditDiskFullException when the first segment cannot be reserved.
     */
    public static AuditLog open(final AuditLogConfig config)
    {
        JvmAccess.ensureAgronaAccess();
        final AuditLog log = new AuditLog(config);
        try
        {
            log.recover();
        }
        catch (final RuntimeException ex)
        {
            log.unmapAll();
            throw ex;
        }
        log.preallocateNext();
        return log;
    }

    /**
     * The settings.
     *
     * @return them.
     */
    public AuditLogConfig config()
    {
        return config;
    }

    /**
     * Appends a record. Thread-safe. Returns once the record is written and its {@link DurabilityPolicy} is met.
     *
     * @param type   an application-defined type.
     * @param flags  application-defined flags.
     * @param buffer holds the payload.
     * @param offset where the payload starts.
     * @param length payload bytes, 0 to {@link AuditLogConfig#maxPayloadLength()}.
     * @return the record's sequence (from 1, gap-free).
     * @throws AuditDiskFullException when a new segment was needed and the disk had no room: nothing was written.
     * @throws IllegalArgumentException when the payload is too long.
     * @throws IpcException when the log is closed.
     */
    public long append(final int type, final int flags, final DirectBuffer buffer, final int offset, final int length)
    {
        final long sequence;
        synchronized (writeLock)
        {
            sequence = write(type, flags, buffer, offset, length);
        }
        awaitPolicy(sequence);
        return sequence;
    }

    /**
     * Writes a record without waiting for durability; for {@link AsyncAuditAppender}'s writer thread.
     *
     * @return the sequence.
     */
    long appendNoWait(final int type, final int flags, final DirectBuffer buffer, final int offset, final int length)
    {
        synchronized (writeLock)
        {
            return write(type, flags, buffer, offset, length);
        }
    }

    /**
     * Sequence of the last record appended.
     *
     * @return sequence, 0 when the log is empty.
     */
    public long lastSequence()
    {
        return lastSequence;
    }

    /**
     * Every record up to this sequence has been forced to the disk (or was there when the log was opened).
     *
     * @return sequence.
     */
    public long durableSequence()
    {
        return durableSequence;
    }

    /**
     * Sequence of the oldest record kept (retention deletes older segments).
     *
     * @return sequence.
     */
    public long firstSequence()
    {
        synchronized (writeLock)
        {
            return sealed.isEmpty() ? active.firstSequence() : sealed.peekFirst().firstSequence;
        }
    }

    /**
     * Deletes, oldest first, every sealed segment (and its index) whose records all have sequences below
     * {@code sequence}; never the active segment, so the log's {@link #lastSequence()} survives a reopen. For a log
     * used as a queue whose consumer has confirmed everything below a sequence (a spool): disk use then follows what
     * is not yet consumed. A reader positioned in a deleted segment moves on to the oldest one kept
     * ({@link AuditReader#lostRecords()} counts what it skipped); {@link AuditVerifier} accepts a log whose oldest
     * segments were deleted, as after retention.
     *
     * @param sequence every record below it may go; records at or above it are kept.
     * @return segments deleted, 0 when none qualifies or the log is closed.
     * @throws ChannelFileException when a segment cannot be deleted (naming it); the ones before it are gone.
     */
    public int deleteSegmentsBefore(final long sequence)
    {
        final List<Sealed> doomed = new ArrayList<>();
        synchronized (writeLock)
        {
            if (closed)
            {
                return 0;
            }
            while (!sealed.isEmpty())
            {
                final Iterator<Sealed> oldestFirst = sealed.iterator();
                oldestFirst.next();
                final long nextFirst = oldestFirst.hasNext() ? oldestFirst.next().firstSequence :
                    active.firstSequence();
                if (nextFirst > sequence)
                {
                    break;
                }
                doomed.add(sealed.removeFirst());
            }
        }
        // Unlinking a large segment can take milliseconds: outside the lock appenders wait on.
        for (final Sealed s : doomed)
        {
            deleteSealed(s, "cannot delete consumed audit segment: ");
        }
        return doomed.size();
    }

    /**
     * Bytes cut off the newest segment's tail when the log was opened (a torn record after a crash).
     *
     * @return bytes, 0 when the tail was intact.
     */
    public long truncatedBytesOnOpen()
    {
        return truncatedBytes;
    }

    /**
     * Forces every record appended so far to the disk, whatever the policy.
     */
    public void sync()
    {
        forceUpTo(lastSequence, true);
    }

    /**
     * Waits until a record is durable, forcing when the policy is due.
     *
     * @param sequence  the record.
     * @param timeoutNs how long to wait at most.
     * @return true when {@code durableSequence() >= sequence}.
     */
    public boolean awaitDurable(final long sequence, final long timeoutNs)
    {
        final long deadline = System.nanoTime() + timeoutNs;
        while (durableSequence < sequence)
        {
            if (closed || System.nanoTime() - deadline >= 0)
            {
                return durableSequence >= sequence;
            }
            LockSupport.parkNanos(RETRY_PARK_NS);
        }
        return true;
    }

    /**
     * A checkpoint of the chain at the last record: its sequence, timestamp and chain hash, HMAC-signed when the log
     * is keyed. Keep it away from this host: {@link AuditVerifier} then proves the log up to it was not rewritten.
     *
     * @return the checkpoint, or null when the log is empty.
     */
    public AuditCheckpoint checkpoint()
    {
        synchronized (writeLock)
        {
            if (lastSequence == 0)
            {
                return null;
            }
            return AuditCheckpoint.create(lastSequence, lastTimestamp, lastHash, config.hashKey());
        }
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true when closed.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Forces everything when the policy is not {@link DurabilityPolicy#none()}, writes the active segment's index
     * and unmaps. Idempotent.
     */
    @Override
    public void close()
    {
        synchronized (writeLock)
        {
            if (closed)
            {
                return;
            }
            if (durability.kind() != DurabilityPolicy.Kind.NONE)
            {
                forceUpTo(lastSequence, true);
            }
            closed = true;
            awaitPreallocator();
            deletePreallocated();
            writeIndexQuietly(active.firstSequence(), activeIndex);
            synchronized (syncLock)
            {
                unmapAll();
            }
        }
    }

    private void unmapAll()
    {
        if (staged != null)
        {
            staged.close();
        }
        if (active != null)
        {
            active.close();
        }
        AuditFiles.closeQuietly(writerLock);
        AuditFiles.closeQuietly(lockChannel);
    }

    /**
     * Takes an exclusive lock on {@code .<name>.lock} in the folder, so a second writer (in this process or another)
     * is refused instead of corrupting the log. The operating system releases it when the process dies.
     */
    private void lockWriter()
    {
        final Path lockPath = directory.resolve("." + name + ".lock");
        try
        {
            FileChannel channel;
            try
            {
                channel = AuditFiles.createReserved(lockPath, 0, directory);
            }
            catch (final ChannelFileException ex)
            {
                if (!Files.exists(lockPath, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                {
                    throw ex;
                }
                channel = AuditFiles.openReadWrite(lockPath);
            }
            lockChannel = channel;
            try
            {
                writerLock = channel.tryLock();
            }
            catch (final java.nio.channels.OverlappingFileLockException ex)
            {
                writerLock = null;
            }
            if (writerLock == null)
            {
                throw new ChannelFileException(lockPath, "another writer has this audit log open: directory="
                    + directory + " name=" + name + ": only one AuditLog (one process) may write a log; readers need"
                    + " no lock");
            }
        }
        catch (final IOException ex)
        {
            throw new ChannelFileException(lockPath, "cannot lock audit log for writing: " + ex, ex);
        }
    }

    private long write(final int type, final int flags, final DirectBuffer buffer, final int offset, final int length)
    {
        if (closed)
        {
            throw new IpcException("audit log is closed: directory=" + directory + " name=" + name);
        }
        if (length < 0 || length > config.maxPayloadLength())
        {
            throw new IllegalArgumentException("payload length=" + length + " is out of range: valid 0.."
                + config.maxPayloadLength() + " (segmentSize=" + config.segmentSize() + ")");
        }
        final long now = clock.nanoTime();
        final long timestamp = Math.max(now, lastTimestamp);
        final int frameLength = RECORD_HEADER_LENGTH + length;
        final int aligned = AuditSegmentDescriptor.alignedFrameLength(length);
        if (writeOffset + aligned > active.length() ||
            (config.rotationIntervalNs() > 0 && writeOffset > HEADER_LENGTH &&
            now - activeCreationTime >= config.rotationIntervalNs()))
        {
            rotate(timestamp);
        }
        final long sequence = lastSequence + 1;
        final UnsafeBuffer segment;
        final int at;
        if (staged != null)
        {
            segment = staged.reserve(aligned);
            at = staged.stagedLength();
            // The staging is reused: clear the padding a longer record may have left there.
            segment.setMemory(at + frameLength, aligned - frameLength, (byte)0);
        }
        else
        {
            segment = active.buffer();
            at = writeOffset;
        }
        segment.putInt(at + TYPE_OFFSET, type);
        segment.putInt(at + FLAGS_OFFSET, flags);
        segment.putLong(at + TIMESTAMP_OFFSET, timestamp);
        segment.putLong(at + SEQUENCE_OFFSET, sequence);
        segment.putBytes(at + RECORD_HEADER_LENGTH, buffer, offset, length);
        hasher.hash(lastHash, segment, at, length, nextHash, 0);
        segment.putBytes(at + HASH_OFFSET, nextHash);
        segment.putInt(at + CRC_OFFSET, decoder.crcOf(segment, at, frameLength));
        // The length goes last, with release semantics: a reader that sees it sees the whole record.
        segment.putIntRelease(at + LENGTH_OFFSET, frameLength);

        final byte[] swap = lastHash;
        lastHash = nextHash;
        nextHash = swap;
        lastTimestamp = timestamp;
        activeIndex.onRecord(sequence, timestamp, writeOffset);
        writeOffset += aligned;
        lastSequence = sequence;
        if (staged != null)
        {
            staged.commit(aligned);
            if (writeThrough)
            {
                flushStaged();
            }
        }
        else
        {
            publishedOffset = writeOffset;
        }
        return sequence;
    }

    /**
     * Waits until the policy is met for a record written by this thread.
     *
     * @param sequence the record.
     */
    void awaitPolicy(final long sequence)
    {
        switch (durability.kind())
        {
            case NONE:
                return;
            case EVERY_RECORD:
                forceUpTo(sequence, false);
                return;
            case EVERY_N_RECORDS:
                if (sequence - durableSequence >= durability.records())
                {
                    forceUpTo(sequence, false);
                }
                return;
            default:
                final long interval = durability.intervalNs();
                while (durableSequence < sequence)
                {
                    final long wait = lastForceNanos + interval - System.nanoTime();
                    if (wait <= 0)
                    {
                        forceUpTo(sequence, false);
                    }
                    else
                    {
                        if (wait > STAGED_VISIBILITY_NS)
                        {
                            writeStaged();
                        }
                        LockSupport.parkNanos(wait);
                    }
                }
        }
    }

    /**
     * For the asynchronous writer: forces when the policy says a force is due now.
     *
     * @return the durable sequence after it.
     */
    long forceIfDue()
    {
        final long last = lastSequence;
        if (last > durableSequence)
        {
            switch (durability.kind())
            {
                case NONE:
                    break;
                case EVERY_RECORD:
                    forceUpTo(last, false);
                    break;
                case EVERY_N_RECORDS:
                    if (last - durableSequence >= durability.records())
                    {
                        forceUpTo(last, false);
                    }
                    break;
                default:
                    if (System.nanoTime() - lastForceNanos >= durability.intervalNs())
                    {
                        forceUpTo(last, false);
                    }
            }
        }
        return durableSequence;
    }

    /**
     * Nanoseconds until the asynchronous writer should force again, or -1 when nothing waits for a force.
     *
     * @return nanoseconds, or -1.
     */
    long nanosUntilForceDue()
    {
        if (lastSequence <= durableSequence || durability.kind() != DurabilityPolicy.Kind.EVERY_INTERVAL)
        {
            return -1;
        }
        return Math.max(0, lastForceNanos + durability.intervalNs() - System.nanoTime());
    }

    /**
     * Writes the records staged for the next group commit to the file (the page cache), so readers see them and
     * they survive the process, without waiting for the force; for the asynchronous writer when it runs out of work.
     */
    void writeStaged()
    {
        if (staged == null || writtenSequence >= lastSequence)
        {
            return;
        }
        synchronized (writeLock)
        {
            if (!closed)
            {
                flushStaged();
            }
        }
    }

    /** Under the write lock. */
    private void flushStaged()
    {
        staged.flush();
        publishedOffset = writeOffset;
        writtenSequence = lastSequence;
    }

    private void forceUpTo(final long sequence, final boolean always)
    {
        if (staged != null)
        {
            forceStaged(sequence, always);
            return;
        }
        synchronized (syncLock)
        {
            if (durableSequence >= sequence && !always)
            {
                return;
            }
            if (closed || active == null)
            {
                return;
            }
            final long target = lastSequence;
            final int to = publishedOffset;
            final int from = forcedOffset & ~4095;
            active.force(from, to);
            forcedOffset = to;
            lastForceNanos = System.nanoTime();
            if (target > durableSequence)
            {
                durableSequence = target;
            }
        }
    }

    /**
     * The staged path's force: writes what is staged under the write lock (appends wait only for that copy), then
     * forces under the sync lock while appends go on into the staging.
     */
    private void forceStaged(final long sequence, final boolean always)
    {
        if (durableSequence >= sequence && !always)
        {
            return;
        }
        final long target;
        synchronized (writeLock)
        {
            if (closed || active == null)
            {
                return;
            }
            flushStaged();
            target = lastSequence;
        }
        synchronized (syncLock)
        {
            // A rotation in between forced the previous segment and moved the staging to the next one.
            if (closed || active == null || (durableSequence >= target && !always))
            {
                return;
            }
            staged.force();
            lastForceNanos = System.nanoTime();
            if (target > durableSequence)
            {
                durableSequence = target;
            }
        }
    }

    /**
     * Opens the active segment's channel for the staged path, appending at {@code offset}.
     */
    private void attachStaged(final int offset)
    {
        if (staged == null)
        {
            return;
        }
        try
        {
            staged.attach(active.path(), AuditFiles.openReadWrite(active.path()), offset);
        }
        catch (final IOException ex)
        {
            throw new ChannelFileException(active.path(), "cannot open audit segment for writing: " + ex, ex);
        }
        writtenSequence = lastSequence;
    }

    private void rotate(final long timestamp)
    {
        if (staged != null)
        {
            // Readers move to the next segment once it exists: every record of this one must be in its file first.
            flushStaged();
        }
        final long firstSequence = lastSequence + 1;
        final MappedSegment next = createSegment(firstSequence, timestamp, lastHash);
        final MappedSegment previous = active;
        final SparseIndex previousIndex = activeIndex;
        synchronized (syncLock)
        {
            if (staged != null)
            {
                staged.force();
                staged.close();
                durableSequence = lastSequence;
                lastForceNanos = System.nanoTime();
            }
            else if (durability.kind() != DurabilityPolicy.Kind.NONE)
            {
                previous.force(forcedOffset & ~4095, writeOffset);
                durableSequence = lastSequence;
                lastForceNanos = System.nanoTime();
            }
            sealed.addLast(new Sealed(previous.firstSequence(), previous.path(), previous.length(),
                activeCreationTime));
            sealed.peekLast().endTime = timestamp;
            active = next;
            activeIndex = new SparseIndex(config.indexInterval(), config.segmentSize());
            activeCreationTime = timestamp;
            writeOffset = HEADER_LENGTH;
            forcedOffset = 0;
            publishedOffset = HEADER_LENGTH;
            previous.close();
            attachStaged(HEADER_LENGTH);
        }
        writeIndexQuietly(previous.firstSequence(), previousIndex);
        applyRetention(timestamp);
        preallocateNext();
    }

    /**
     * Creates a segment: its space reserved (or taken from the background preallocation) under a temporary name,
     * its header written, and only then hard-linked under its real name, so a reader never finds a segment without
     * its header and an existing segment is never replaced.
     */
    private MappedSegment createSegment(final long firstSequence, final long creationTime, final byte[] previousHash)
    {
        final Path path = AuditFiles.segmentPath(directory, name, firstSequence);
        final long size = config.segmentSize();
        final Prepared ready = takePrepared(size);
        final Path temp = ready != null ? ready.path : reserveTemp(size);
        MappedSegment segment = null;
        try
        {
            segment = ready != null ? ready.segment.renamed(path, firstSequence) :
                mapTemp(temp, path, firstSequence, size);
            final UnsafeBuffer header = headerScratch;
            header.setMemory(0, HEADER_LENGTH, (byte)0);
            header.putLong(MAGIC_OFFSET, MAGIC);
            header.putInt(VERSION_OFFSET, LAYOUT_VERSION);
            header.putInt(CHAIN_ALGORITHM_OFFSET, hasher.algorithm());
            header.putLong(FIRST_SEQUENCE_OFFSET, firstSequence);
            header.putLong(CREATION_TIME_OFFSET, creationTime);
            header.putBytes(PREVIOUS_HASH_OFFSET, previousHash, 0, HASH_LENGTH);
            header.putInt(HEADER_CRC_OFFSET, decoder.headerCrc(header));
            segment.buffer().putBytes(Long.BYTES, header, Long.BYTES, HEADER_LENGTH - Long.BYTES);
            segment.buffer().putLongRelease(MAGIC_OFFSET, MAGIC);
            if (durability.kind() != DurabilityPolicy.Kind.NONE)
            {
                segment.force(0, HEADER_LENGTH);
            }
            Files.createLink(path, temp);
            Files.delete(temp);
            if (durability.kind() != DurabilityPolicy.Kind.NONE)
            {
                AuditFiles.syncDirectory(directory);
            }
            return segment;
        }
        catch (final IOException | RuntimeException ex)
        {
            if (segment != null)
            {
                segment.close();
            }
            AuditFiles.deleteQuietly(temp);
            if (ex instanceof AuditDiskFullException)
            {
                throw (AuditDiskFullException)ex;
            }
            if (ex instanceof java.nio.file.FileAlreadyExistsException)
            {
                throw new ChannelFileException(path, "audit segment exists already: another writer on this folder?"
                    + " Only one process may write a log", ex);
            }
            if (ex instanceof IOException && AuditFiles.isNoSpace((IOException)ex))
            {
                throw new AuditDiskFullException(directory, size, ex);
            }
            throw ex instanceof ChannelFileException ? (ChannelFileException)ex :
                new ChannelFileException(path, "cannot create audit segment: " + ex, ex);
        }
    }

    /**
     * The segment preallocated (and pre-touched) in the background, when there is one of the right size.
     */
    private Prepared takePrepared(final long size)
    {
        final Prepared ready = preallocated.getAndSet(null);
        if (ready != null && ready.segment.length() != size)
        {
            ready.discard();
            return null;
        }
        return ready;
    }

    private static MappedSegment mapTemp(final Path temp, final Path path, final long firstSequence, final long size)
        throws IOException
    {
        try (FileChannel channel = AuditFiles.openReadWrite(temp))
        {
            return MappedSegment.mapReadWrite(path, firstSequence, channel, size);
        }
    }

    /**
     * Under a durable policy, writes a freshly reserved segment's zeros to the disk now. Left to the kernel's
     * write-back, those megabytes would be written during the segment's first group commits (each commit waiting
     * for them), which measured several times slower for the first seconds of every segment. For the same reason
     * pages are pre-touched only under {@link DurabilityPolicy#none()}: pre-touching writes (0 over 0), which dirties
     * the synced zeros again and has them written back a second time while commits wait.
     */
    private void syncReserved(final FileChannel channel) throws IOException
    {
        if (durability.kind() != DurabilityPolicy.Kind.NONE)
        {
            channel.force(false);
        }
    }

    /**
     * A new file reserved now under a temporary name.
     */
    private Path reserveTemp(final long size)
    {
        final Path temp = tempPath();
        try
        {
            try (FileChannel channel = AuditFiles.createReserved(temp, size, directory))
            {
                syncReserved(channel);
            }
        }
        catch (final IOException ex)
        {
            AuditFiles.deleteQuietly(temp);
            throw new ChannelFileException(temp, "cannot create audit segment: " + ex, ex);
        }
        return temp;
    }

    private Path tempPath()
    {
        return directory.resolve("." + name + "-" + System.nanoTime() + PREALLOCATED_SUFFIX);
    }

    /**
     * Reserves the next segment's file in the background, maps it and pre-touches its pages, so a rotation is a link
     * and a header instead of writing a whole segment of zeros while appends wait, and appends into the new segment
     * take no page faults.
     */
    private void preallocateNext()
    {
        if (!config.preallocate() || closed || preallocated.get() != null || !preallocating.compareAndSet(false, true))
        {
            return;
        }
        final Path path = tempPath();
        final Thread thread = new Thread(() ->
        {
            MappedSegment segment = null;
            try
            {
                if (durability.kind() == DurabilityPolicy.Kind.NONE)
                {
                    pretouchActive();
                }
                if (closed)
                {
                    return;
                }
                try (FileChannel channel = AuditFiles.createReserved(path, config.segmentSize(), directory))
                {
                    syncReserved(channel);
                    segment = MappedSegment.mapReadWrite(path, 0, channel, config.segmentSize());
                }
                if (durability.kind() == DurabilityPolicy.Kind.NONE)
                {
                    final int chunk = PRETOUCH_PAGES * MappedSegment.PAGE_SIZE;
                    for (int at = 0; at < segment.length() && !closed; at += chunk)
                    {
                        segment.pretouch(at, Math.min(segment.length(), at + chunk));
                    }
                }
                final Prepared prepared = new Prepared(path, segment);
                if (!preallocated.compareAndSet(null, prepared))
                {
                    prepared.discard();
                }
                else if (closed && preallocated.compareAndSet(prepared, null))
                {
                    prepared.discard();
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                // No room now: the next rotation reserves its segment itself and reports a full disk then.
                if (segment != null)
                {
                    segment.close();
                }
                AuditFiles.deleteQuietly(path);
            }
            finally
            {
                preallocating.set(false);
            }
        }, "ipc-audit-preallocate-" + name);
        thread.setDaemon(true);
        preallocator = thread;
        thread.start();
    }

    /**
     * Pre-touches the active segment's free space ahead of the writer, a few pages at a time under the lock that
     * rotation and close unmap under, so it never touches an unmapped segment and never holds up a force for long.
     * A page fault on a shared file mapping costs microseconds (tens on a busy ext4), more than the record written
     * into it; this moves that cost off the appending thread. Stops when the segment is no longer active.
     */
    private void pretouchActive()
    {
        final int chunk = PRETOUCH_PAGES * MappedSegment.PAGE_SIZE;
        final MappedSegment target;
        int at;
        synchronized (syncLock)
        {
            target = active;
            at = publishedOffset;
        }
        while (target != null && at < target.length())
        {
            synchronized (syncLock)
            {
                if (closed || active != target)
                {
                    return;
                }
                at = Math.max(at, publishedOffset);
                target.pretouch(at, Math.min(target.length(), at + chunk));
            }
            at += chunk;
        }
    }

    /**
     * Waits for the background preallocation to finish, so that once {@link #close()} returns no file appears in the
     * folder (it may be deleted right after). The thread sees {@code closed} and stops early.
     */
    private void awaitPreallocator()
    {
        final Thread thread = preallocator;
        if (thread == null || thread == Thread.currentThread())
        {
            return;
        }
        boolean interrupted = false;
        while (thread.isAlive())
        {
            try
            {
                thread.join();
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void deletePreallocated()
    {
        final Prepared ready = preallocated.getAndSet(null);
        if (ready != null)
        {
            ready.discard();
        }
    }

    private void deleteStalePreallocated()
    {
        try (java.nio.file.DirectoryStream<Path> stream =
            Files.newDirectoryStream(directory, "." + name + "-*" + PREALLOCATED_SUFFIX))
        {
            for (final Path stale : stream)
            {
                AuditFiles.deleteQuietly(stale);
            }
        }
        catch (final IOException ignore)
        {
            // Leftovers only waste space; they are never taken for segments.
        }
    }

    private void applyRetention(final long now)
    {
        final long maxBytes = config.retentionBytes();
        final long maxAge = config.retentionAgeNs();
        if (maxBytes == 0 && maxAge == 0)
        {
            return;
        }
        long total = active.length();
        for (final Sealed s : sealed)
        {
            total += s.size;
        }
        final Iterator<Sealed> oldestFirst = sealed.iterator();
        while (oldestFirst.hasNext())
        {
            final Sealed s = oldestFirst.next();
            final boolean tooBig = maxBytes > 0 && total > maxBytes;
            final boolean tooOld = maxAge > 0 && now - s.endTime > maxAge;
            if (!tooBig && !tooOld)
            {
                break;
            }
            deleteSealed(s, "retention cannot delete audit segment: ");
            total -= s.size;
            oldestFirst.remove();
        }
    }

    private void deleteSealed(final Sealed s, final String failure)
    {
        AuditFiles.deleteQuietly(AuditFiles.indexPath(directory, name, s.firstSequence));
        try
        {
            Files.deleteIfExists(s.path);
        }
        catch (final IOException ex)
        {
            throw new ChannelFileException(s.path, failure + ex, ex);
        }
    }

    private void writeIndexQuietly(final long firstSequence, final SparseIndex index)
    {
        try
        {
            index.write(AuditFiles.indexPath(directory, name, firstSequence));
        }
        catch (final IOException | RuntimeException ex)
        {
            // The index only speeds up seeks; a missing one is rebuilt on the next open.
            AuditFiles.deleteQuietly(AuditFiles.indexPath(directory, name, firstSequence));
        }
    }

    private void recover()
    {
        AuditFiles.ensureDirectory(directory);
        lockWriter();
        deleteStalePreallocated();
        long[] firsts = AuditFiles.listSegments(directory, name);
        // A segment whose header was never completed (a crash while it was being created) holds no record.
        while (firsts.length > 0 && dropIfUnwritten(firsts[firsts.length - 1]))
        {
            firsts = AuditFiles.listSegments(directory, name);
        }
        if (firsts.length == 0)
        {
            final long now = clock.nanoTime();
            active = createSegment(1, now, new byte[HASH_LENGTH]);
            activeIndex = new SparseIndex(config.indexInterval(), config.segmentSize());
            activeCreationTime = now;
            writeOffset = HEADER_LENGTH;
            publishedOffset = HEADER_LENGTH;
            lastTimestamp = now;
            lastSequence = 0;
            durableSequence = 0;
            lastForceNanos = System.nanoTime();
            attachStaged(HEADER_LENGTH);
            return;
        }
        for (int i = 0; i < firsts.length - 1; i++)
        {
            final Path path = AuditFiles.segmentPath(directory, name, firsts[i]);
            final long creation = readSealed(path, firsts[i]);
            final Sealed s = new Sealed(firsts[i], path, sizeOf(path), creation);
            if (!sealed.isEmpty())
            {
                sealed.peekLast().endTime = creation;
            }
            sealed.addLast(s);
        }
        recoverActive(firsts[firsts.length - 1]);
        if (!sealed.isEmpty())
        {
            sealed.peekLast().endTime = activeCreationTime;
        }
        lastForceNanos = System.nanoTime();
    }

    private boolean dropIfUnwritten(final long firstSequence)
    {
        final Path path = AuditFiles.segmentPath(directory, name, firstSequence);
        try (MappedSegment segment = MappedSegment.mapReadOnly(path, firstSequence))
        {
            decoder.wrap(segment.buffer(), segment.length());
            final int status = decoder.decodeHeader();
            if (status != AuditSegmentDecoder.END && status != AuditSegmentDecoder.TRUNCATED)
            {
                return false;
            }
            if (decoder.limit() > HEADER_LENGTH && decoder.resynchronise(HEADER_LENGTH, maxFrameLength) >= 0)
            {
                return false;
            }
        }
        catch (final IOException ex)
        {
            throw new ChannelFileException(path, "cannot open audit segment: " + ex, ex);
        }
        AuditFiles.deleteQuietly(path);
        AuditFiles.deleteQuietly(AuditFiles.indexPath(directory, name, firstSequence));
        return true;
    }

    private long readSealed(final Path path, final long firstSequence)
    {
        try (MappedSegment segment = MappedSegment.mapReadOnly(path, firstSequence))
        {
            final long creation = checkHeader(segment);
            final Path indexPath = AuditFiles.indexPath(directory, name, firstSequence);
            if (SparseIndex.read(indexPath, config.indexInterval(), config.segmentSize()) == null)
            {
                writeIndexQuietly(firstSequence, SparseIndex.build(
                    decoder, segment.buffer(), segment.length(), config.indexInterval(), config.segmentSize()));
            }
            return creation;
        }
        catch (final IOException ex)
        {
            throw new ChannelFileException(path, "cannot open audit segment: " + ex, ex);
        }
    }

    private long checkHeader(final MappedSegment segment)
    {
        decoder.wrap(segment.buffer(), segment.length());
        final int status = decoder.decodeHeader();
        if (status != AuditSegmentDecoder.OK)
        {
            throw new ChannelFileException(segment.path(), "bad audit segment header: status="
                + AuditSegmentDecoder.statusName(status) + ": run 'ipc audit verify' on the folder");
        }
        if (decoder.firstSequence() != segment.firstSequence())
        {
            throw new ChannelFileException(segment.path(), "audit segment header does not match its name: "
                + "firstSequence=" + decoder.firstSequence() + " name says " + segment.firstSequence()
                + ": run 'ipc audit verify' on the folder");
        }
        if (decoder.chainAlgorithm() != hasher.algorithm())
        {
            throw new ChannelFileException(segment.path(), "audit chain algorithm mismatch: segment="
                + decoder.chainAlgorithm() + " configured=" + hasher.algorithm()
                + " (1 = SHA-256, 2 = HMAC-SHA256): open the log with the same hashKey setting it was written with");
        }
        return decoder.creationTime();
    }

    private void recoverActive(final long firstSequence)
    {
        final Path path = AuditFiles.segmentPath(directory, name, firstSequence);
        final long size = config.segmentSize();
        try (FileChannel channel = AuditFiles.openReadWrite(path))
        {
            final long fileLength = channel.size();
            final long mapLength = Math.max(size, Math.min(fileLength, AuditLogConfig.MAX_SEGMENT_SIZE));
            if (fileLength < mapLength)
            {
                try
                {
                    AuditFiles.reserve(channel, fileLength, mapLength);
                }
                catch (final IOException ex)
                {
                    throw AuditFiles.isNoSpace(ex) ? new AuditDiskFullException(directory, mapLength - fileLength, ex) :
                        new ChannelFileException(path, "cannot extend audit segment: " + ex, ex);
                }
            }
            active = MappedSegment.mapReadWrite(path, firstSequence, channel, mapLength);
        }
        catch (final IOException ex)
        {
            throw new ChannelFileException(path, "cannot open audit segment: " + ex, ex);
        }
        activeCreationTime = checkHeader(active);
        final UnsafeBuffer segment = active.buffer();
        decoder.previousHash(lastHash);
        activeIndex = new SparseIndex(config.indexInterval(), active.length());
        long expected = firstSequence;
        int offset = HEADER_LENGTH;
        long timestamp = activeCreationTime;
        final int limit = active.length();
        decoder.wrap(segment, limit);
        while (decoder.decodeRecord(offset, maxFrameLength) == AuditSegmentDecoder.OK &&
            decoder.sequence() == expected)
        {
            segment.getBytes(decoder.hashOffset(), lastHash, 0, HASH_LENGTH);
            timestamp = Math.max(timestamp, decoder.timestamp());
            activeIndex.onRecord(expected, decoder.timestamp(), offset);
            expected++;
            offset = decoder.nextOffset();
        }
        // Whatever follows the last intact record is a torn tail: cut it (zero it, the file keeps its reserved size).
        int end = offset;
        while (end <= limit - Long.BYTES && segment.getLong(end) == 0)
        {
            end += Long.BYTES;
        }
        while (end < limit && segment.getByte(end) == 0)
        {
            end++;
        }
        if (end < limit)
        {
            int last = limit;
            while (last - Long.BYTES >= end && segment.getLong(last - Long.BYTES) == 0)
            {
                last -= Long.BYTES;
            }
            while (last > offset && segment.getByte(last - 1) == 0)
            {
                last--;
            }
            truncatedBytes = last - offset;
            preserveDamaged(path, segment, offset, last);
            segment.setMemory(offset, last - offset, (byte)0);
            active.force(offset & ~4095, last);
        }
        writeOffset = offset;
        publishedOffset = offset;
        lastSequence = expected - 1;
        durableSequence = lastSequence;
        lastTimestamp = timestamp;
        if (lastSequence + 1 != firstSequence || truncatedBytes > 0)
        {
            active.force(0, offset);
        }
        attachStaged(offset);
    }

    private void preserveDamaged(final Path path, final UnsafeBuffer segment, final int from, final int to)
    {
        // Valid records after the damage mean more than a torn tail (a flipped bit, an edit): keep the bytes beside
        // the segment for inspection instead of only zeroing them.
        decoder.wrap(segment, to);
        if (decoder.resynchronise(from + AuditSegmentDescriptor.RECORD_ALIGNMENT, maxFrameLength) < 0)
        {
            return;
        }
        final Path copy = path.resolveSibling(path.getFileName() + ".damaged-" + from);
        AuditFiles.deleteQuietly(copy);
        try (FileChannel channel = AuditFiles.createReserved(copy, 0, directory))
        {
            final byte[] bytes = new byte[to - from];
            segment.getBytes(from, bytes);
            final java.nio.ByteBuffer wrapped = java.nio.ByteBuffer.wrap(bytes);
            while (wrapped.hasRemaining())
            {
                channel.write(wrapped);
            }
            channel.force(true);
        }
        catch (final IOException ex)
        {
            throw new CorruptionException(path, from, "audit segment damaged before its end and the damaged bytes "
                + "cannot be saved to " + copy + ": " + ex + ": run 'ipc audit verify' on the folder");
        }
    }

    private static long sizeOf(final Path path)
    {
        try
        {
            return Files.size(path);
        }
        catch (final IOException ex)
        {
            return 0;
        }
    }

    /** A segment file reserved, mapped and pre-touched in the background, under its temporary name. */
    private static final class Prepared
    {
        final Path path;
        final MappedSegment segment;

        Prepared(final Path path, final MappedSegment segment)
        {
            this.path = path;
            this.segment = segment;
        }

        void discard()
        {
            segment.close();
            AuditFiles.deleteQuietly(path);
        }
    }

    /** What retention needs to know about a sealed segment. */
    private static final class Sealed
    {
        final long firstSequence;
        final Path path;
        final long size;
        final long creationTime;
        long endTime;

        Sealed(final long firstSequence, final Path path, final long size, final long creationTime)
        {
            this.firstSequence = firstSequence;
            this.path = path;
            this.size = size;
            this.creationTime = creationTime;
            this.endTime = creationTime;
        }
    }
}
