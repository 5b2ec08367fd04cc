package io.ipcgateway.examples.gateway.spool;

import static io.ipcgateway.examples.gateway.spool.SpoolCursorDescriptor.CRC_COVERED_LENGTH;
import static io.ipcgateway.examples.gateway.spool.SpoolCursorDescriptor.CRC_OFFSET;
import static io.ipcgateway.examples.gateway.spool.SpoolCursorDescriptor.FILE_LENGTH;
import static io.ipcgateway.examples.gateway.spool.SpoolCursorDescriptor.FILE_NAME;
import static io.ipcgateway.examples.gateway.spool.SpoolCursorDescriptor.GENERATION_OFFSET;
import static io.ipcgateway.examples.gateway.spool.SpoolCursorDescriptor.LAYOUT_VERSION;
import static io.ipcgateway.examples.gateway.spool.SpoolCursorDescriptor.MAGIC;
import static io.ipcgateway.examples.gateway.spool.SpoolCursorDescriptor.MAGIC_OFFSET;
import static io.ipcgateway.examples.gateway.spool.SpoolCursorDescriptor.SEQUENCE_OFFSET;
import static io.ipcgateway.examples.gateway.spool.SpoolCursorDescriptor.SLOT_LENGTH;
import static io.ipcgateway.examples.gateway.spool.SpoolCursorDescriptor.VERSION_OFFSET;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.zip.CRC32C;

import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.CorruptionException;

/**
 * The spool's cursor file ({@link SpoolCursorDescriptor}): the last sequence the sink confirmed, written to the two
 * slots in turn. Holds an exclusive lock on the file while open, so one spool folder has one owner at a time. Not
 * thread-safe: the drain (under the spool's drain lock) writes it.
 */
final class SpoolCursor implements AutoCloseable
{
    private static final String TEMP_PREFIX = "." + FILE_NAME + "-";
    private static final String TEMP_SUFFIX = ".tmp";

