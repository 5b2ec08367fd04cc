package io.ipcgateway.audit;

import java.nio.file.Path;

import io.ipcgateway.core.IpcException;

/**
 * The audit log's folder has no room for the next segment (or its index). Nothing was written: the record that
 * needed the room was not appended, everything appended before stays readable, and appending works again once space
 * is freed. Names the folder and the bytes needed.
 */
public class AuditDiskFullException extends IpcException
{
    private static final long serialVersionUID = 1L;

    private final String directory;
    private final long bytesNeeded;

    /**
     * Creates the exception.
     *
     * @param directory   the log's folder.
     * @param bytesNeeded bytes the new file needed.
     * @param cause       the underlying I/O failure.
     */
    public AuditDiskFullException(final Path directory, final long bytesNeeded, final Throwable cause)
    {
        super("audit log disk full: directory=" + directory + " bytesNeeded=" + bytesNeeded + " cause=" + cause
            + ": free space there (df " + directory + "), lower the retention size, or use smaller segments", cause);
        this.directory = String.valueOf(directory);
        this.bytesNeeded = bytesNeeded;
    }

    /**
     * The log's folder.
     *
     * @return its path as text.
     */
    public String directory()
    {
        return directory;
    }

    /**
     * Bytes the new file needed.
     *
     * @return bytes.
     */
    public long bytesNeeded()
    {
        return bytesNeeded;
    }
}
