package io.ipcgateway.shm;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.shm.notify.NotifierKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Folder and file modes do not depend on the umask: a child JVM started by {@code sh -c 'umask NNN; exec java ...'}
 * creates a service and a client and reports the modes it sees. A permissive umask (000) must not widen owner-only
 * files; a strict one (077) must not narrow group mode.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UmaskIT
{
    @TempDir
    Path dir;

    @Test
    void shouldCreateOwnerOnlyFoldersAndFilesUnderPermissiveUmask() throws Exception
    {
        final SecurityProcesses.Result result = runWithUmask("000", "-");
        assertThat(result.exitCode()).as(result.output()).isZero();
        final String group = Files.readAttributes(dir, PosixFileAttributes.class).group().getName();
        assertThat(result.output())
            .contains("MODE base rwx------ " + group)
            .contains("MODE service rwx------ " + group)
            .contains("MODE server rw------- " + group)
            .contains("MODE client rw------- " + group)
            .contains("MODE server-wake rw------- " + group)
            .contains("MODE client-wake rw------- " + group)
            .contains("LEFT 0");
    }

    @Test
    void shouldCreateGroupModeFoldersAndFilesUnderStrictUmask() throws Exception
    {
        // Not the group every file here would get anyway: a missing chgrp must show.
        final String group = SecurityProcesses.otherGroup(dir);
        final SecurityProcesses.Result result = runWithUmask("077", group);
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output())
            .contains("MODE base rwxrwx--- " + group)
            .contains("MODE service rwxrwx--- " + group)
            .contains("MODE server rw-rw---- " + group)
            .contains("MODE client rw-rw---- " + group)
            .contains("MODE server-wake rw-rw---- " + group)
            .contains("MODE client-wake rw-rw---- " + group)
            .contains("LEFT 0");
    }

    private SecurityProcesses.Result runWithUmask(final String umask, final String group) throws Exception
    {
        final String java = SecurityProcesses.shellLine(SecurityProcesses.javaCommand(
            System.getProperty("java.class.path"), Probe.class, List.of(), dir.resolve("base").toString(), group));
        return SecurityProcesses.run(List.of("/bin/sh", "-c", "umask " + umask + "; exec " + java), 90);
    }

    /** Runs in the child JVM: {@code baseDir group|-}. */
    static final class Probe
    {
        private Probe()
        {
        }

        public static void main(final String[] args) throws Exception
        {
            final Path base = Paths.get(args[0]);
            final String group = "-".equals(args[1]) ? null : args[1];
            // The socket notifier, so that both sides bind a .wake socket whose mode and group are checked too.
            try (ShmServer server = ShmServer.launch(new ServerContext().baseDirectory(base).serviceName("modes")
                .fileGroup(group).idleMode(IdleMode.BLOCK).notifierKind(NotifierKind.UNIX_SOCKET), new EchoHandler());
                ShmClient client = ShmClient.connect(new ClientContext().baseDirectory(base).serviceName("modes")
                    .fileGroup(group).idleMode(IdleMode.BLOCK).notifierKind(NotifierKind.UNIX_SOCKET)))
            {
                final Path serverFile = ServiceDirectory.serverFile(server.serviceDirectory());
                print("base", base);
                print("service", server.serviceDirectory());
                print("server", serverFile);
                print("client", client.inboxFile());
                print("server-wake", serverFile.resolveSibling(serverFile.getFileName() + ".wake"));
                print("client-wake", client.inboxFile().resolveSibling(client.inboxFile().getFileName() + ".wake"));
            }
            try (Stream<Path> left = Files.list(base))
            {
                System.out.println("LEFT " + left.count());
            }
        }

        private static void print(final String name, final Path path) throws Exception
        {
            final PosixFileAttributes attributes =
                Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            System.out.println("MODE " + name + " " + PosixFilePermissions.toString(attributes.permissions()) + " "
                + attributes.group().getName());
        }
    }
}
