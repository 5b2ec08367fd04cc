package io.ipcgateway.examples.gateway.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import io.ipcgateway.core.ChannelFileException;

/** The spool's folder: created 0700 when missing, refused when it is a link, not ours or not writable. */
final class SpoolFolder
{
    static final Set<PosixFilePermission> FOLDER_PERMISSIONS = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE_PERMISSIONS = PosixFilePermissions.fromString("rw-------");

    private SpoolFolder()
    {
    }

    /**
     * Creates the folder when missing and checks it is a folder of this user's that this process can write.
     *
     * @throws ChannelFileException naming the folder and what is wrong.
     */
    static void prepare(final Path directory)
    {
        if (Files.isSymbolicLink(directory))
        {
            throw new ChannelFileException(directory, "spool folder is a symbolic link: refusing to follow it: "
                + "directory=" + directory);
        }
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS))
        {
            create(directory);
        }
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS))
        {
            throw new ChannelFileException(directory, "spool folder path is not a folder: directory=" + directory);
        }
        final int owner = uidOf(directory);
        final int self = uidOf(Paths.get("/proc", Long.toString(ProcessHandle.current().pid())));
        if (owner >= 0 && self >= 0 && owner != self)
        {
            throw new ChannelFileException(directory, "spool folder belongs to someone else: directory=" + directory
                + " ownerUid=" + owner + " processUid=" + self + ": give each gateway a spool folder of its own");
        }
        if (!Files.isWritable(directory) || !Files.isExecutable(directory))
        {
            throw new ChannelFileException(directory, "spool folder is not writable by this process: directory="
                + directory + ": fix its permissions (0700, owned by this user)");
        }
    }

    /**
     * Forces the folder's entries (a file created or linked in it) to the disk.
     */
    static void sync(final Path directory)
    {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException ex)
        {
            throw new ChannelFileException(directory, "cannot sync spool folder: " + ex, ex);
        }
    }

    private static void create(final Path directory)
    {
        try
        {
            final Path parent = directory.toAbsolutePath().getParent();
            if (parent != null)
            {
                Files.createDirectories(parent);
            }
            try
            {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(FOLDER_PERMISSIONS));
            }
            catch (final FileAlreadyExistsException ex)
            {
                // Created meanwhile by someone else: checked like an existing folder.
                return;
            }
            Files.setPosixFilePermissions(directory, FOLDER_PERMISSIONS);
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            throw new ChannelFileException(directory, "cannot create spool folder: directory=" + directory + ": " + ex
                + ": check that its parent exists and is writable", ex);
        }
    }

    private static int uidOf(final Path path)
    {
        try
        {
            return ((Number)Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS)).intValue();
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }
}
