package io.ipcgateway.shm;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Set;

import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.Configuration;

/**
 * Who may use the files of a service: the owner only (folders 0700, files 0600, the default), or, in the opt-in
 * group mode, the members of one named group too (0770/0660, group set on every folder and file). Modes are set
 * explicitly after creation, so the umask can neither widen nor narrow them. Also checks existing paths before
 * they are trusted: a link, or a file or folder owned by someone outside the allowed set, is refused with an error
 * that says what was found.
 */
final class FileAccess
{
    /** Owner-only access: 0700 folders, 0600 files. */
    static final FileAccess OWNER_ONLY = new FileAccess(null, null);

    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> GROUP_FILE = PosixFilePermissions.fromString("rw-rw----");
    private static final Set<PosixFilePermission> GROUP_DIR = PosixFilePermissions.fromString("rwxrwx---");
    private static final int ROOT_UID = 0;

    private final String groupName;
    private final GroupPrincipal group;

    private FileAccess(final String groupName, final GroupPrincipal group)
    {
        this.groupName = groupName;
        this.group = group;
    }

    /**
     * Group mode for a named group, resolved now so an unknown name fails at configuration time.
     *
     * @param setting   name of the setting, for the error message.
     * @param groupName the group.
     * @return the access.
     * @throws io.ipcgateway.core.ConfigurationException when the group does not exist.
     */
    static FileAccess group(final String setting, final String groupName)
    {
        try
        {
            final GroupPrincipal principal = FileSystems.getDefault().getUserPrincipalLookupService()
                .lookupPrincipalByGroupName(groupName);
            return new FileAccess(groupName, principal);
        }
        catch (final UserPrincipalNotFoundException ex)
        {
            throw Configuration.invalid(setting, groupName, "an existing group (see getent group), unknown group");
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            throw Configuration.invalid(setting, groupName, "a group the file system can resolve (" + ex + ")");
        }
    }

    boolean isGroupMode()
    {
        return group != null;
    }

    String groupName()
    {
        return groupName;
    }

    Set<PosixFilePermission> filePermissions()
    {
        return group == null ? OWNER_FILE : GROUP_FILE;
    }

    Set<PosixFilePermission> directoryPermissions()
    {
        return group == null ? OWNER_DIR : GROUP_DIR;
    }

    /**
     * Sets group (in group mode) and mode on a path this process just created or owns, without following links.
     * The group goes first: the wider mode is only granted once the group is right.
     *
     * @param path      the file or folder.
     * @param directory whether it is a folder.
     * @throws IOException when the group or mode cannot be set (e.g. this user is not in the group).
     */
    void applyTo(final Path path, final boolean directory) throws IOException
    {
        final PosixFileAttributeView view =
            Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (group != null)
        {
            view.setGroup(group);
        }
        view.setPermissions(directory ? directoryPermissions() : filePermissions());
    }

    /**
     * Sets group and file mode on a Unix socket this process just bound. A socket cannot be opened, so this goes by
     * path (following links), after checking that no link is there; only trusted users can write the folder.
     *
     * @param socket the socket file.
     * @throws IOException when the group or mode cannot be set.
     */
    void applyToSocket(final Path socket) throws IOException
    {
        if (Files.isSymbolicLink(socket))
        {
            throw new IOException("refusing a symbolic link planted at the wake socket path: " + describe(socket));
        }
        if (group != null)
        {
            Files.setAttribute(socket, "posix:group", group);
        }
        Files.setPosixFilePermissions(socket, filePermissions());
    }

    /**
     * Checks that an existing path may be trusted: not a link, and owned by this user, or in group mode carrying
     * the configured group and no access for others.
     *
     * @param path the path.
     * @param what what the path is meant to be, for the message ("service folder", "server file", ...).
     * @throws ChannelFileException saying what was found.
     */
    void checkExisting(final Path path, final String what)
    {
        final PosixFileAttributes attributes = attributes(path, what);
        if (attributes.isSymbolicLink())
        {
            throw new ChannelFileException(path, "refusing a symbolic link planted at the " + what + " path: "
                + describe(path) + ": remove it");
        }
        final int owner = ProcessInfo.uidOf(path);
        final int self = ProcessInfo.currentUid();
        if (owner == self || self < 0)
        {
            return;
        }
        if (group != null && isGroupOnly(attributes))
        {
            return;
        }
        throw new ChannelFileException(path, "refusing a " + what + " owned by another user: found "
            + describe(path) + ", uid=" + self + (group == null ?
            ": remove it, choose another base directory, or enable group mode (" + ShmConfiguration.GROUP_PROP_NAME
            + ") with a group both users are in" : ": expected group=" + groupName + " and no access for others"));
    }

    /**
     * Checks an existing parent of a service folder (the base directory and above): it may belong to this user,
     * to root (like {@code /dev/shm} or {@code /tmp}), or in group mode carry the configured group; anything else
     * could rename our folders under us.
     *
     * @param path the parent folder.
     */
    void checkParent(final Path path)
    {
        final PosixFileAttributes attributes = attributes(path, "base directory");
        final int owner = ProcessInfo.uidOf(path);
        final int self = ProcessInfo.currentUid();
        if (owner == self || owner == ROOT_UID || self < 0 || owner < 0)
        {
            return;
        }
        if (group != null && isGroupOnly(attributes))
        {
            return;
        }
        throw new ChannelFileException(path, "refusing a base directory owned by another user: found "
            + describe(path) + ", uid=" + self + ": set " + ShmConfiguration.BASE_DIR_PROP_NAME
            + " to a folder of your own");
    }

    private boolean isGroupOnly(final PosixFileAttributes attributes)
    {
        final Set<PosixFilePermission> permissions = attributes.permissions();
        return sameGroup(attributes.group()) && !permissions.contains(PosixFilePermission.OTHERS_READ) &&
            !permissions.contains(PosixFilePermission.OTHERS_WRITE) &&
            !permissions.contains(PosixFilePermission.OTHERS_EXECUTE);
    }

    private boolean sameGroup(final GroupPrincipal found)
    {
        return found != null && (found.equals(group) || found.getName().equals(group.getName()));
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

    /**
     * What is at a path, for error messages: a link and its target, or the kind, owner uid, group and mode.
     *
     * @param path the path.
     * @return a description such as {@code symbolic link target=/etc/passwd ownerUid=1000}.
     */
    static String describe(final Path path)
    {
        try
        {
            final PosixFileAttributes attributes =
                Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            final String kind;
            if (attributes.isSymbolicLink())
            {
                kind = "symbolic link target=" + Files.readSymbolicLink(path);
            }
            else
            {
                kind = attributes.isDirectory() ? "directory" : attributes.isRegularFile() ? "file" : "special file";
            }
            return kind + " ownerUid=" + ProcessInfo.uidOf(path) + " group=" + attributes.group().getName()
                + " mode=" + PosixFilePermissions.toString(attributes.permissions());
        }
        catch (final IOException | RuntimeException ex)
        {
            return "(cannot read its attributes: " + ex + ")";
        }
    }

    @Override
    public String toString()
    {
        return group == null ? "owner-only (0700/0600)" : "group " + groupName + " (0770/0660)";
    }
}
