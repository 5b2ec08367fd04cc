package io.ipcgateway.core;

import java.nio.file.Path;

/**
 * A claim was committed after the reader had given up on it: the producer held it (stopped, paused or descheduled)
 * longer than the reader's unblock timeout, so the reader skipped the slot and the ring may have reused it since.
 * Nothing was published and nothing was written into the ring by the failed commit; the message is lost and may be
 * sent again.
 */
public class StaleClaimException extends ChannelFileException
{
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param file    the channel file holding the ring.
     * @param message which claim (with {@code key=value} context); the file is prepended.
     */
    public StaleClaimException(final Path file, final String message)
    {
        super(file, message);
    }
}
