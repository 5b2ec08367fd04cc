package io.ipcgateway.bench.audit;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * The physical reference the audit log is measured against: the least a checksummed append-only file can cost
 * through a {@link FileChannel}. Records are framed as {@code length, crc32c, sequence, timestamp, payload},
 * padded to 8 bytes, gathered in a 64 KiB direct buffer and written when it fills (page-cache append), after at
 * least {@code groupCommitNanos} with a {@code force} (group commit), or one by one with a {@code force} each
 * (fsync per record). No hash chain, no index, no rotation: the floor, not a competitor.
 * <p>
 * Thread-safe through one monitor, so several writer threads take turns; a real log would need at least that.
 */
public final class PlainLogWriter implements Closeable
{
    /** Bytes before the payload: length, CRC32C, sequence, timestamp. */
    public static final int HEADER_LENGTH = 24;
    /** Records start at multiples of this. */
    public static final int ALIGNMENT = 8;
    /** The gathering buffer. */
    public static final int BATCH_BYTES = 64 * 1024;

    /** When a record is forced to the device. */
    public enum Durability
    {
        /** Never: the page cache only. */
        NONE,
        /** At the first append at least the group-commit interval after the previous force. */
        GROUP,
        /** After every record, before {@code append} returns. */
        EVERY_RECORD
    }

    private final FileChannel channel;
    private final ByteBuffer batch = ByteBuffer.allocateDirect(BATCH_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer crcView = batch.duplicate();
    private final CRC32C crc = new CRC32C();
    private final Durability durability;
    private final long groupCommitNanos;
    private long sequence;
    private long lastForceNanos = System.nanoTime();
    private long forces;

    /**
     * Create the file (it must not exist) and open it for appending.
     *
     * @param file             the log file.
     * @param durability       when to force.
     * @param groupCommitNanos the group-commit interval, used with {@link Durability#GROUP}.
     * @throws IOException when the file cannot be created.
     */
    public PlainLogWriter(final Path file, final Durability durability, final long groupCommitNanos)
        throws IOException
    {
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        this.durability = durability;
        this.groupCommitNanos = groupCommitNanos;
    }

    /**
     * A writer with a 1 ms group commit.
     *
     * @param file       the log file.
     * @param durability when to force.
     * @return the writer.
     * @throws IOException when the file cannot be created.
     */
    public static PlainLogWriter open(final Path file, final Durability durability) throws IOException
    {
        return new PlainLogWriter(file, durability, TimeUnit.MILLISECONDS.toNanos(1));
    }

    /**
     * Frame, checksum and append one record; force it when the durability asks.
     *
     * @param payload the bytes between its position and limit; its position is restored.
     * @return the record's sequence.
     * @throws IOException when writing or forcing fails.
     */
    public synchronized long append(final ByteBuffer payload) throws IOException
    {
        final int length = payload.remaining();
        final int framed = (HEADER_LENGTH + length + ALIGNMENT - 1) & -ALIGNMENT;
        if (batch.remaining() < framed)
        {
            flush();
        }
        final int start = batch.position();
        final long seq = sequence++;
        batch.putInt(start, length);
        batch.putLong(start + 8, seq);
        batch.putLong(start + 16, System.currentTimeMillis() * 1_000_000L);
        final int payloadPosition = payload.position();
        batch.position(start + HEADER_LENGTH);
        batch.put(payload);
        payload.position(payloadPosition);
        crc.reset();
        crcView.limit(start + HEADER_LENGTH + length).position(start + 8);
        crc.update(crcView);
        batch.putInt(start + 4, (int)crc.getValue());
        batch.position(start + framed);
        switch (durability)
        {
            case EVERY_RECORD -> force();
            case GROUP ->
            {
                if (System.nanoTime() - lastForceNanos >= groupCommitNanos)
                {
                    force();
                }
            }
            default ->
            {
            }
        }
        return seq;
    }

    /**
     * Write what is gathered to the file (the page cache).
     *
     * @throws IOException when writing fails.
     */
    public synchronized void flush() throws IOException
    {
        batch.flip();
        while (batch.hasRemaining())
        {
            channel.write(batch);
        }
        batch.clear();
    }

    private void force() throws IOException
    {
        flush();
        channel.force(false);
        lastForceNanos = System.nanoTime();
        forces++;
    }

    /**
     * How many times the file was forced.
     *
     * @return the count.
     */
    public synchronized long forces()
    {
        return forces;
    }

    /**
     * Records appended so far.
     *
     * @return the count.
     */
    public synchronized long records()
    {
        return sequence;
    }

    /**
     * Write what is gathered and close the file.
     *
     * @throws IOException when writing fails.
     */
    @Override
    public synchronized void close() throws IOException
    {
        try
        {
            flush();
        }
        finally
        {
            channel.close();
        }
    }
}
