package io.ipcgateway.resilience.shared;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.ConfigurationException;
import io.ipcgateway.core.StorageException;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import static io.ipcgateway.resilience.shared.SharedStateDescriptor.BODY_LENGTH_OFFSET;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.CREATION_TIME_OFFSET;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.CREATOR_PID_OFFSET;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.CREATOR_UID_OFFSET;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.FINGERPRINT_OFFSET;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.HEADER_LENGTH;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.HEADER_LENGTH_OFFSET;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.INITIALISED;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.INITIALISED_OFFSET;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.KIND_OFFSET;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.LAYOUT_VERSION;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.MAGIC;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.MAGIC_OFFSET;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.MAX_BODY_LENGTH;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.VERSION_OFFSET;

/**
 * One mapped shared state file (layout: {@link SharedStateDescriptor}), created or opened by kind and name with
 * {@link #openOrCreate}. Exactly one of the processes that race to open a missing file creates it: with
 * {@code CREATE_NEW} and no link following, its mode set explicitly, every byte written up front (so a full
 * {@code /dev/shm} fails here with a {@link StorageException}, never later with SIGBUS), then the header, then the
 * body through the caller's {@link Initialiser}, and last the initialised flag with a release store. The others
 * wait, up to {@link SharedStateOptions#initTimeoutNs()}, for that flag, then validate the header against what
 * they expect. The file outlives the processes (a restarted process finds the state where it was left);
 * {@link #delete} removes it.
 * <p>
 * {@link #buffer()} is an Agrona {@link UnsafeBuffer} over the body, for atomic operations (compare-and-set,
 * get-and-add, ordered stores). Do not use it after {@link #close()}: the memory is unmapped then.
 */
public final class SharedStateFile implements AutoCloseable
{
    /** Longest name accepted. */
    public static final int MAX_NAME_LENGTH = 100;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");
    private static final int ZERO_CHUNK = 64 * 1024;
    private static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Path path;
    private final SharedStateKind kind;
    private final boolean creator;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer header;
    private final UnsafeBuffer body;
    private boolean closed;

    /**
     * Writes the initial body of a new file, before any other process may see it.
     */
    @FunctionalInterface
    public interface Initialiser
    {
        /**
         * Writes the initial state. The body is all zeros when this is called.
         *
         * @param body the body, {@code bodyLength} bytes.
         */
        void initialise(UnsafeBuffer body);
    }

    private SharedStateFile(
        final Path path, final SharedStateKind kind, final boolean creator, final MappedByteBuffer mapped,
        final int bodyLength)
    {
        this.path = path;
        this.kind = kind;
        this.creator = creator;
        this.mapped = mapped;
        this.header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
        this.body = new UnsafeBuffer(mapped, HEADER_LENGTH, bodyLength);
    }

    /**
     * Creates the file of this kind and name, or opens it when it exists (waiting for a process that is creating
     * it at the same moment).
     *
     * @param options     where the file lives and who may use it.
     * @param kind        what the file holds.
     * @param name        the name shared by every process using the state: 1 to {@value #MAX_NAME_LENGTH} of
     *                    {@code A-Z a-z 0-9 . _ -}, not starting with a dot.
     * @param bodyLength  the body's length in bytes, 8 to {@link SharedStateDescriptor#MAX_BODY_LENGTH}, a
     *                    multiple of 8.
     * @param fingerprint a hash of the settings that shape the body: an existing file with another fingerprint is
     *                    refused, so processes configured differently cannot corrupt each other's state.
     * @param initialiser writes the initial body when this call creates the file.
     * @return the mapped file.
     * @throws ChannelFileException naming the file when it cannot be created, opened or validated.
     * @throws StorageException     when the memory for a new file cannot be reserved.
     */
    public static SharedStateFile openOrCreate(
        final SharedStateOptions options,
        final SharedStateKind kind,
        final String name,
        final int bodyLength,
        final long fingerprint,
        final Initialiser initialiser)
    {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(initialiser, "initialiser");
        if (bodyLength < Long.BYTES || bodyLength > MAX_BODY_LENGTH || (bodyLength & (Long.BYTES - 1)) != 0)
        {
            throw new ConfigurationException("bodyLength=" + bodyLength + " is invalid: valid range is 8 to "
                + MAX_BODY_LENGTH + ", a multiple of 8");
        }
        final SharedFileAccess access = SharedFileAccess.of(options.group());
        access.prepareDirectory(options.baseDirectory());
        final Path path = pathOf(options, kind, name);
        final long deadline = System.nanoTime() + options.initTimeoutNs();
        while (true)
        {
            final SharedStateFile created = tryCreate(path, kind, bodyLength, fingerprint, initialiser, access);
            if (created != null)
            {
                return created;
            }
            final SharedStateFile opened = tryOpen(path, kind, bodyLength, fingerprint, access, deadline, options);
            if (opened != null)
            {
                return opened;
            }
            // The file vanished between our create and open attempts (someone deleted it): race again.
            if (System.nanoTime() - deadline > 0)
            {
                throw new ChannelFileException(path, "the file keeps disappearing while it is opened: is another "
                    + "process deleting it?");
            }
        }
    }

