package io.ipcgateway.shm;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A response delivered to {@link ShmClient#requestAsync}: a copy of the bytes (the ring is reused once the future
 * completes). The blocking {@link ShmClient#request} hands out views instead and allocates nothing.
 */
public final class ShmResponse
{
    private final int typeId;
    private final UnsafeBuffer buffer;

    ShmResponse(final int typeId, final DirectBuffer src, final int offset, final int length)
    {
        this.typeId = typeId;
        final byte[] bytes = new byte[length];
        src.getBytes(offset, bytes);
        this.buffer = new UnsafeBuffer(bytes);
    }

    /**
     * Application type id of the response.
     *
     * @return the type id.
     */
    public int typeId()
    {
        return typeId;
    }

    /**
     * The response bytes, from offset 0.
     *
     * @return a buffer of exactly {@link #length()} bytes.
     */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * Length of the response.
     *
     * @return bytes.
     */
    public int length()
    {
        return buffer.capacity();
    }

    /**
     * A copy of the response bytes.
     *
     * @return a new array.
     */
    public byte[] toByteArray()
    {
        final byte[] copy = new byte[buffer.capacity()];
        buffer.getBytes(0, copy);
        return copy;
    }
}
