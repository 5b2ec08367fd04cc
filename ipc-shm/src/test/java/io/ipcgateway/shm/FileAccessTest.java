package io.ipcgateway.shm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.ConfigurationException;
import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.IpcException;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.shm.notify.NotifierKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Security of the files in one process: links planted at our paths and paths owned by other users are refused
 * with an error saying what was found, group mode is validated and applied (services and broadcast channels), and
 * a server admits only the uids on its allow-list. (Another user's process is in {@link SecondUserIT}; the umask in
 * {@link UmaskIT}.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FileAccessTest
{
    private static final int NOBODY_UID = 65534;

    @TempDir
    Path dir;

    @Test
    void shouldRefuseLinkPlantedAtServerFilePathWithoutTouchingItsTarget() throws IOException
    {
        final Path service = Files.createDirectory(dir.resolve("svc"));
        final Path target = Files.writeString(dir.resolve("precious.txt"), "keep me");
        Files.createSymbolicLink(service.resolve(ServiceDirectory.SERVER_FILE_NAME), target);

        assertThatThrownBy(() -> ShmServer.create(new ServerContext().serviceName("svc").baseDirectory(dir)
            .idleMode(IdleMode.SPIN), new EchoHandler()))
            .isInstanceOf(ChannelFileException.class)
            .hasMessageContaining("symbolic link planted")
            .hasMessageContaining("target=" + target);
        assertThat(Files.isSymbolicLink(service.resolve(ServiceDirectory.SERVER_FILE_NAME))).isTrue();
        assertThat(Files.readString(target)).isEqualTo("keep me");
    }

    @Test
    void shouldRefuseLinkPlantedAtChannelFilePathNamingItsTarget() throws IOException
    {
        final Path target = Files.writeString(dir.resolve("precious.txt"), "keep me");
        final Path link = Files.createSymbolicLink(dir.resolve("client-1-1.ipc"), target);

        assertThatThrownBy(() -> ChannelFile.create(link, ChannelDescriptor.TYPE_CLIENT, 4096,
            RingBufferDescriptor.TRAILER_LENGTH, 1024, IdleMode.SPIN))
            .isInstanceOf(ChannelFileException.class)
            .hasMessageContaining("file exists already")
            .hasMessageContaining("symbolic link target=" + target);
        assertThat(Files.readString(target)).isEqualTo("keep me");
    }

    @Test
    void shouldRefuseServiceFolderOwnedByAnotherUserNamingItsOwner() throws IOException
    {
        RequiredEnvironment.require(isRoot(), "needs root to give a folder to another user (chown)");
        final Path service = Files.createDirectory(dir.resolve("svc"));
        Files.setOwner(service, nobody());

        assertThatThrownBy(() -> ServiceDirectory.ensureDirectory(service))
            .isInstanceOf(ChannelFileException.class)
            .hasMessageContaining("owned by another user")
            .hasMessageContaining("ownerUid=" + NOBODY_UID);
    }

    @Test
    void shouldRefuseServerFileOwnedByAnotherUserInsteadOfDeletingIt() throws IOException
    {
        RequiredEnvironment.require(isRoot(), "needs root to give a file to another user (chown)");
        final Path serverFile = Files.createFile(dir.resolve(ServiceDirectory.SERVER_FILE_NAME));
        Files.setOwner(serverFile, nobody());

        assertThatThrownBy(() -> ServiceDirectory.removeStaleServerFile(serverFile, FileAccess.OWNER_ONLY))
            .isInstanceOf(ChannelFileException.class)
            .hasMessageContaining("server file owned by another user")
            .hasMessageContaining("ownerUid=" + NOBODY_UID);
        assertThat(serverFile).exists();
    }

    @Test
    void shouldRefuseBaseDirectoryOwnedByAnotherUser() throws IOException
    {
        RequiredEnvironment.require(isRoot(), "needs root to give a folder to another user (chown)");
        final Path base = Files.createDirectory(dir.resolve("base"));
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setOwner(base, nobody());

        assertThatThrownBy(() -> ServiceDirectory.ensureDirectory(base.resolve("svc")))
            .isInstanceOf(ChannelFileException.class)
            .hasMessageContaining("base directory owned by another user")
            .hasMessageContaining("ownerUid=" + NOBODY_UID);
        assertThat(base.resolve("svc")).doesNotExist();
    }

    @Test
    void shouldAcceptFolderOfAnotherUserInGroupModeOnlyWithTheGroupAndNoAccessForOthers() throws IOException
    {
        RequiredEnvironment.require(isRoot(), "needs root to give a folder to another user (chown)");
        final String group = primaryGroup();
        final FileAccess access = FileAccess.group("test", group);
        final Path service = Files.createDirectory(dir.resolve("svc"));
        Files.setOwner(service, nobody());
        Files.setAttribute(service, "posix:group", groupPrincipal(group));
        Files.setPosixFilePermissions(service, PosixFilePermissions.fromString("rwxrwx---"));
        ServiceDirectory.ensureDirectory(service, access);

        Files.setPosixFilePermissions(service, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> ServiceDirectory.ensureDirectory(service, access))
            .isInstanceOf(ChannelFileException.class)
            .hasMessageContaining("expected group=" + group + " and no access for others")
            .hasMessageContaining("mode=rwxrwxrwx");
    }

    @Test
    void shouldRefuseUnknownGroupNamingIt()
    {
        assertThatThrownBy(() -> new ServerContext().serviceName("svc").baseDirectory(dir)
            .fileGroup("no-such-group-ipcgw").conclude())
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("no-such-group-ipcgw")
            .hasMessageContaining(ShmConfiguration.GROUP_PROP_NAME);
    }

    @Test
    void shouldTakeGroupModeAndAllowedUidsFromSystemProperties()
    {
        final String group = primaryGroup();
        System.setProperty(ShmConfiguration.GROUP_PROP_NAME, group);
        System.setProperty(ShmConfiguration.ALLOWED_UIDS_PROP_NAME, "7, 5");
        try
        {
            final ServerContext context = new ServerContext().serviceName("svc").baseDirectory(dir).conclude();
            assertThat(context.fileGroup()).isEqualTo(group);
            assertThat(context.fileAccess().isGroupMode()).isTrue();
            assertThat(context.allowedUids()).containsExactly(5, 7);
            assertThat(context.isUidAllowed(7)).isTrue();
            assertThat(context.isUidAllowed(6)).isFalse();

            System.setProperty(ShmConfiguration.ALLOWED_UIDS_PROP_NAME, "7,x");
            assertThatThrownBy(() -> new ServerContext().serviceName("svc").baseDirectory(dir).conclude())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(ShmConfiguration.ALLOWED_UIDS_PROP_NAME);
        }
        finally
        {
            System.clearProperty(ShmConfiguration.GROUP_PROP_NAME);
            System.clearProperty(ShmConfiguration.ALLOWED_UIDS_PROP_NAME);
        }
    }

    @Test
    void shouldCreateGroupModeFoldersAndFilesWithTheGroup() throws Exception
    {
        // Not the group every file here would get anyway: a missing chgrp must show. The socket notifier, so that
        // both sides bind a .wake socket whose mode and group are checked too.
        final String group = SecurityProcesses.otherGroup(dir);
        try (ShmServer server = ShmServer.launch(new ServerContext().serviceName("shared").baseDirectory(dir)
            .fileGroup(group).idleMode(IdleMode.BLOCK).notifierKind(NotifierKind.UNIX_SOCKET), new EchoHandler());
            ShmClient client = ShmClient.connect(new ClientContext().serviceName("shared").baseDirectory(dir)
                .fileGroup(group).notifierKind(NotifierKind.UNIX_SOCKET)))
        {
            assertThat(client.isConnected()).isTrue();
            assertModeAndGroup(server.serviceDirectory(), "rwxrwx---", group);
            assertModeAndGroup(ServiceDirectory.serverFile(server.serviceDirectory()), "rw-rw----", group);
            assertModeAndGroup(client.inboxFile(), "rw-rw----", group);
            final Path serverFile = ServiceDirectory.serverFile(server.serviceDirectory());
            for (final Path channel : List.of(serverFile, client.inboxFile()))
            {
                assertModeAndGroup(channel.resolveSibling(channel.getFileName() + ".wake"), "rw-rw----", group);
            }
        }
        assertThat(dir.resolve("shared")).doesNotExist();
    }

    @Test
    void shouldRefuseClientWhoseUidIsNotAllowedNamingUidAndService()
    {
        final int self = ProcessInfo.currentUid();
        final EchoHandler handler = new EchoHandler();
        try (ShmServer server = ShmServer.launch(new ServerContext().serviceName("guarded").baseDirectory(dir)
            .allowedUids(self + 1).idleMode(IdleMode.BLOCK).errorHandler(ex -> { }), handler))
        {
            assertThatThrownBy(() -> ShmClient.connect(new ClientContext().serviceName("guarded").baseDirectory(dir)))
                .isInstanceOf(IpcException.class)
                .hasMessageContaining("connect rejected by service=guarded")
                .hasMessageContaining("uid=" + self + " is not allowed to connect to service=guarded")
                .hasMessageContaining("allowedUids=[" + (self + 1) + "]");
            assertThat(server.sessionCount()).isZero();
            assertThat(handler.connects.get()).isZero();
            try (var files = Files.list(server.serviceDirectory()))
            {
                assertThat(files.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(".ipc")))
                    .as("the refused client's file is removed").containsExactly(ServiceDirectory.SERVER_FILE_NAME);
            }
        }
        catch (final IOException ex)
        {
            throw new AssertionError(ex);
        }
    }

    @Test
    void shouldAdmitAllowedUidAndShowItsPidAndUid()
    {
        final int self = ProcessInfo.currentUid();
        final EchoHandler handler = new EchoHandler();
        try (ShmServer server = ShmServer.launch(new ServerContext().serviceName("guarded").baseDirectory(dir)
            .allowedUids(self + 1, self).idleMode(IdleMode.BLOCK), handler);
            ShmClient client = ShmClient.connect(new ClientContext().serviceName("guarded").baseDirectory(dir)))
        {
            assertThat(client.isConnected()).isTrue();
            assertThat(server.sessionCount()).isEqualTo(1);
            ShmClientServerTest.awaitValue(handler.connects, 1);
            assertThat(handler.lastSession.uid()).isEqualTo(self);
            assertThat(handler.lastSession.pid()).isEqualTo(ProcessHandle.current().pid());
        }
    }

    @Test
    void shouldCreateOwnerOnlyBroadcastFileByDefaultAndGroupModeFileWithTheGroup() throws IOException
    {
        final String group = primaryGroup();
        try (ShmBroadcastPublisher publisher = ShmBroadcastPublisher.create(new BroadcastContext().name("private")
            .baseDirectory(dir).capacity(4096).fileGroup(null)))
        {
            assertThat(publisher.published()).isZero();
            assertMode(dir.resolve("private"), "rwx------");
            assertMode(dir.resolve("private").resolve("broadcast.ipc"), "rw-------");
        }
        try (ShmBroadcastPublisher publisher = ShmBroadcastPublisher.create(new BroadcastContext().name("shared")
            .baseDirectory(dir).capacity(4096).fileGroup(group));
            ShmBroadcastSubscriber subscriber = ShmBroadcastSubscriber.open(new BroadcastContext().name("shared")
                .baseDirectory(dir).fileGroup(group)))
        {
            assertModeAndGroup(dir.resolve("shared"), "rwxrwx---", group);
            assertModeAndGroup(dir.resolve("shared").resolve("broadcast.ipc"), "rw-rw----", group);
            final UnsafeBuffer message = new UnsafeBuffer(new byte[8]);
            message.putLong(0, 42);
            assertThat(publisher.offer(1, message, 0, 8)).isEqualTo(OfferResult.OK);
            final long[] seen = {0};
            assertThat(subscriber.poll((typeId, buffer, offset, length) -> seen[0] = buffer.getLong(offset), 10))
                .isEqualTo(1);
            assertThat(seen[0]).isEqualTo(42);
        }
        assertThat(dir.resolve("private")).doesNotExist();
        assertThat(dir.resolve("shared")).doesNotExist();
    }

    @Test
    void shouldRefuseUnknownBroadcastGroupNamingIt()
    {
        assertThatThrownBy(() -> ShmBroadcastPublisher.create(new BroadcastContext().name("shared").baseDirectory(dir)
            .fileGroup("no-such-group-ipcgw")))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("no-such-group-ipcgw")
            .hasMessageContaining(ShmConfiguration.GROUP_PROP_NAME);
        assertThat(dir.resolve("shared")).doesNotExist();
    }

    @Test
    void shouldRefuseBroadcastFileOfAnotherUserUnlessGroupModeAdmitsIt() throws IOException
    {
        RequiredEnvironment.require(isRoot(), "chown needs root");
        final String group = primaryGroup();
        try (ShmBroadcastPublisher publisher = ShmBroadcastPublisher.create(new BroadcastContext().name("shared")
            .baseDirectory(dir).capacity(4096).fileGroup(group)))
        {
            assertThat(publisher.published()).isZero();
            final Path file = dir.resolve("shared").resolve("broadcast.ipc");
            Files.setOwner(file, nobody());
            assertThatThrownBy(() -> ShmBroadcastSubscriber.open(new BroadcastContext().name("shared")
                .baseDirectory(dir).fileGroup(null)))
                .isInstanceOf(ChannelFileException.class)
                .hasMessageContaining("refusing a broadcast file owned by another user")
                .hasMessageContaining(ShmConfiguration.GROUP_PROP_NAME);
            try (ShmBroadcastSubscriber subscriber = ShmBroadcastSubscriber.open(new BroadcastContext().name("shared")
                .baseDirectory(dir).fileGroup(group)))
            {
                assertThat(subscriber.received()).isZero();
            }
        }
    }

    private static void assertMode(final Path path, final String mode) throws IOException
    {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)))
            .as(path.toString()).isEqualTo(mode);
    }

    private static void assertModeAndGroup(final Path path, final String mode, final String group) throws IOException
    {
        final PosixFileAttributes attributes =
            Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assertThat(PosixFilePermissions.toString(attributes.permissions())).as(path.toString()).isEqualTo(mode);
        assertThat(attributes.group().getName()).as(path.toString()).isEqualTo(group);
    }

    static boolean isRoot()
    {
        return ProcessInfo.currentUid() == 0;
    }

    private String primaryGroup()
    {
        try
        {
            return Files.readAttributes(dir, PosixFileAttributes.class).group().getName();
        }
        catch (final IOException ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static UserPrincipal nobody() throws IOException
    {
        return Paths.get("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    }

    private static UserPrincipal groupPrincipal(final String name) throws IOException
    {
        return Paths.get("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(name);
    }
}
