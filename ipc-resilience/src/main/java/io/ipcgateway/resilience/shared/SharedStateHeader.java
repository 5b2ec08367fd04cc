package io.ipcgateway.resilience.shared;

import java.nio.file.Path;

import io.ipcgateway.core.ChannelFileException;
import org.agrona.concurrent.UnsafeBuffer;

import static io.ipcgateway.resilience.shared.SharedStateDescriptor.BODY_LENGTH_OFFSET;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.CREATOR_PID_OFFSET;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.HEADER_LENGTH;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.HEADER_LENGTH_OFFSET;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.INITIALISED;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.INITIALISED_OFFSET;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.KIND_OFFSET;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.LAYOUT_VERSION;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.MAGIC;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.MAGIC_OFFSET;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.MAX_BODY_LENGTH;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.VERSION_OFFSET;

/**
 * The checks of a shared state file's header that every reader makes, whether it opens the file to use the state
 * ({@link SharedStateFile}) or only to look at it ({@link SharedStateView}): one place, so the two cannot drift.
 * Each failure names the file, the value found and the value expected.
 */
final class SharedStateHeader
{
    private SharedStateHeader()
    {
    }

    /**
     * Checks magic, layout version, kind, header length, body length (range and alignment) and that the file is
     * exactly header plus body long.
     *
     * @param path       the file, for messages.
     * @param header     its header, {@link SharedStateDescriptor#HEADER_LENGTH} bytes.
     * @param fileLength the file's length.
     * @param kind       the kind the caller expects.
     * @return the body length the header declares.
     * @throws ChannelFileException naming the file and the first mismatch.
     */
    static int validate(final Path path, final UnsafeBuffer header, final long fileLength, final SharedStateKind kind)
    {
        final long magic = header.getLongAcquire(MAGIC_OFFSET);
        if (magic != MAGIC)
        {
            throw new ChannelFileException(path, "not an IPC Gateway shared state file (or still being created): "
                + "magic=0x" + Long.toHexString(magic) + " expected=0x" + Long.toHexString(MAGIC)
                + ": remove it or use another name");
        }
        final int version = header.getInt(VERSION_OFFSET);
        if (version != LAYOUT_VERSION)
        {
            throw new ChannelFileException(path, "layout version mismatch: version=" + version + " expected="
                + LAYOUT_VERSION + ": written by another IPC Gateway version; run the same version in every process,"
                + " or remove the file");
        }
        final int foundKind = header.getInt(KIND_OFFSET);
        if (foundKind != kind.code())
        {
            throw new ChannelFileException(path, "wrong kind: kind=" + SharedStateKind.nameOf(foundKind) + " expected="
                + kind.name());
        }
        final int headerLength = header.getInt(HEADER_LENGTH_OFFSET);
        final int bodyLength = header.getInt(BODY_LENGTH_OFFSET);
        if (headerLength != HEADER_LENGTH || bodyLength < Long.BYTES || bodyLength > MAX_BODY_LENGTH ||
            (bodyLength & (Long.BYTES - 1)) != 0 || fileLength != SharedStateDescriptor.fileLength(bodyLength))
        {
            throw new ChannelFileException(path, "size mismatch: headerLength=" + headerLength + " bodyLength="
                + bodyLength + " length=" + fileLength + " expected headerLength=" + HEADER_LENGTH
                + ", bodyLength 8 to " + MAX_BODY_LENGTH + " (a multiple of 8) and length=headerLength+bodyLength: "
                + "the file is damaged; remove it");
        }
        return bodyLength;
    }

    /**
     * Whether the creator has finished writing the body (acquire: its writes are visible when true).
     *
     * @param header the header.
     * @return true once initialised.
     */
    static boolean isInitialised(final UnsafeBuffer header)
    {
        return header.getIntAcquire(INITIALISED_OFFSET) == INITIALISED;
    }

    /**
     * The error for a file whose creator has not set the initialised flag.
     *
     * @param path   the file.
     * @param header its header.
     * @return the exception to throw.
     */
    static ChannelFileException notInitialised(final Path path, final UnsafeBuffer header)
    {
        return new ChannelFileException(path, "not initialised: its creator (pid=" + header.getLong(CREATOR_PID_OFFSET)
            + ") has not finished writing it, or died doing so");
    }
}
