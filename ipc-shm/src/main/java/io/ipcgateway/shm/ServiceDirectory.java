package io.ipcgateway.shm;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.IpcException;

/**
 * The folders of the transport: {@code baseDirectory/serviceName/} holding {@value #SERVER_FILE_NAME} and one
 * {@code client-<pid>-<n>.ipc} per client. Folders are created owner-only (0700); links and folders owned by
 * another user are refused.
 */
final class ServiceDirectory
{
    static final String SERVER_FILE_NAME = "server.ipc";

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
        final Path parent = directory.toAbsolutePath().getParent();
        if (parent != null && !Files.exists(parent, LinkOption.NOFOLLOW_LINKS))
        {
            ensureDirectory(parent);
        }
        try
        {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(ChannelFile.DIR_PERMISSIONS));
        }
        catch (final FileAlreadyExistsException ex)
        {
            checkExistingDirectory(directory);
        }
        catch (final IOException ex)
        {
            throw new IpcException("cannot create directory: dir=" + directory + " cause=" + ex
                + ": check permissions, or set " + ShmConfiguration.BASE_DIR_PROP_NAME + " to a writable folder", ex);
        }
    }

    private static void checkExistingDirectory(final Path directory)
    {
        if (Files.isSymbolicLink(directory))
        {
            throw new ChannelFileException(directory, "refusing a symbolic link as a service folder: remove it");
        }
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS))
        {
            throw new ChannelFileException(directory, "exists but is not a directory: remove it or choose another");
        }
        final int owner = ProcessInfo.uidOf(directory);
        final int self = ProcessInfo.currentUid();
        if (owner >= 0 && self >= 0 && owner != self)
        {
            throw new ChannelFileException(directory, "owned by another user: ownerUid=" + owner + " uid=" + self
                + ": choose another base directory");
        }
    }

    /**
     * Removes the server file of a dead owner so a new server can start; refuses when its owner is alive.
     */
    static void removeStaleServerFile(final Path serverFile)
    {
        if (!Files.exists(serverFile, LinkOption.NOFOLLOW_LINKS))
        {
            return;
        }
        try (ChannelFile existing = ChannelFile.open(serverFile, ChannelDescriptor.TYPE_SERVER))
        {
            if (ProcessInfo.isAlive(existing.ownerPid(), existing.ownerStartTime()) && !existing.isClosedByOwner())
            {
                throw new ChannelFileException(serverFile, "service already running: ownerPid=" + existing.ownerPid()
                    + ": stop it first, or use another service name");
            }
        }
        catch (final ChannelFile.NotReadyException ex)
        {
            // Half-written by a process that died during creation (or still creating: the delete below then makes
            // that process fail on its own open), so it is safe to replace.
        }
        catch (final ChannelFileException ex)
        {
            if (ex.getMessage().contains("service already running"))
            {
                throw ex;
            }
        }
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
