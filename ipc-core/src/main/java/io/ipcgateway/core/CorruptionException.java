package io.ipcgateway.core;

import java.nio.file.Path;

/**
 * Data read from a channel file is not valid (a header field or record out of range). Names the file and the
 * offset of the bad data; the peer that wrote it should be treated as faulty and dropped.
 */
public class CorruptionException extends ChannelFileException
{
    private static final long serialVersionUID = 1L;

    private final long offset;

    /**
     * Creates the exception.
     *
     * @param file    the file holding the bad data.
     * @param offset  offset of the bad data in the file.
     * @param message what is wrong, with {@code key=value} context.
     */
    public CorruptionException(final Path file, final long offset, final String message)
    {
        super(file, "offset=" + offset + ": " + message);
        this.offset = offset;
    }

    /**
     * Offset of the bad data in the file.
     *
     * @return the offset in bytes.
     */
    public long offset()
    {
        return offset;
    }
}
