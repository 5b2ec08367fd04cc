package io.ipcgateway.core;

import org.agrona.MutableDirectBuffer;

/**
 * A zero-copy window into a channel: write the message in place at {@code buffer()[offset(), offset() + length())},
 * then call {@link #commit()} to publish it or {@link #abort()} to discard it. Exactly one of the two must be called,
 * promptly: the reader cannot pass an uncommitted claim.
 * <p>
 * Reusable and not thread-safe: keep one per thread and pass it to {@code tryClaim} again after completing it.
 */
public final class MessageClaim
{
    private ClaimCompleter completer;
    private MutableDirectBuffer buffer;
    private int offset;
    private int length;
    private long token;

    /**
     * Points this claim at a claimed region. Called by transports.
     *
     * @param completer publishes or discards the region.
     * @param buffer    the channel buffer holding the region.
     * @param offset    offset of the region in {@code buffer}.
     * @param length    length of the region in bytes.
     */
    public void wrap(
        final ClaimCompleter completer, final MutableDirectBuffer buffer, final int offset, final int length)
    {
        wrap(completer, buffer, offset, length, 0);
    }

    /**
     * Points this claim at a claimed region the transport recognises by a token. Called by transports.
     *
     * @param completer publishes or discards the region.
     * @param buffer    the channel buffer holding the region.
     * @param offset    offset of the region in {@code buffer}.
     * @param length    length of the region in bytes.
     * @param token     handed back to {@code completer}: lets it tell its own claim from a region that was reused
     *                  since (e.g. the claim's record header as the transport wrote it).
     */
    public void wrap(
        final ClaimCompleter completer,
        final MutableDirectBuffer buffer,
        final int offset,
        final int length,
        final long token)
    {
        this.completer = completer;
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.token = token;
    }

    /**
     * The buffer to write the message into.
     *
     * @return the channel buffer; write only inside {@code [offset(), offset() + length())}.
     */
    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * Where the message starts in {@link #buffer()}.
     *
     * @return offset of the first byte of the message.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * How many bytes were claimed.
     *
     * @return the claimed length in bytes.
     */
    public int length()
    {
        return length;
    }

    /**
     * Whether this claim holds a region that is neither committed nor aborted.
     *
     * @return true between a successful {@code tryClaim} and {@link #commit()}/{@link #abort()}.
     */
    public boolean isActive()
    {
        return completer != null;
    }

    /**
     * Publishes the message.
     *
     * @throws IllegalStateException when the claim is not active.
     * @throws StaleClaimException   when the transport skipped the claim before this commit (the claim was held
     *                               longer than the reader's unblock timeout): nothing is published.
     */
    public void commit()
    {
        final ClaimCompleter completer = take();
        completer.commit(offset, token);
    }

    /**
     * Discards the message.
     *
     * @throws IllegalStateException when the claim is not active.
     */
    public void abort()
    {
        final ClaimCompleter completer = take();
        completer.abort(offset, token);
    }

    private ClaimCompleter take()
    {
        final ClaimCompleter completer = this.completer;
        if (completer == null)
        {
            throw new IllegalStateException("claim is not active: call tryClaim first, and commit or abort only once");
        }
        this.completer = null;
        return completer;
    }
}
