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
     * @param token what the transport handed to {@link MessageClaim#wrap} to recognise its claim.
     */
    void commit(int index, long token);

    /**
     * Discards the claimed region; the reader skips it.
     *
     * @param index offset of the claimed region in the channel buffer, as handed to {@link MessageClaim#wrap}.
     * @param token what the transport handed to {@link MessageClaim#wrap} to recognise its claim.
     */
    void abort(int index, long token);
}
