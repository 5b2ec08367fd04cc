package io.ipcgateway.shm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.IpcCounters;
import io.ipcgateway.core.StorageException;
import org.agrona.BitUtil;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import static io.ipcgateway.shm.ChannelDescriptor.CLOSED_OFFSET;
import static io.ipcgateway.shm.ChannelDescriptor.CONSUMER_IDLE_MODE_OFFSET;
import static io.ipcgateway.shm.ChannelDescriptor.COUNTERS_METADATA_LENGTH;
import static io.ipcgateway.shm.ChannelDescriptor.COUNTERS_METADATA_OFFSET;
import static io.ipcgateway.shm.ChannelDescriptor.COUNTERS_VALUES_LENGTH;
import static io.ipcgateway.shm.ChannelDescriptor.COUNTERS_VALUES_OFFSET;
import static io.ipcgateway.shm.ChannelDescriptor.FILE_TYPE_OFFSET;
import static io.ipcgateway.shm.ChannelDescriptor.HEADER_LENGTH;
import static io.ipcgateway.shm.ChannelDescriptor.HEARTBEAT_OFFSET;
import static io.ipcgateway.shm.ChannelDescriptor.MAGIC;
import static io.ipcgateway.shm.ChannelDescriptor.MAGIC_OFFSET;
import static io.ipcgateway.shm.ChannelDescriptor.MAX_MESSAGE_LENGTH_OFFSET;
import static io.ipcgateway.shm.ChannelDescriptor.OWNER_PID_NAMESPACE_OFFSET;
import static io.ipcgateway.shm.ChannelDescriptor.OWNER_PID_OFFSET;
import static io.ipcgateway.shm.ChannelDescriptor.OWNER_START_TIME_OFFSET;
import static io.ipcgateway.shm.ChannelDescriptor.OWNER_UID_OFFSET;
import static io.ipcgateway.shm.ChannelDescriptor.LAYOUT_VERSION;
import static io.ipcgateway.shm.ChannelDescriptor.RING_CAPACITY_OFFSET;
import static io.ipcgateway.shm.ChannelDescriptor.RING_TRAILER_LENGTH_OFFSET;
import static io.ipcgateway.shm.ChannelDescriptor.VERSION_OFFSET;

/**
 * One mapped channel file (see {@link ChannelDescriptor}): creates it reserved up front and owner-only, or opens
 * and validates an existing one; gives views of its header, counters and ring; unmaps it and, when this process
 * created it, deletes it on {@link #close()}.
 */
final class ChannelFile implements AutoCloseable
{
    private static final int ZERO_CHUNK = 64 * 1024;

    private final Path path;
    private final boolean owner;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer header;
    private final UnsafeBuffer ring;
    private final Object fileKey;
    private boolean closed;

    private ChannelFile(final Path path, final boolean owner, final MappedByteBuffer mapped, final int ringLength)
    {
        this.path = path;
        this.owner = owner;
        this.mapped = mapped;
        // Read once the file is mapped, so isReplaced() can tell this file from another created at the same path.
        final BasicFileAttributes attributes = attributesNow();
        this.fileKey = attributes == null ? null : attributes.fileKey();
        this.header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
        this.ring = new UnsafeBuffer(mapped, HEADER_LENGTH, ringLength);
    }

    /**
     * Creates an owner-only channel file: see {@link #create(Path, int, int, int, int, IdleMode, FileAccess)}.
     */
    static ChannelFile create(
        final Path path,
        final int fileType,
        final int ringCapacity,
        final int trailerLength,
        final int maxMessageLength,
        final IdleMode consumerIdleMode)
    {
        return create(path, fileType, ringCapacity, trailerLength, maxMessageLength, consumerIdleMode,
            FileAccess.OWNER_ONLY);
    }

    /**
     * Creates a channel file with {@code CREATE_NEW} and no link following, its mode (and group in group mode) set
     * explicitly whatever the umask, every byte written (never sparse,
     * so a full file system fails here rather than with SIGBUS later), then maps it and writes the header;
     * the magic goes last, with a release store, so an opener never sees a half-written header as valid.
     */
    static ChannelFile create(
        final Path path,
        final int fileType,
        final int ringCapacity,
        final int trailerLength,
        final int maxMessageLength,
        final IdleMode consumerIdleMode,
        final FileAccess access)
    {
        return create(path, fileType, ringCapacity, trailerLength, maxMessageLength, consumerIdleMode, access, 0);
    }

