package io.ipcgateway.core;

import java.nio.file.Path;

/**
 * Memory for a channel file could not be reserved (a full {@code /dev/shm} or quota). Raised at creation, so a
 * full file system never surfaces later as a SIGBUS; the partial file is removed. Names the folder and the bytes
 * needed.
 */
public class StorageException extends IpcException
{
    private static final long serialVersionUID = 1L;

    private final long bytesNeeded;

    /**
     * Creates the exception.
     *
     * @param folder      the folder the file was created in.
     * @param bytesNeeded how many bytes the file needed.
     * @param cause       the underlying I/O failure.
     */
    public StorageException(final Path folder, final long bytesNeeded, final Throwable cause)
    {
        super("cannot reserve shared memory: folder=" + folder + " bytesNeeded=" + bytesNeeded
            + " cause=" + cause + ": free space there (df " + folder + ")"
            + ", use smaller rings, or choose another base directory", cause);
        this.bytesNeeded = bytesNeeded;
    }

    /**
     * How many bytes the file needed.
     *
     * @return the size in bytes.
     */
    public long bytesNeeded()
    {
        return bytesNeeded;
    }
}