    private final Path directory;
    private final Path path;
    private final FileChannel channel;
    private final boolean force;
    private final ByteBuffer slot = ByteBuffer.allocateDirect(SLOT_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();
    private FileLock lock;
    private long generation;
    private long delivered;

    private SpoolCursor(final Path directory, final FileChannel channel, final boolean force)
    {
        this.directory = directory;
        this.path = directory.resolve(FILE_NAME);
        this.channel = channel;
        this.force = force;
    }

    /**
     * Opens the cursor of the spool in {@code directory}, creating it (at sequence 0) when missing, and locks it.
     *
     * @param force whether each store is forced to the disk.
     * @throws ChannelFileException when the spool is in use, the file is not a spool cursor, or it cannot be read.
     * @throws CorruptionException when neither slot is valid.
     */
    static SpoolCursor open(final Path directory, final boolean force)
    {
        final Path path = directory.resolve(FILE_NAME);
        deleteStaleTemps(directory);
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS))
        {
            create(directory, path, force);
        }
        final FileChannel channel;
        try
        {
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        }
        catch (final IOException ex)
        {
            throw new ChannelFileException(path, "cannot open spool cursor: directory=" + directory + ": " + ex, ex);
        }
        final SpoolCursor cursor = new SpoolCursor(directory, channel, force);
        try
        {
            cursor.lockExclusively();
            cursor.read();
            return cursor;
        }
        catch (final RuntimeException ex)
        {
            cursor.close();
            throw ex;
        }
    }

    /**
     * The last sequence the sink confirmed.
     *
     * @return sequence, 0 when none.
     */
    long delivered()
    {
        return delivered;
    }

    /**
     * Records a new last confirmed sequence in the next slot, forced to the disk when the spool is durable.
     *
     * @param sequence the sequence.
     */
    void store(final long sequence)
    {
        final long next = generation + 1;
        fillSlot(slot, next, sequence, crc);
        try
        {
            writeFully(channel, slot, SpoolCursorDescriptor.slotOffset(next));
            if (force)
            {
                channel.force(false);
            }
        }
        catch (final IOException ex)
        {
            throw new ChannelFileException(path, "cannot write spool cursor: directory=" + directory + ": " + ex, ex);
        }
        generation = next;
        delivered = sequence;
    }

    @Override
    public void close()
    {
        try
        {
            if (lock != null)
            {
                lock.release();
            }
            channel.close();
        }
        catch (final IOException ignore)
        {
            // Closing releases the lock anyway; nothing is lost, the last store was written.
        }
    }

    private void lockExclusively()
    {
        try
        {
            lock = channel.tryLock();
        }
        catch (final OverlappingFileLockException ex)
        {
            lock = null;
        }
        catch (final IOException ex)
        {
            throw new ChannelFileException(path, "cannot lock spool cursor: directory=" + directory + ": " + ex, ex);
        }
        if (lock == null)
        {
            throw new ChannelFileException(path, "spool is in use: another PublishSpool (in this or another process)"
                + " has directory=" + directory + " open: one spool per folder and process");
        }
    }

    private void read()
    {
        final ByteBuffer file = ByteBuffer.allocate(FILE_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        final long size;
        try
        {
            size = channel.size();
            while (file.hasRemaining() && channel.read(file, file.position()) > 0)
            {
                // Read until the buffer is full or the file ends.
            }
        }
        catch (final IOException ex)
        {
            throw new ChannelFileException(path, "cannot read spool cursor: directory=" + directory + ": " + ex, ex);
        }
        if (size >= Long.BYTES && file.getLong(MAGIC_OFFSET) != MAGIC)
        {
            throw new ChannelFileException(path, "not a spool cursor (wrong magic): directory=" + directory
                + " holds something that is not a PublishSpool: use another folder");
        }
        if (size != FILE_LENGTH)
        {
            throw new CorruptionException(path, size, "corrupt spool cursor: directory=" + directory + " length="
                + size + " expected=" + FILE_LENGTH + ": " + advice());
        }
        if (file.getInt(VERSION_OFFSET) != LAYOUT_VERSION)
        {
            throw new ChannelFileException(path, "spool cursor layout version=" + file.getInt(VERSION_OFFSET)
                + " is not supported (expected " + LAYOUT_VERSION + "): directory=" + directory);
        }
        long bestGeneration = 0;
        for (int i = 0; i < 2; i++)
        {
            final int at = SpoolCursorDescriptor.HEADER_LENGTH + i * SLOT_LENGTH;
            final long slotGeneration = file.getLong(at + GENERATION_OFFSET);
            crc.reset();
            crc.update(file.array(), at, CRC_COVERED_LENGTH);
            if (slotGeneration > bestGeneration && (int)crc.getValue() == file.getInt(at + CRC_OFFSET) &&
                SpoolCursorDescriptor.slotOffset(slotGeneration) == at && file.getLong(at + SEQUENCE_OFFSET) >= 0)
            {
                bestGeneration = slotGeneration;
                delivered = file.getLong(at + SEQUENCE_OFFSET);
            }
        }
        if (bestGeneration == 0)
        {
            throw new CorruptionException(path, SpoolCursorDescriptor.HEADER_LENGTH, "corrupt spool cursor: neither"
                + " slot is valid: directory=" + directory + ": " + advice());
        }
        generation = bestGeneration;
    }

    private String advice()
    {
        return "the messages are intact in the segments (read them with 'bin/ipc audit dump " + directory
            + " --name " + PublishSpool.LOG_NAME + "'); move the folder aside and deliver them from there";
    }

    /**
     * Writes a new cursor under a temporary name, forces it, then links it under its real name, so the real name
     * never shows a half-written file after a crash.
     */
    private static void create(final Path directory, final Path path, final boolean force)
    {
        final Path temp = directory.resolve(TEMP_PREFIX + System.nanoTime() + TEMP_SUFFIX);
        try
        {
            try (FileChannel channel = FileChannel.open(temp, Set.<OpenOption>of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(SpoolFolder.FILE_PERMISSIONS)))
            {
                final ByteBuffer file = ByteBuffer.allocate(FILE_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
                file.putLong(MAGIC_OFFSET, MAGIC);
                file.putInt(VERSION_OFFSET, LAYOUT_VERSION);
                final ByteBuffer first = ByteBuffer.allocate(SLOT_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
                fillSlot(first, 1, 0, new CRC32C());
                file.put(SpoolCursorDescriptor.slotOffset(1), first, 0, SLOT_LENGTH);
                writeFully(channel, file, 0);
                channel.force(true);
            }
            try
            {
                Files.createLink(path, temp);
            }
            catch (final FileAlreadyExistsException ex)
            {
                // Another opener won the race; its cursor is used and the lock decides who owns the spool.
            }
            Files.delete(temp);
            if (force)
            {
                SpoolFolder.sync(directory);
            }
        }
        catch (final IOException ex)
        {
            deleteQuietly(temp);
            throw new ChannelFileException(path, "cannot create spool cursor: directory=" + directory + ": " + ex, ex);
        }
    }

    private static void fillSlot(final ByteBuffer into, final long generation, final long sequence, final CRC32C crc)
    {
        into.clear();
        for (int i = 0; i < SLOT_LENGTH; i += Long.BYTES)
        {
            into.putLong(i, 0);
        }
        into.putLong(GENERATION_OFFSET, generation);
        into.putLong(SEQUENCE_OFFSET, sequence);
        crc.reset();
        into.limit(CRC_COVERED_LENGTH);
        crc.update(into);
        into.clear();
        into.putInt(CRC_OFFSET, (int)crc.getValue());
    }

    private static void writeFully(final FileChannel channel, final ByteBuffer buffer, final long position)
        throws IOException
    {
        buffer.clear();
        long at = position;
        while (buffer.hasRemaining())
        {
            at += channel.write(buffer, at);
        }
    }

    private static void deleteStaleTemps(final Path directory)
    {
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(directory, TEMP_PREFIX + "*" + TEMP_SUFFIX))
        {
            for (final Path temp : stale)
            {
                deleteQuietly(temp);
            }
        }
        catch (final IOException ignore)
        {
            // A leftover temp only wastes 96 bytes; it is never taken for the cursor.
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
            // Best effort.
        }
    }
}
