package io.ipcgateway.core;

/**
 * The channel side of a {@link MessageClaim}: publishes or discards the claimed region.
 * Implemented by transports; applications use {@link MessageClaim#commit()} and {@link MessageClaim#abort()}.
 */
public interface ClaimCompleter
{
    /**
     * Publishes the claimed region so the reader sees it (and wakes a sleeping reader).
     *
     * @param index offset of the claimed region in the channel buffer, as handed to {@link MessageClaim#wrap}.
     */
    void commit(int index);

    /**
     * Discards the claimed region; the reader skips it.
     *
     * @param index offset of the claimed region in the channel buffer, as handed to {@link MessageClaim#wrap}.
     */
    void abort(int index);
}
