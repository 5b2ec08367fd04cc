package io.ipcgateway.resilience.shared;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.ipcgateway.core.ChannelFileException;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import static io.ipcgateway.resilience.shared.SharedStateDescriptor.CREATION_TIME_OFFSET;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.CREATOR_PID_OFFSET;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.CREATOR_UID_OFFSET;
import static io.ipcgateway.resilience.shared.SharedStateDescriptor.HEADER_LENGTH;

/**
 * A read-only look at a shared state file, for tools outside the processes that use it ({@code bin/ipc stat}):
 * the file is mapped {@code READ_ONLY}, so the observer can never change the state, and its header is validated
 * (magic, layout version, kind, lengths, initialised flag) before the body is handed out. The kind's own reader
 * decodes the body (e.g. {@code SharedCircuitBreakerSnapshot}, {@code SharedRateLimiterSnapshot}).
 */
public final class SharedStateView implements AutoCloseable
{
    private final Path path;
    private final SharedStateKind kind;
    private final String name;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer header;
    private final UnsafeBuffer body;
    private boolean closed;

    private SharedStateView(final Path path, final SharedStateKind kind, final String name,
        final MappedByteBuffer mapped, final int bodyLength)
    {
        this.path = path;
        this.kind = kind;
        this.name = name;
        this.mapped = mapped;
        this.header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
        this.body = new UnsafeBuffer(mapped, HEADER_LENGTH, bodyLength);
    }

    /**
     * The shared state files of a folder: regular files (not links) named {@code <name>.breaker} or
     * {@code <name>.limiter}, sorted by file name.
     *
     * @param directory the folder, e.g. {@link SharedStateOptions#baseDirectory()}.
     * @return the files; empty when the folder does not exist.
     * @throws ChannelFileException naming the folder when it cannot be listed.
     */
    public static List<Path> list(final Path directory)
    {
        final List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(directory))
        {
            return files;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory))
        {
            for (final Path entry : entries)
            {
                if (kindOf(entry) != null && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS))
                {
                    files.add(entry);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new ChannelFileException(directory, "cannot list the shared state folder: " + ex, ex);
        }
        files.sort(null);
        return files;
    }

    /**
     * Maps a shared state file read-only and validates its header.
     *
     * @param path the file.
     * @return the view; close it to unmap.
     * @throws ChannelFileException naming the file and the mismatch when it is not a complete shared state file of
     *                              this layout version.
     */
    public static SharedStateView open(final Path path)
    {
        final SharedStateKind expected = kindOf(path);
        if (expected == null)
        {
            throw new ChannelFileException(path, "not a shared state file name: expected <name>.breaker or "
                + "<name>.limiter");
        }
        final String fileName = path.getFileName().toString();
        final String name = fileName.substring(0, fileName.length() - expected.suffix().length());
        try (FileChannel channel = FileChannel.open(
            path, Set.<OpenOption>of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)))
        {
            final long size = channel.size();
            if (size < HEADER_LENGTH)
            {
                throw new ChannelFileException(path, "too short for a header: length=" + size + " expected at least "
                    + HEADER_LENGTH);
            }
            final MappedByteBuffer headerMap = channel.map(FileChannel.MapMode.READ_ONLY, 0, HEADER_LENGTH);
            final int bodyLength;
            try
            {
                bodyLength = validate(path, new UnsafeBuffer(headerMap, 0, HEADER_LENGTH), size, expected);
            }
            finally
            {
                IoUtil.unmap(headerMap);
            }
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            return new SharedStateView(path, expected, name, mapped, bodyLength);
        }
        catch (final NoSuchFileException ex)
        {
            throw new ChannelFileException(path, "the shared state file is gone (deleted while listed)", ex);
        }
        catch (final IOException ex)
        {
            throw new ChannelFileException(path, "cannot open the shared state file read-only: " + ex, ex);
        }
    }

    private static int validate(
        final Path path, final UnsafeBuffer header, final long size, final SharedStateKind expected)
    {
        final int bodyLength = SharedStateHeader.validate(path, header, size, expected);
        if (!SharedStateHeader.isInitialised(header))
        {
            throw SharedStateHeader.notInitialised(path, header);
        }
        return bodyLength;
    }

    private static SharedStateKind kindOf(final Path path)
    {
        final Path fileName = path.getFileName();
        if (fileName == null)
        {
            return null;
        }
        final String name = fileName.toString();
        for (final SharedStateKind kind : SharedStateKind.values())
        {
            if (name.endsWith(kind.suffix()) && name.length() > kind.suffix().length() && name.charAt(0) != '.')
            {
                return kind;
            }
        }
        return null;
    }

    /**
     * The file.
     *
     * @return its path.
     */
    public Path path()
    {
        return path;
    }

    /**
     * What the file holds (checked against the file name's suffix).
     *
     * @return the kind.
     */
    public SharedStateKind kind()
    {
        return kind;
    }

    /**
     * The name the processes share, from the file name.
     *
     * @return the name.
     */
    public String name()
    {
        return name;
    }

    /**
     * The pid of the process that created the file.
     *
     * @return the pid.
     */
    public long creatorPid()
    {
        return header.getLong(CREATOR_PID_OFFSET);
    }

    /**
     * The uid of the process that created the file (-1 when unknown).
     *
     * @return the uid.
     */
    public int creatorUid()
    {
        return header.getInt(CREATOR_UID_OFFSET);
    }

    /**
     * When the file was created (wall clock, for people).
     *
     * @return epoch milliseconds.
     */
    public long creationTimeMs()
    {
        return header.getLong(CREATION_TIME_OFFSET);
    }

    /**
     * The body, mapped read-only: read it only (a write would fault). Valid until {@link #close()}.
     *
     * @return the body.
     */
    public UnsafeBuffer body()
    {
        return body;
    }

    /**
     * Unmaps the file. Idempotent.
     */
    @Override
    public synchronized void close()
    {
        if (!closed)
        {
            closed = true;
            IoUtil.unmap(mapped);
        }
    }

    @Override
    public String toString()
    {
        return "SharedStateView{path=" + path + ", kind=" + kind + '}';
    }
}
