package io.ipcgateway.audit.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

import io.ipcgateway.audit.AuditSegmentDescriptor;
import io.ipcgateway.core.ChannelFileException;
import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Writes records to the active segment through its {@link FileChannel} (positional writes, then {@code fdatasync})
 * instead of stores into its mapping; used under the durable policies.
 * <p>
 * Why: a page of a shared file mapping that was written back is write-protected again, and the next store into it
 * faults into the filesystem ({@code page_mkwrite}); with a force every millisecond or every record, every few
 * records paid that fault (tens of microseconds on ext4) and every force waited longer for pages dirtied through the
 * mapping than for the same bytes written with {@code pwrite} (measured on this VM's ext4: a force per record 0.9 ms
 * against 0.2 ms; a 1 ms group commit of 128-byte records without a hash 0.20-0.26M records/s against 2.1-2.3M).
 * <p>
 * Records are composed in a direct staging buffer ({@link #reserve(int)} then {@link #commit(int)}) and written by
 * {@link #flush()} in two writes: everything but the first record's length word, then that word. A reader scanning
 * the file in order stops at the first length word until the whole batch is in the file, as it stopped at a record
 * whose length was not yet stored through the mapping. Not thread-safe: the owner serialises calls.
 */
public final class StagedSegmentWriter implements AutoCloseable
{
    /** Staging bytes: records gathered between two writes to the file. */
    public static final int DEFAULT_STAGING_BYTES = 256 * 1024;

    private ByteBuffer bytes;
    private ByteBuffer view;
    private UnsafeBuffer staging;
    private FileChannel channel;
    private Path path;
    private long fileOffset;
    private int length;

    /**
     * A writer with {@link #DEFAULT_STAGING_BYTES} of staging.
     */
    public StagedSegmentWriter()
    {
        allocate(DEFAULT_STAGING_BYTES);
    }

    private void allocate(final int capacity)
    {
        bytes = ByteBuffer.allocateDirect(capacity);
        view = bytes.duplicate();
        staging = new UnsafeBuffer(bytes);
    }

    /**
     * Starts writing a segment (flush and {@link #close()} the previous one first).
     *
     * @param segmentPath the segment, for error messages.
     * @param segment     an open read/write channel to it; this writer closes it.
     * @param offset      where the next record goes in the file.
     */
    public void attach(final Path segmentPath, final FileChannel segment, final int offset)
    {
        this.path = segmentPath;
        this.channel = segment;
        this.fileOffset = offset;
        this.length = 0;
    }

    /**
     * Makes room for a record of {@code alignedLength} bytes at {@link #stagedLength()} in {@link #staging()},
     * writing what is staged to the file first when it does not fit (and growing the staging when the record alone
     * is larger than it). The bytes of the room are not cleared.
     *
     * @param alignedLength the record's length, padded.
     * @return the staging buffer.
     */
    public UnsafeBuffer reserve(final int alignedLength)
    {
        if (length + alignedLength > staging.capacity())
        {
            flush();
            if (alignedLength > staging.capacity())
            {
                allocate(BitUtil.findNextPositivePowerOfTwo(alignedLength));
            }
        }
        return staging;
    }

    /**
     * The staging buffer (valid until the next {@link #reserve(int)}).
     *
     * @return it.
     */
    public UnsafeBuffer staging()
    {
        return staging;
    }

    /**
     * Bytes staged and not yet written; where the next reserved record starts in the staging buffer.
     *
     * @return bytes.
     */
    public int stagedLength()
    {
        return length;
    }

    /**
     * Adds the record composed at {@link #stagedLength()} to what {@link #flush()} writes.
     *
     * @param alignedLength its length, padded.
     */
    public void commit(final int alignedLength)
    {
        length += alignedLength;
    }

    /**
     * Writes what is staged to the file (the page cache): the batch but its first length word, then that word.
     * Kept staged when a write fails, so a retry writes it.
     *
     * @throws ChannelFileException when writing fails.
     */
    public void flush()
    {
        if (length == 0)
        {
            return;
        }
        try
        {
            writeFully(AuditSegmentDescriptor.LENGTH_OFFSET + Integer.BYTES, length);
            writeFully(AuditSegmentDescriptor.LENGTH_OFFSET, AuditSegmentDescriptor.LENGTH_OFFSET + Integer.BYTES);
        }
        catch (final IOException ex)
        {
            throw new ChannelFileException(path, "cannot write audit records: offset=" + fileOffset + " bytes="
                + length + " " + ex, ex);
        }
        fileOffset += length;
        length = 0;
    }

    private void writeFully(final int from, final int to) throws IOException
    {
        view.limit(to).position(from);
        long at = fileOffset + from;
        while (view.hasRemaining())
        {
            at += channel.write(view, at);
        }
    }

    /**
     * Forces what was written to the disk ({@code fdatasync}: the segment's blocks are allocated and written when it
     * is created, so no metadata needs to go with the data).
     *
     * @throws ChannelFileException when the force fails.
     */
    public void force()
    {
        try
        {
            channel.force(false);
        }
        catch (final IOException ex)
        {
            throw new ChannelFileException(path, "cannot force audit segment to disk: " + ex, ex);
        }
    }

    /**
     * Where the next record goes in the file once the staged ones are written.
     *
     * @return file offset.
     */
    public long endOffset()
    {
        return fileOffset + length;
    }

    /**
     * Closes the segment's channel (without flushing: call {@link #flush()} first).
     */
    @Override
    public void close()
    {
        final FileChannel open = channel;
        channel = null;
        AuditFiles.closeQuietly(open);
    }
}
