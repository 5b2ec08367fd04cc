package io.ipcgateway.audit.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.ipcgateway.audit.AuditDiskFullException;
import io.ipcgateway.audit.AuditSegmentDescriptor;
import io.ipcgateway.core.ChannelFileException;

/**
 * File system helpers of the audit log: owner-only folders and files created without following links, space
 * reserved by writing every byte, listing segments in sequence order, and syncing a folder's entries.
 */
public final class AuditFiles
{
    /** Owner read/write. */
    public static final Set<PosixFilePermission> FILE_PERMISSIONS = PosixFilePermissions.fromString("rw-------");
    /** Owner read/write/search. */
    public static final Set<PosixFilePermission> FOLDER_PERMISSIONS = PosixFilePermissions.fromString("rwx------");

    private static final int ZERO_CHUNK = 256 * 1024;
    private static final ThreadLocal<ByteBuffer> ZEROS = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(
        ZERO_CHUNK));

    private AuditFiles()
    {
    }

    /**
     * Creates the folder 0700 if missing (parents as the umask says); refuses a link or a non-folder.
     *
     * @param directory the folder.
     */
    public static void ensureDirectory(final Path directory)
    {
        try
        {
            if (Files.isSymbolicLink(directory))
            {
                throw new ChannelFileException(directory, "audit folder is a symbolic link: refusing to follow it");
            }
            if (Files.exists(directory, LinkOption.NOFOLLOW_LINKS))
            {
                if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS))
                {
                    throw new ChannelFileException(directory, "audit folder path is not a folder");
                }
                return;
            }
            final Path parent = directory.toAbsolutePath().getParent();
            if (parent != null)
            {
                Files.createDirectories(parent);
            }
            try
            {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(FOLDER_PERMISSIONS));
                Files.setPosixFilePermissions(directory, FOLDER_PERMISSIONS);
            }
            catch (final FileAlreadyExistsException ex)
            {
                if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS))
                {
                    throw new ChannelFileException(directory, "audit folder path is not a folder", ex);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new ChannelFileException(directory, "cannot create audit folder: " + ex, ex);
        }
    }

    /**
     * Creates a file 0600 with {@code CREATE_NEW} and no link following, writing {@code size} zero bytes so the
     * space is reserved (a full disk fails here, and the partial file is removed).
     *
     * @param path      the file.
     * @param size      bytes to reserve.
     * @param directory the folder, for the error message.
     * @return the open channel (read/write), the caller closes it.
     * @throws AuditDiskFullException when the space cannot be reserved.
     */
    public static FileChannel createReserved(final Path path, final long size, final Path directory)
    {
        final FileChannel channel;
        try
        {
            channel = FileChannel.open(path,
                Set.<OpenOption>of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(FILE_PERMISSIONS));
        }
        catch (final IOException ex)
        {
            throw isNoSpace(ex) ? new AuditDiskFullException(directory, size, ex) :
                new ChannelFileException(path, "cannot create audit file: " + ex, ex);
        }
        try
        {
            Files.setPosixFilePermissions(path, FILE_PERMISSIONS);
            reserve(channel, 0, size);
            return channel;
        }
        catch (final IOException ex)
        {
            closeQuietly(channel);
            deleteQuietly(path);
            throw isNoSpace(ex) ? new AuditDiskFullException(directory, size, ex) :
                new ChannelFileException(path, "cannot reserve audit file: size=" + size + " " + ex, ex);
        }
    }

    /**
     * Writes zeros over {@code [from, to)} of a file (reserving space when it grows the file).
     *
     * @param channel the file.
     * @param from    first byte.
     * @param to      end, exclusive.
     * @throws IOException when writing fails (e.g. no space).
     */
    public static void reserve(final FileChannel channel, final long from, final long to) throws IOException
    {
        final ByteBuffer zeros = ZEROS.get();
        long position = from;
        while (position < to)
        {
            zeros.clear().limit((int)Math.min(ZERO_CHUNK, to - position));
            position += channel.write(zeros, position);
        }
    }

    /**
     * Whether an I/O failure means the file system is full (or over quota).
     *
     * @param ex the failure.
     * @return true for ENOSPC/EDQUOT.
     */
    public static boolean isNoSpace(final IOException ex)
    {
        final String message = String.valueOf(ex.getMessage());
        return message.contains("No space left") || message.contains("Disk quota exceeded");
    }

    /**
     * Opens an existing file for reading and writing without following links.
     *
     * @param path the file.
     * @return the channel.
     * @throws IOException when it cannot be opened.
     */
    public static FileChannel openReadWrite(final Path path) throws IOException
    {
        return FileChannel.open(path,
            Set.<OpenOption>of(StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * Opens an existing file for reading without following links.
     *
     * @param path the file.
     * @return the channel.
     * @throws IOException when it cannot be opened.
     */
    public static FileChannel openRead(final Path path) throws IOException
    {
        return FileChannel.open(path, Set.<OpenOption>of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * Makes a folder's entries (files created, renamed or deleted) durable.
     *
     * @param directory the folder.
     */
    public static void syncDirectory(final Path directory)
    {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException ex)
        {
            throw new ChannelFileException(directory, "cannot sync audit folder: " + ex, ex);
        }
    }

    /**
     * The first sequences of the log's segments in a folder, ascending.
     *
     * @param directory the folder.
     * @param name      the log's name.
     * @return first sequences (empty when the folder is missing).
     */
    public static long[] listSegments(final Path directory, final String name)
    {
        final List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory))
        {
            for (final Path path : stream)
            {
                final long first = AuditSegmentDescriptor.parseFirstSequence(name, path.getFileName().toString());
                if (first >= 0)
                {
                    found.add(first);
                }
            }
        }
        catch (final NoSuchFileException ex)
        {
            return new long[0];
        }
        catch (final IOException ex)
        {
            throw new ChannelFileException(directory, "cannot list audit folder: " + ex, ex);
        }
        return found.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    /**
     * Path of a segment.
     *
     * @param directory     the folder.
     * @param name          the log's name.
     * @param firstSequence its first sequence.
     * @return the path.
     */
    public static Path segmentPath(final Path directory, final String name, final long firstSequence)
    {
        return directory.resolve(AuditSegmentDescriptor.segmentFileName(name, firstSequence));
    }

    /**
     * Path of a segment's index.
     *
     * @param directory     the folder.
     * @param name          the log's name.
     * @param firstSequence the segment's first sequence.
     * @return the path.
     */
    public static Path indexPath(final Path directory, final String name, final long firstSequence)
    {
        return directory.resolve(AuditSegmentDescriptor.indexFileName(name, firstSequence));
    }

    /**
     * Closes without throwing.
     *
     * @param closeable what to close, may be null.
     */
    public static void closeQuietly(final AutoCloseable closeable)
    {
        if (closeable != null)
        {
            try
            {
                closeable.close();
            }
            catch (final Exception ignore)
            {
                // Already failing or closing: the first error is the one worth reporting.
            }
        }
    }

    /**
     * Deletes without throwing.
     *
     * @param path the file.
     */
    public static void deleteQuietly(final Path path)
    {
        try
        {
            Files.deleteIfExists(path);
        }
        catch (final IOException ignore)
        {
            // Best effort: a left-over partial file is ignored by readers (its header is not valid).
        }
    }
}
