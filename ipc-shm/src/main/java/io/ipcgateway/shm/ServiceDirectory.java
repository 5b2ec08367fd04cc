package io.ipcgateway.shm;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.Durations;
import io.ipcgateway.core.IpcException;

/**
 * The folders of the transport: {@code baseDirectory/serviceName/} holding {@value #SERVER_FILE_NAME} and one
 * {@code client-<pid>-<n>.ipc} per client. Folders are created owner-only (0700) or, in group mode, 0770 with the
 * group set, whatever the umask; links and folders owned by another user are refused.
 */
final class ServiceDirectory
{
    static final String SERVER_FILE_NAME = "server.ipc";

    private static final System.Logger LOGGER = System.getLogger(ServiceDirectory.class.getName());

    private ServiceDirectory()
    {
    }

    static Path serverFile(final Path serviceDirectory)
    {
        return serviceDirectory.resolve(SERVER_FILE_NAME);
    }

    /**
     * Creates the folder (and missing parents) owner-only, or checks an existing one.
     */
    static void ensureDirectory(final Path directory)
    {
        ensureDirectory(directory, FileAccess.OWNER_ONLY);
    }

    /**
     * Creates the folder (and missing parents) with the given access, or checks an existing one and sets its mode
     * again when it is ours (a folder left by an earlier run in another mode). An existing parent must belong to
     * this user, to root, or in group mode to the group.
     *
     * @param directory the folder.
     * @param access    owner-only or group mode.
     */
    static void ensureDirectory(final Path directory, final FileAccess access)
    {
        final Path parent = directory.toAbsolutePath().getParent();
        if (parent != null)
        {
            if (Files.exists(parent, LinkOption.NOFOLLOW_LINKS))
            {
                access.checkParent(parent);
            }
            else
            {
                ensureDirectory(parent, access);
            }
        }
        try
        {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(access.directoryPermissions()));
            access.applyTo(directory, true);
        }
        catch (final FileAlreadyExistsException ex)
        {
            checkExistingDirectory(directory, access);
        }
        catch (final IOException ex)
        {
            throw new IpcException("cannot create directory: dir=" + directory + " access=" + access + " cause=" + ex
                + ": check permissions, or set " + ShmConfiguration.BASE_DIR_PROP_NAME + " to a writable folder", ex);
        }
    }

    private static void checkExistingDirectory(final Path directory, final FileAccess access)
    {
        access.checkExisting(directory, "service folder");
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS))
        {
            throw new ChannelFileException(directory, "exists but is not a directory: found "
                + FileAccess.describe(directory) + ": remove it or choose another");
        }
        if (ProcessInfo.uidOf(directory) == ProcessInfo.currentUid())
        {
            try
            {
                access.applyTo(directory, true);
            }
            catch (final IOException ex)
            {
                throw new ChannelFileException(directory, "cannot set access " + access + ": " + ex, ex);
            }
        }
    }

    /**
     * Removes the server file of a dead owner so a new server can start; refuses when its owner is alive.
     */
    static void removeStaleServerFile(final Path serverFile)
    {
        removeStaleServerFile(serverFile, FileAccess.OWNER_ONLY);
    }

    /**
     * Removes the server file of a dead owner so a new server can start, and logs what it knew of that owner (one
     * WARNING line); refuses when its owner is alive, and refuses a link or a file of another user rather than
     * deleting it.
     *
     * @param serverFile the server file.
     * @param access     who may own it.
     */
    static void removeStaleServerFile(final Path serverFile, final FileAccess access)
    {
        if (!Files.exists(serverFile, LinkOption.NOFOLLOW_LINKS))
        {
            return;
        }
        access.checkExisting(serverFile, "server file");
        String staleInfo;
        try (ChannelFile existing = ChannelFile.open(serverFile, ChannelDescriptor.TYPE_SERVER))
        {
            // An owner in another pid namespace is judged by its heartbeat, against the default liveness timeout.
            if (ProcessInfo.isOwnerAlive(existing, System.nanoTime(), ShmConfiguration.LIVENESS_TIMEOUT_DEFAULT_NS) &&
                !existing.isClosedByOwner())
            {
                throw new ChannelFileException(serverFile, "service already running: ownerPid=" + existing.ownerPid()
                    + " ownerUid=" + existing.ownerUid() + ": stop it first, or use another service name");
            }
            staleInfo = "ownerPid=" + existing.ownerPid() + " ownerUid=" + existing.ownerUid() + " closedByOwner="
                + existing.isClosedByOwner() + " heartbeatAge="
                + Durations.format(System.nanoTime() - existing.heartbeatNs()) + " errors="
                + ShmObserver.errorCount(existing);
        }
        catch (final ChannelFile.NotReadyException ex)
        {
            // Half-written by a process that died during creation (or still creating: the delete below then makes
            // that process fail on its own open), so it is safe to replace.
            staleInfo = "incomplete file: " + ex.getMessage();
        }
        catch (final ChannelFileException ex)
        {
            if (ex.getMessage().contains("service already running"))
            {
                throw ex;
            }
            staleInfo = "invalid file: " + ex.getMessage();
        }
        LOGGER.log(System.Logger.Level.WARNING, "replacing stale service of a dead owner: dir="
            + serverFile.toAbsolutePath().getParent() + " " + staleInfo);
        ChannelFile.deleteQuietly(serverFile);
        ChannelFile.deleteQuietly(serverFile.resolveSibling(serverFile.getFileName() + ".wake"));
    }

    /**
     * Removes client files whose owner process is gone.
     */
    static void removeStaleClientFiles(final Path serviceDirectory)
    {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(serviceDirectory, "client-*.ipc"))
        {
            for (final Path file : files)
            {
                final String[] parts = file.getFileName().toString().split("[-.]");
                try
                {
                    final long pid = Long.parseLong(parts[1]);
                    if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    {
                        ChannelFile.deleteQuietly(file);
                        ChannelFile.deleteQuietly(file.resolveSibling(file.getFileName() + ".wake"));
                    }
                }
                catch (final RuntimeException ignore)
                {
                    // Not a name we create: leave it alone.
                }
            }
        }
        catch (final IOException ignore)
        {
            // Best effort: stale files only cost memory.
        }
    }

    /**
     * Deletes the service folder when it is empty (other clients may still own files in it).
     */
    static void deleteIfEmpty(final Path serviceDirectory)
    {
        try
        {
            Files.deleteIfExists(serviceDirectory);
        }
        catch (final IOException ignore)
        {
            // Not empty: the last process to leave removes it.
        }
    }
}
