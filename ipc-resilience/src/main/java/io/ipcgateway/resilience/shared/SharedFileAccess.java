package io.ipcgateway.resilience.shared;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Set;

import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.ConfigurationException;

/**
 * Who may use shared state files: the owner only (folder 0700, files 0600) or, in group mode, one group too
 * (0770/0660). Modes are set explicitly after creation so the umask cannot change them; existing paths are checked
 * before they are trusted (no link, owned by this user or, in group mode, group-only).
 */
final class SharedFileAccess
{
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> GROUP_FILE = PosixFilePermissions.fromString("rw-rw----");
    private static final Set<PosixFilePermission> GROUP_DIR = PosixFilePermissions.fromString("rwxrwx---");
    private static final int ROOT_UID = 0;
    private static final int UID = readUid();

    private final String groupName;
    private final GroupPrincipal group;

    private SharedFileAccess(final String groupName, final GroupPrincipal group)
    {
        this.groupName = groupName;
        this.group = group;
    }

    static SharedFileAccess of(final String groupName)
    {
        if (groupName == null)
        {
            return new SharedFileAccess(null, null);
        }
        try
        {
            return new SharedFileAccess(groupName, FileSystems.getDefault().getUserPrincipalLookupService()
                .lookupPrincipalByGroupName(groupName));
        }
        catch (final UserPrincipalNotFoundException ex)
        {
            throw new ConfigurationException(SharedStateOptions.GROUP_PROP_NAME + "=" + groupName
                + " is invalid: expected an existing group (see getent group)");
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            throw new ConfigurationException(SharedStateOptions.GROUP_PROP_NAME + "=" + groupName
                + " is invalid: the file system cannot resolve it (" + ex + ")", ex);
        }
    }

    static int currentUid()
    {
        return UID;
    }

    Set<PosixFilePermission> filePermissions()
    {
        return group == null ? OWNER_FILE : GROUP_FILE;
    }

    boolean isGroupMode()
    {
        return group != null;
    }

    String groupName()
    {
        return groupName;
    }

    /**
     * Creates the base directory when missing (its mode set explicitly), then checks it and its parent.
     */
    void prepareDirectory(final Path directory)
    {
        final Path parent = directory.toAbsolutePath().getParent();
        if (parent != null && Files.exists(parent, LinkOption.NOFOLLOW_LINKS))
        {
            checkParent(parent);
        }
        try
        {
            Files.createDirectories(parent == null ? directory : parent);
            Files.createDirectory(
                directory, PosixFilePermissions.asFileAttribute(group == null ? OWNER_DIR : GROUP_DIR));
            applyTo(directory, true);
        }
        catch (final FileAlreadyExistsException ex)
        {
            // Another process (or an earlier run) made it: checked below like any existing folder.
        }
        catch (final IOException ex)
        {
            throw new ChannelFileException(directory, "cannot create the shared state folder: " + ex, ex);
        }
        checkExisting(directory, "shared state folder");
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS))
        {
            throw new ChannelFileException(directory, "expected a folder, found " + describe(directory)
                + ": remove it or choose another base directory (" + SharedStateOptions.BASE_DIR_PROP_NAME + ")");
        }
    }

    void applyTo(final Path path, final boolean directory) throws IOException
    {
        final PosixFileAttributeView view =
            Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (group != null)
        {
            view.setGroup(group);
        }
        view.setPermissions(directory ? (group == null ? OWNER_DIR : GROUP_DIR) : filePermissions());
    }

    /**
     * Refuses a link, or a path owned by another user unless group mode allows it.
     */
    void checkExisting(final Path path, final String what)
    {
        final PosixFileAttributes attributes = attributes(path, what);
        if (attributes.isSymbolicLink())
        {
            throw new ChannelFileException(path, "refusing a symbolic link at the " + what + " path: "
                + describe(path) + ": remove it");
        }
        final int owner = uidOf(path);
        if (owner == UID || UID < 0)
        {
            return;
        }
        if (group != null && isGroupOnly(attributes))
        {
            return;
        }
        throw new ChannelFileException(path, "refusing a " + what + " owned by another user: found " + describe(path)
            + " uid=" + UID + (group == null ? ": remove it, choose another base directory ("
            + SharedStateOptions.BASE_DIR_PROP_NAME + "), or use group mode (" + SharedStateOptions.GROUP_PROP_NAME
            + ")" : ": expected group=" + groupName + " and no access for others"));
    }

    private void checkParent(final Path parent)
    {
        final PosixFileAttributes attributes = attributes(parent, "base directory's parent");
        final int owner = uidOf(parent);
        if (owner == UID || owner == ROOT_UID || UID < 0 || owner < 0 || group != null && isGroupOnly(attributes))
        {
            return;
        }
        throw new ChannelFileException(parent, "refusing a parent folder owned by another user: found "
            + describe(parent) + " uid=" + UID + ": set " + SharedStateOptions.BASE_DIR_PROP_NAME
            + " to a folder of your own");
    }

    private boolean isGroupOnly(final PosixFileAttributes attributes)
    {
        final Set<PosixFilePermission> permissions = attributes.permissions();
        final GroupPrincipal found = attributes.group();
        return found != null && (found.equals(group) || found.getName().equals(group.getName())) &&
            !permissions.contains(PosixFilePermission.OTHERS_READ) &&
            !permissions.contains(PosixFilePermission.OTHERS_WRITE) &&
            !permissions.contains(PosixFilePermission.OTHERS_EXECUTE);
    }

    private static PosixFileAttributes attributes(final Path path, final String what)
    {
        try
        {
            return Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        }
        catch (final IOException ex)
        {
            throw new ChannelFileException(path, "cannot read the attributes of the " + what + ": " + ex, ex);
        }
    }

    static int uidOf(final Path path)
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

    /**
     * What is at a path, for messages: a link and its target, or the kind, owner, group and mode.
     */
    static String describe(final Path path)
    {
        try
        {
            final PosixFileAttributes attributes =
                Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            final String kind = attributes.isSymbolicLink() ? "symbolic link target=" + Files.readSymbolicLink(path) :
                attributes.isDirectory() ? "directory" : attributes.isRegularFile() ? "file" : "special file";
            return kind + " ownerUid=" + uidOf(path) + " group=" + attributes.group().getName() + " mode="
                + PosixFilePermissions.toString(attributes.permissions());
        }
        catch (final IOException | RuntimeException ex)
        {
            return "(cannot read its attributes: " + ex + ")";
        }
    }

    private static int readUid()
    {
        return uidOf(Paths.get("/proc", Long.toString(ProcessHandle.current().pid())));
    }

    @Override
    public String toString()
    {
        return group == null ? "owner-only (0700/0600)" : "group " + groupName + " (0770/0660)";
    }
}
