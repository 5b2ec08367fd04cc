package io.ipcgateway.audit.internal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import org.agrona.DirectBuffer;

/**
 * CRC32C over ranges of an Agrona buffer backed by an array or a {@link ByteBuffer} (a mapped segment), reusing one
 * {@link CRC32C} and one view of the buffer so that checking a record allocates nothing. Not thread-safe.
 */
public final class Checksum
{
    private final CRC32C crc = new CRC32C();
    private ByteBuffer source;
    private ByteBuffer view;

    /**
     * Starts a new checksum.
     *
     * @return this.
     */
    public Checksum reset()
    {
        crc.reset();
        return this;
    }

    /**
     * Adds a range of a buffer.
     *
     * @param buffer buffer backed by an array or a {@link ByteBuffer}.
     * @param index  first byte in the buffer.
     * @param length number of bytes.
     * @return this.
     */
    public Checksum update(final DirectBuffer buffer, final int index, final int length)
    {
        final byte[] array = buffer.byteArray();
        if (array != null)
        {
            crc.update(array, buffer.wrapAdjustment() + index, length);
            return this;
        }
        final ByteBuffer backing = buffer.byteBuffer();
        if (backing == null)
        {
            throw new IllegalArgumentException("buffer must be backed by an array or a ByteBuffer");
        }
        if (backing != source)
        {
            source = backing;
            view = backing.duplicate();
        }
        final int start = buffer.wrapAdjustment() + index;
        view.clear();
        view.limit(start + length).position(start);
        crc.update(view);
        return this;
    }

    /**
     * The checksum of what was added since {@link #reset()}.
     *
     * @return CRC32C as an int.
     */
    public int value()
    {
        return (int)crc.getValue();
    }
}
