package io.ipcgateway.shm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.IdleMode;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceDirectoryTest
{
    @TempDir
    Path dir;

    @Test
    void shouldCreateOwnerOnlyFoldersWithMissingParents() throws IOException
    {
        final Path service = dir.resolve("base").resolve("svc");
        ServiceDirectory.ensureDirectory(service);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(service))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(service.getParent())))
            .isEqualTo("rwx------");
        ServiceDirectory.ensureDirectory(service);
    }

    @Test
    void shouldRefuseLinkOrFileAsServiceFolder() throws IOException
    {
        final Path real = Files.createDirectory(dir.resolve("real"));
        final Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        assertThatThrownBy(() -> ServiceDirectory.ensureDirectory(link))
            .isInstanceOf(ChannelFileException.class).hasMessageContaining("symbolic link");
        final Path file = Files.createFile(dir.resolve("file"));
        assertThatThrownBy(() -> ServiceDirectory.ensureDirectory(file))
            .isInstanceOf(ChannelFileException.class).hasMessageContaining("not a directory");
    }

    @Test
    void shouldRefuseToReplaceServerFileOfLiveOwner()
    {
        final Path serverFile = dir.resolve(ServiceDirectory.SERVER_FILE_NAME);
        try (ChannelFile live = ChannelFile.create(serverFile, ChannelDescriptor.TYPE_SERVER, 4096,
            RingBufferDescriptor.TRAILER_LENGTH, 1024, IdleMode.SPIN))
        {
            assertThatThrownBy(() -> ServiceDirectory.removeStaleServerFile(live.path()))
                .isInstanceOf(ChannelFileException.class)
                .hasMessageContaining("service already running: ownerPid=" + ProcessHandle.current().pid());
            assertThat(serverFile).exists();
        }
    }

    @Test
    void shouldRemoveClientFilesOfDeadProcessesOnly() throws IOException
    {
        final Path dead = Files.createFile(dir.resolve("client-" + Integer.MAX_VALUE + "-1.ipc"));
        final Path alive = Files.createFile(dir.resolve("client-" + ProcessHandle.current().pid() + "-1.ipc"));
        final Path foreign = Files.createFile(dir.resolve("client-notanumber.ipc"));
        ServiceDirectory.removeStaleClientFiles(dir);
        assertThat(dead).doesNotExist();
        assertThat(alive).exists();
        assertThat(foreign).exists();
    }
}
