package io.ipcgateway.audit.internal;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

import io.ipcgateway.core.ChannelFileException;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One segment file mapped into memory, read-only or read/write. Unmapped by {@link #close()}; the owner makes sure
 * nobody uses the buffer after that.
 */
public final class MappedSegment implements AutoCloseable
{
    /** The page size pre-touching steps by (4 KiB, the smallest on Linux/x86-64 and AArch64). */
    public static final int PAGE_SIZE = 4096;

    private final Path path;
    private final long firstSequence;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer buffer;
    private boolean closed;

    private MappedSegment(final Path path, final long firstSequence, final MappedByteBuffer mapped)
    {
        this.path = path;
        this.firstSequence = firstSequence;
        this.mapped = mapped;
        this.buffer = new UnsafeBuffer(mapped);
    }

    /**
     * Maps a file read/write, over its first {@code length} bytes.
     *
     * @param path          the file.
     * @param firstSequence its first sequence (from its name).
     * @param channel       an open read/write channel to it.
     * @param length        bytes to map.
     * @return the mapping.
     */
    public static MappedSegment mapReadWrite(
        final Path path, final long firstSequence, final FileChannel channel, final long length)
    {
        try
        {
            return new MappedSegment(path, firstSequence, channel.map(FileChannel.MapMode.READ_WRITE, 0, length));
        }
        catch (final IOException ex)
        {
            throw new ChannelFileException(path, "cannot map audit segment: length=" + length + " " + ex, ex);
        }
    }

    /**
     * Maps an existing file read-only, over its current length (at most 1 GiB).
     *
     * @param path          the file.
     * @param firstSequence its first sequence (from its name).
     * @return the mapping.
     * @throws IOException when it cannot be opened (e.g. deleted meanwhile).
     */
    public static MappedSegment mapReadOnly(final Path path, final long firstSequence) throws IOException
    {
        try (FileChannel channel = AuditFiles.openRead(path))
        {
            final long length = Math.min(channel.size(), 1L << 30);
            return new MappedSegment(path, firstSequence, channel.map(FileChannel.MapMode.READ_ONLY, 0, length));
        }
    }

    /**
     * The same mapping under another name (a preallocated file once it is linked as a segment). Only the returned
     * object may be closed from then on.
     *
     * @param newPath          the file's new name.
     * @param newFirstSequence the first sequence in that name.
     * @return a segment over the same mapping.
     */
    public MappedSegment renamed(final Path newPath, final long newFirstSequence)
    {
        return new MappedSegment(newPath, newFirstSequence, mapped);
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
     * The first sequence in its name.
     *
     * @return sequence.
     */
    public long firstSequence()
    {
        return firstSequence;
    }

    /**
     * The mapped bytes.
     *
     * @return a buffer over the whole mapping.
     */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    /**
     * Mapped length.
     *
     * @return bytes.
     */
    public int length()
    {
        return buffer.capacity();
    }

    /**
     * Forces a range of the mapping to the disk ({@code msync}).
     *
     * @param from first byte.
     * @param to   end, exclusive.
     */
    public void force(final int from, final int to)
    {
        if (to > from)
        {
            mapped.force(from, to - from);
        }
    }

    /**
     * Faults in, writable, every page of {@code [from, to)} that is still all zero at its first word, without changing
     * a byte: a compare-and-set of 0 to 0 on each page's first long needs write access (so the kernel maps the page
     * writable now) but leaves a word that someone already wrote alone. Appends into a pre-touched range then run
     * without a page fault per 4 KiB, which otherwise costs more than the record itself.
     *
     * @param from first byte.
     * @param to   end, exclusive.
     */
    public void pretouch(final int from, final int to)
    {
        final int end = Math.min(to, buffer.capacity() - Long.BYTES + 1);
        for (int page = (from + PAGE_SIZE - 1) & -PAGE_SIZE; page < end; page += PAGE_SIZE)
        {
            buffer.compareAndSetLong(page, 0, 0);
        }
    }

    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            IoUtil.unmap(mapped);
        }
    }
}