    /**
     * The path of the file of this kind and name.
     *
     * @param options where the files live.
     * @param kind    what the file holds.
     * @param name    the name, checked as in {@link #openOrCreate}.
     * @return the path.
     */
    public static Path pathOf(final SharedStateOptions options, final SharedStateKind kind, final String name)
    {
        return options.baseDirectory().resolve(validateName(name) + kind.suffix());
    }

    /**
     * Deletes the file of this kind and name, if there is one. Processes that have it mapped keep their mapping
     * (and so their state) until they close it; the next {@link #openOrCreate} makes a new file.
     *
     * @param options where the files live.
     * @param kind    what the file holds.
     * @param name    the name.
     * @return true when a file was deleted.
     */
    public static boolean delete(final SharedStateOptions options, final SharedStateKind kind, final String name)
    {
        final Path path = pathOf(options, kind, name);
        try
        {
            return Files.deleteIfExists(path);
        }
        catch (final IOException ex)
        {
            throw new ChannelFileException(path, "cannot delete the shared state file: " + ex, ex);
        }
    }

    /**
     * Checks a name for a shared state file.
     *
     * @param name the name.
     * @return the name.
     * @throws ConfigurationException naming the rule broken.
     */
    public static String validateName(final String name)
    {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches())
        {
            throw new ConfigurationException("name=" + name + " is invalid: expected 1 to " + MAX_NAME_LENGTH
                + " characters of A-Z a-z 0-9 . _ -, not starting with a dot");
        }
        return name;
    }

    private static SharedStateFile tryCreate(
        final Path path,
        final SharedStateKind kind,
        final int bodyLength,
        final long fingerprint,
        final Initialiser initialiser,
        final SharedFileAccess access)
    {
        final long length = SharedStateDescriptor.fileLength(bodyLength);
        final MappedByteBuffer mapped;
        try (FileChannel channel = FileChannel.open(
            path,
            Set.<OpenOption>of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS),
            PosixFilePermissions.asFileAttribute(access.filePermissions())))
        {
            try
            {
                access.applyTo(path, false);
            }
            catch (final IOException ex)
            {
                deleteQuietly(path);
                throw new ChannelFileException(path, "cannot set access " + access + " on the new file: " + ex
                    + (access.isGroupMode() ? ": is this user a member of group " + access.groupName() + "?" : ""),
                    ex);
            }
            reserve(path, channel, length);
            mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
        }
        catch (final FileAlreadyExistsException ex)
        {
            return null;
        }
        catch (final IOException ex)
        {
            deleteQuietly(path);
            throw new ChannelFileException(path, "cannot create the shared state file: " + ex, ex);
        }

        final SharedStateFile file = new SharedStateFile(path, kind, true, mapped, bodyLength);
        final UnsafeBuffer header = file.header;
        header.putInt(VERSION_OFFSET, LAYOUT_VERSION);
        header.putInt(KIND_OFFSET, kind.code());
        header.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH);
        header.putInt(BODY_LENGTH_OFFSET, bodyLength);
        header.putInt(CREATOR_UID_OFFSET, SharedFileAccess.currentUid());
        header.putLong(CREATOR_PID_OFFSET, ProcessHandle.current().pid());
        header.putLong(CREATION_TIME_OFFSET, System.currentTimeMillis());
        header.putLong(FINGERPRINT_OFFSET, fingerprint);
        header.putLongRelease(MAGIC_OFFSET, MAGIC);
        try
        {
            initialiser.initialise(file.body);
        }
        catch (final RuntimeException | Error ex)
        {
            file.close();
            deleteQuietly(path);
            throw ex;
        }
        // Release: every body write above is visible to whoever sees the flag.
        header.putIntRelease(INITIALISED_OFFSET, INITIALISED);
        return file;
    }

    private static SharedStateFile tryOpen(
        final Path path,
        final SharedStateKind kind,
        final int bodyLength,
        final long fingerprint,
        final SharedFileAccess access,
        final long deadline,
        final SharedStateOptions options)
    {
        try
        {
            access.checkExisting(path, "shared state file");
        }
        catch (final ChannelFileException ex)
        {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS))
            {
                return null;
            }
            throw ex;
        }
        try (FileChannel channel = FileChannel.open(
            path, Set.<OpenOption>of(StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)))
        {
            final long expectedLength = SharedStateDescriptor.fileLength(bodyLength);
            MappedByteBuffer headerMap = null;
            try
            {
                while (true)
                {
                    final long size = channel.size();
                    if (headerMap == null && size >= HEADER_LENGTH)
                    {
                        // Only a range inside the file: a READ_WRITE mapping beyond its end would grow it.
                        headerMap = channel.map(FileChannel.MapMode.READ_WRITE, 0, HEADER_LENGTH);
                    }
                    if (headerMap != null)
                    {
                        final UnsafeBuffer header = new UnsafeBuffer(headerMap, 0, HEADER_LENGTH);
                        if (header.getLongAcquire(MAGIC_OFFSET) != 0)
                        {
                            validate(path, header, channel.size(), kind, bodyLength, fingerprint);
                            if (SharedStateHeader.isInitialised(header))
                            {
                                final MappedByteBuffer mapped =
                                    channel.map(FileChannel.MapMode.READ_WRITE, 0, expectedLength);
                                return new SharedStateFile(path, kind, false, mapped, bodyLength);
                            }
                        }
                    }
                    if (System.nanoTime() - deadline > 0)
                    {
                        throw notInitialised(path, size, headerMap, options);
                    }
                    LockSupport.parkNanos(POLL_NS);
                    if (Thread.currentThread().isInterrupted())
                    {
                        throw new ChannelFileException(path, "interrupted while waiting for another process to "
                            + "initialise the file");
                    }
                }
            }
            finally
            {
                if (headerMap != null)
                {
                    IoUtil.unmap(headerMap);
                }
            }
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
        catch (final AccessDeniedException ex)
        {
            throw new ChannelFileException(path, "permission denied for uid=" + SharedFileAccess.currentUid()
                + ": found " + SharedFileAccess.describe(path) + ": shared state files are owner-only unless group "
                + "mode (" + SharedStateOptions.GROUP_PROP_NAME + ") names a group this user is in", ex);
        }
        catch (final IOException ex)
        {
            throw new ChannelFileException(path, "cannot open the shared state file: " + ex, ex);
        }
    }

    private static ChannelFileException notInitialised(
        final Path path, final long size, final MappedByteBuffer headerMap, final SharedStateOptions options)
    {
        final StringBuilder found = new StringBuilder("length=").append(size);
        if (headerMap != null)
        {
            final UnsafeBuffer header = new UnsafeBuffer(headerMap, 0, HEADER_LENGTH);
            found.append(" magic=0x").append(Long.toHexString(header.getLongVolatile(MAGIC_OFFSET)))
                .append(" initialised=").append(header.getIntVolatile(INITIALISED_OFFSET))
                .append(" creatorPid=").append(header.getLong(CREATOR_PID_OFFSET));
        }
        return new ChannelFileException(path, "not initialised within initTimeoutMs="
            + TimeUnit.NANOSECONDS.toMillis(options.initTimeoutNs()) + ": found " + found + ": the process creating "
            + "it died or stalled; remove the file if no process is creating it");
    }

    private static void validate(
        final Path path,
        final UnsafeBuffer header,
        final long size,
        final SharedStateKind kind,
        final int bodyLength,
        final long fingerprint)
    {
        final int foundBody = SharedStateHeader.validate(path, header, size, kind);
        if (foundBody != bodyLength)
        {
            throw new ChannelFileException(path, "size mismatch: bodyLength=" + foundBody + " expected bodyLength="
                + bodyLength + ": another process uses this name with other settings; use another name or remove the"
                + " file");
        }
        final long foundFingerprint = header.getLong(FINGERPRINT_OFFSET);
        if (foundFingerprint != fingerprint)
        {
            throw new ChannelFileException(path, "settings mismatch: fingerprint=0x"
                + Long.toHexString(foundFingerprint) + " expected=0x" + Long.toHexString(fingerprint)
                + ": another process (pid="
                + header.getLong(CREATOR_PID_OFFSET) + " created it) uses this name with other settings; use the same"
                + " settings everywhere, another name, or remove the file");
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

    private static void deleteQuietly(final Path path)
    {
        try
        {
            Files.deleteIfExists(path);
        }
        catch (final IOException ignore)
        {
            // Best effort during cleanup: the caller reports the original failure.
        }
    }

    /**
     * The body: an Agrona buffer over the mapped state, for atomic operations. Valid until {@link #close()}.
     *
     * @return the body buffer.
     */
    public UnsafeBuffer buffer()
    {
        return body;
    }

    /**
     * The file.
     *
     * @return its path.
     */
    public Path path()
    {
        return path;
    }

    /**
     * What the file holds.
     *
     * @return the kind.
     */
    public SharedStateKind kind()
    {
        return kind;
    }

    /**
     * Whether this process created the file (and ran the initialiser) rather than opening an existing one.
     *
     * @return true for the creator.
     */
    public boolean isCreator()
    {
        return creator;
    }

    /**
     * The pid of the process that created the file.
     *
     * @return the pid.
     */
    public long creatorPid()
    {
        return header.getLong(CREATOR_PID_OFFSET);
    }

    /**
     * When the file was created (wall clock, for people).
     *
     * @return epoch milliseconds.
     */
    public long creationTimeMs()
    {
        return header.getLong(CREATION_TIME_OFFSET);
    }

    /**
     * Unmaps the file; the file itself stays (see {@link #delete}). Idempotent. The buffer must not be used after.
     */
    @Override
    public synchronized void close()
    {
        if (!closed)
        {
            closed = true;
            IoUtil.unmap(mapped);
        }
    }

    @Override
    public String toString()
    {
        return "SharedStateFile{path=" + path + ", kind=" + kind + ", creator=" + creator + '}';
    }
}