    /**
     * Creates a channel file as {@link #create(Path, int, int, int, int, IdleMode, FileAccess)} does, declaring ring
     * flags ({@code ChannelDescriptor.RING_FLAG_*}) that producers opening it follow.
     */
    static ChannelFile create(
        final Path path,
        final int fileType,
        final int ringCapacity,
        final int trailerLength,
        final int maxMessageLength,
        final IdleMode consumerIdleMode,
        final FileAccess access,
        final int ringFlags)
    {
        final long length = ChannelDescriptor.fileLength(ringCapacity, trailerLength);
        final MappedByteBuffer mapped;
        try (FileChannel channel = FileChannel.open(
            path,
            Set.<OpenOption>of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS),
            PosixFilePermissions.asFileAttribute(access.filePermissions())))
        {
            setAccess(path, channel, access);
            reserve(path, channel, length);
            mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
        }
        catch (final FileAlreadyExistsException ex)
        {
            throw new ChannelFileException(path, "file exists already: found " + FileAccess.describe(path)
                + ": another process owns it, or a dead one left it; stop the other process or remove the file", ex);
        }
        catch (final StorageException ex)
        {
            throw ex;
        }
        catch (final IOException ex)
        {
            deleteQuietly(path);
            throw new ChannelFileException(path, "cannot create channel file: " + ex, ex);
        }

        final ChannelFile file = new ChannelFile(path, true, mapped, ringCapacity + trailerLength);
        final UnsafeBuffer header = file.header;
        header.putInt(VERSION_OFFSET, LAYOUT_VERSION);
        header.putInt(FILE_TYPE_OFFSET, fileType);
        header.putLong(OWNER_PID_OFFSET, ProcessInfo.pid());
        header.putLong(OWNER_START_TIME_OFFSET, ProcessInfo.startTime());
        header.putLong(OWNER_PID_NAMESPACE_OFFSET, ProcessInfo.pidNamespace());
        header.putLong(HEARTBEAT_OFFSET, System.nanoTime());
        header.putInt(RING_CAPACITY_OFFSET, ringCapacity);
        header.putInt(RING_TRAILER_LENGTH_OFFSET, trailerLength);
        header.putInt(MAX_MESSAGE_LENGTH_OFFSET, maxMessageLength);
        header.putInt(CONSUMER_IDLE_MODE_OFFSET, consumerIdleMode.ordinal());
        header.putInt(OWNER_UID_OFFSET, ProcessInfo.currentUid());
        header.putInt(ChannelDescriptor.RING_FLAGS_OFFSET, ringFlags);
        header.putLongRelease(MAGIC_OFFSET, MAGIC);
        return file;
    }

    /**
     * Opens and validates an existing channel file of the expected type. Checks length, magic, version, type and
     * sizes before anything else is read.
     *
     * @return the mapped file.
     * @throws ChannelFileException naming the file and the mismatch; {@link NotReadyException} when the file does
     *                              not exist yet or its header is not complete yet.
     */
    static ChannelFile open(final Path path, final int expectedType)
    {
        if (Files.isSymbolicLink(path))
        {
            throw new ChannelFileException(path, "refusing to open a symbolic link: remove it");
        }
        try (FileChannel channel = FileChannel.open(
            path, Set.<OpenOption>of(StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)))
        {
            final long size = channel.size();
            if (size < HEADER_LENGTH)
            {
                throw new NotReadyException(path, "file too short: length=" + size + " header=" + HEADER_LENGTH);
            }
            if (size > Integer.MAX_VALUE)
            {
                // Longer than any valid channel file, and than one mapping can be.
                throw new ChannelFileException(path, "file too long: length=" + size + " max=" + Integer.MAX_VALUE);
            }
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            final UnsafeBuffer header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
            try
            {
                validate(path, header, size, expectedType);
            }
            catch (final RuntimeException ex)
            {
                IoUtil.unmap(mapped);
                throw ex;
            }
            final int ringLength = header.getInt(RING_CAPACITY_OFFSET) + header.getInt(RING_TRAILER_LENGTH_OFFSET);
            return new ChannelFile(path, false, mapped, ringLength);
        }
        catch (final java.nio.file.NoSuchFileException ex)
        {
            throw new NotReadyException(path, "file does not exist (is the service running?)");
        }
        catch (final AccessDeniedException ex)
        {
            throw new ChannelFileException(path, "permission denied for uid=" + ProcessInfo.currentUid()
                + ": found " + FileAccess.describe(path) + ": the service's files are owner-only unless it uses group"
                + " mode (" + ShmConfiguration.GROUP_PROP_NAME + ") with a group this user is in", ex);
        }
        catch (final IOException ex)
        {
            throw new ChannelFileException(path, "cannot open channel file: " + ex, ex);
        }
    }

    private static void validate(final Path path, final UnsafeBuffer header, final long size, final int expectedType)
    {
        final long magic = header.getLongAcquire(MAGIC_OFFSET);
        if (magic == 0)
        {
            throw new NotReadyException(path, "header not written yet");
        }
        if (magic != MAGIC)
        {
            throw new ChannelFileException(path, "not an IPC Gateway channel file: magic=0x" + Long.toHexString(magic)
                + " expected=0x" + Long.toHexString(MAGIC));
        }
        final int version = header.getInt(VERSION_OFFSET);
        if (version != LAYOUT_VERSION)
        {
            throw new ChannelFileException(path, "layout version mismatch: version=" + version + " expected="
                + LAYOUT_VERSION + ": run the same IPC Gateway version on both sides");
        }
        final int type = header.getInt(FILE_TYPE_OFFSET);
        if (type != expectedType)
        {
            throw new ChannelFileException(path, "wrong file type: type=" + ChannelDescriptor.typeName(type)
                + " expected=" + ChannelDescriptor.typeName(expectedType));
        }
        final int capacity = header.getInt(RING_CAPACITY_OFFSET);
        final int trailer = header.getInt(RING_TRAILER_LENGTH_OFFSET);
        // The trailer must be the one of the buffer the type maps: Agrona's constructors refuse any other with an
        // IllegalStateException that would not name the file.
        final int expectedTrailer = ChannelDescriptor.trailerLength(type);
        if (capacity < ShmConfiguration.MIN_RING_CAPACITY || !BitUtil.isPowerOfTwo(capacity) ||
            trailer != expectedTrailer)
        {
            throw new ChannelFileException(path, "invalid ring size in header: capacity=" + capacity
                + " trailerLength=" + trailer + " expected a power of two >= " + ShmConfiguration.MIN_RING_CAPACITY
                + " and trailerLength=" + expectedTrailer);
        }
        final long expectedSize = ChannelDescriptor.fileLength(capacity, trailer);
        if (size != expectedSize)
        {
            throw new ChannelFileException(path, "file length does not match its header: length=" + size
                + " expected=" + expectedSize + " capacity=" + capacity + " trailerLength=" + trailer);
        }
        final int ringFlags = header.getInt(ChannelDescriptor.RING_FLAGS_OFFSET);
        if ((ringFlags & ~ChannelDescriptor.RING_FLAGS_KNOWN) != 0)
        {
            throw new ChannelFileException(path, "unknown ring flags in header: ringFlags=0x"
                + Integer.toHexString(ringFlags) + " known=0x" + Integer.toHexString(ChannelDescriptor.RING_FLAGS_KNOWN)
                + ": run the same IPC Gateway version on both sides");
        }
        if (header.getInt(MAX_MESSAGE_LENGTH_OFFSET) <= 0)
        {
            throw new ChannelFileException(path, "invalid max message length in header: maxMessageLength="
                + header.getInt(MAX_MESSAGE_LENGTH_OFFSET));
        }
    }

    private static void setAccess(final Path path, final FileChannel channel, final FileAccess access)
        throws IOException
    {
        try
        {
            access.applyTo(path, false);
        }
        catch (final IOException ex)
        {
            channel.close();
            deleteQuietly(path);
            throw new ChannelFileException(path, "cannot set access " + access + " on the new file: " + ex
                + (access.isGroupMode() ? ": is this user a member of group " + access.groupName() + "?" : ""), ex);
        }
    }

    private static void reserve(final Path path, final FileChannel channel, final long length) throws IOException
    {
        final ByteBuffer zeros = ByteBuffer.allocateDirect(ZERO_CHUNK);
        long position = 0;
        try
        {
            while (position < length)
            {
                zeros.clear().limit((int)Math.min(ZERO_CHUNK, length - position));
                position += channel.write(zeros, position);
            }
        }
        catch (final IOException ex)
        {
            channel.close();
            deleteQuietly(path);
            throw new StorageException(path.toAbsolutePath().getParent(), length, ex);
        }
        finally
        {
            IoUtil.unmap(zeros);
        }
    }

    static void deleteQuietly(final Path path)
    {
        try
        {
            Files.deleteIfExists(path);
        }
        catch (final IOException ignore)
        {
            // Best effort during cleanup: the caller already reports the original failure.
        }
    }

    Path path()
    {
        return path;
    }

    boolean isOwner()
    {
        return owner;
    }

    UnsafeBuffer header()
    {
        return header;
    }

    UnsafeBuffer ring()
    {
        return ring;
    }

    int ringCapacity()
    {
        return header.getInt(RING_CAPACITY_OFFSET);
    }

    /**
     * @return whether the records of this file's ring carry a checksum (declared by its owner).
     */
    boolean recordChecksums()
    {
        return (header.getInt(ChannelDescriptor.RING_FLAGS_OFFSET) & ChannelDescriptor.RING_FLAG_RECORD_CHECKSUMS) != 0;
    }

    int maxMessageLength()
    {
        return header.getInt(MAX_MESSAGE_LENGTH_OFFSET);
    }

    IdleMode consumerIdleMode()
    {
        final int ordinal = header.getInt(CONSUMER_IDLE_MODE_OFFSET);
        final IdleMode[] modes = IdleMode.values();
        return ordinal >= 0 && ordinal < modes.length ? modes[ordinal] : IdleMode.SPIN;
    }

    long ownerPid()
    {
        return header.getLong(OWNER_PID_OFFSET);
    }

    long ownerStartTime()
    {
        return header.getLong(OWNER_START_TIME_OFFSET);
    }

    int ownerUid()
    {
        return header.getInt(OWNER_UID_OFFSET);
    }

    /**
     * Whether another process shortened the file below the length we mapped: touching the mapping past the new end
     * would raise SIGBUS, so a truncated peer is dropped before its mapping is used again. A deleted file keeps its
     * memory while mapped and is not truncated.
     */
    boolean isTruncated()
    {
        final long length = currentLength();
        return length >= 0 && length < mapped.capacity();
    }

    /**
     * Whether the path now names another file than the one we mapped (a restarted peer created a new one there). A
     * deleted file, or one whose identity the file system does not tell, is not replaced.
     */
    boolean isReplaced()
    {
        final BasicFileAttributes attributes = attributesNow();
        return fileKey != null && attributes != null && !fileKey.equals(attributes.fileKey());
    }

    /**
     * @return the file's length now, read from its path; -1 when it cannot be read (deleted: the mapping then keeps
     *         its memory).
     */
    long currentLength()
    {
        final BasicFileAttributes attributes = attributesNow();
        return attributes == null ? -1 : attributes.size();
    }

    private BasicFileAttributes attributesNow()
    {
        try
        {
            return Files.readAttributes(path, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    /**
     * @return the number of bytes mapped, the file's length when it was opened.
     */
    long mappedLength()
    {
        return mapped.capacity();
    }

    boolean isClosedByOwner()
    {
        return header.getIntVolatile(CLOSED_OFFSET) != 0;
    }

    void heartbeat(final long nowNs)
    {
        header.putLongRelease(HEARTBEAT_OFFSET, nowNs);
    }

    /**
     * @return the owner's pid namespace (inode of its {@code /proc/self/ns/pid}), 0 when unknown.
     */
    long ownerPidNamespace()
    {
        return header.getLong(OWNER_PID_NAMESPACE_OFFSET);
    }

    long heartbeatNs()
    {
        return header.getLongVolatile(HEARTBEAT_OFFSET);
    }

    IpcCounters createCounters(final String owner)
    {
        return IpcCounters.create(
            new UnsafeBuffer(mapped, COUNTERS_METADATA_OFFSET, COUNTERS_METADATA_LENGTH),
            new UnsafeBuffer(mapped, COUNTERS_VALUES_OFFSET, COUNTERS_VALUES_LENGTH),
            owner);
    }

    /**
     * Closes and unmaps: only for a file no other thread can still touch.
     */
    @Override
    public void close()
    {
        close(true);
    }

    /**
     * The owner marks the file closed and deletes it. Idempotent.
     *
     * @param unmap true to unmap now; false when other threads may still touch the mapping, which the garbage
     *              collector then releases once nothing refers to it (unmapping under a running thread would crash
     *              the JVM).
     */
    void close(final boolean unmap)
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (owner)
        {
            header.putIntVolatile(CLOSED_OFFSET, 1);
            deleteQuietly(path);
        }
        if (unmap)
        {
            IoUtil.unmap(mapped);
        }
    }

    /**
     * Gives up a file whose mapping can no longer be touched (another process truncated it): the owner deletes it,
     * without writing the closed flag into the header (that write could fault), and the mapping is left to the
     * garbage collector. Idempotent, and {@link #close} does nothing after it.
     */
    void abandon()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (owner)
        {
            deleteQuietly(path);
        }
    }

    /**
     * The file is not there or not complete yet: a connecting client retries until its timeout.
     */
    static final class NotReadyException extends ChannelFileException
    {
        private static final long serialVersionUID = 1L;

        NotReadyException(final Path path, final String message)
        {
            super(path, message);
        }
    }
}
