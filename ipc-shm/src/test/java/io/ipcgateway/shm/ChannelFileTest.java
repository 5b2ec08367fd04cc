package io.ipcgateway.shm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.IdleMode;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChannelFileTest
{
    private static final int TRAILER = RingBufferDescriptor.TRAILER_LENGTH;

    @TempDir
    Path dir;

    @Test
    void shouldCreateOwnerOnlyFileOfExactLengthAndOpenIt() throws IOException
    {
        final Path path = dir.resolve("server.ipc");
        try (ChannelFile created = ChannelFile.create(
            path, ChannelDescriptor.TYPE_SERVER, 4096, TRAILER, 1 << 20, IdleMode.BLOCK))
        {
            assertThat(created.isOwner()).isTrue();
            assertThat(Files.size(path)).isEqualTo(ChannelDescriptor.HEADER_LENGTH + 4096 + TRAILER);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw-------");
            try (ChannelFile opened = ChannelFile.open(path, ChannelDescriptor.TYPE_SERVER))
            {
                assertThat(opened.ownerPid()).isEqualTo(ProcessHandle.current().pid());
                assertThat(opened.ringCapacity()).isEqualTo(4096);
                assertThat(opened.maxMessageLength()).isEqualTo(1 << 20);
                assertThat(opened.consumerIdleMode()).isEqualTo(IdleMode.BLOCK);
                assertThat(opened.isOwner()).isFalse();
            }
        }
        assertThat(path).doesNotExist();
    }

    @Test
    void shouldRefuseToCreateOverAnExistingFile() throws IOException
    {
        final Path path = dir.resolve("taken.ipc");
        Files.write(path, new byte[] {1});
        assertThatThrownBy(() -> ChannelFile.create(
            path, ChannelDescriptor.TYPE_CLIENT, 4096, TRAILER, 1024, IdleMode.SPIN))
            .isInstanceOf(ChannelFileException.class)
            .hasMessageContaining("file=" + path)
            .hasMessageContaining("exists already");
        assertThat(Files.readAllBytes(path)).containsExactly(1);
    }

    @Test
    void shouldNameFileAndMismatchWhenMagicIsWrong() throws IOException
    {
        final Path path = createThenPatch("magic.ipc", ChannelDescriptor.MAGIC_OFFSET, 0x1234L);
        assertThatThrownBy(() -> ChannelFile.open(path, ChannelDescriptor.TYPE_CLIENT))
            .isInstanceOf(ChannelFileException.class)
            .hasMessageContaining("file=" + path)
            .hasMessageContaining("magic=0x1234");
    }

    @Test
    void shouldNameVersionMismatch() throws IOException
    {
        final Path path = createThenPatchInt("version.ipc", ChannelDescriptor.VERSION_OFFSET, 99);
        assertThatThrownBy(() -> ChannelFile.open(path, ChannelDescriptor.TYPE_CLIENT))
            .isInstanceOf(ChannelFileException.class)
            .hasMessageContaining("version=99 expected=" + ChannelDescriptor.LAYOUT_VERSION);
    }

    @Test
    void shouldRefuseUnknownRingFlags() throws IOException
    {
        final Path path = createThenPatchInt("flags.ipc", ChannelDescriptor.RING_FLAGS_OFFSET, 0x6);
        assertThatThrownBy(() -> ChannelFile.open(path, ChannelDescriptor.TYPE_CLIENT))
            .isInstanceOf(ChannelFileException.class)
            .hasMessageContaining("file=" + path)
            .hasMessageContaining("ringFlags=0x6");
    }

    @Test
    void shouldRefuseWrongFileType() throws IOException
    {
        final Path path = createThenPatchInt("type.ipc", ChannelDescriptor.FILE_TYPE_OFFSET, 1);
        assertThatThrownBy(() -> ChannelFile.open(path, ChannelDescriptor.TYPE_CLIENT))
            .isInstanceOf(ChannelFileException.class)
            .hasMessageContaining("type=server expected=client");
    }

    @Test
    void shouldRefuseCapacityThatDoesNotMatchFileLength() throws IOException
    {
        final Path path = createThenPatchInt("size.ipc", ChannelDescriptor.RING_CAPACITY_OFFSET, 8192);
        assertThatThrownBy(() -> ChannelFile.open(path, ChannelDescriptor.TYPE_CLIENT))
            .isInstanceOf(ChannelFileException.class)
            .hasMessageContaining("length does not match")
            .hasMessageContaining("capacity=8192");
    }

    @Test
    void shouldRefuseSymbolicLink() throws IOException
    {
        final Path target = dir.resolve("target.ipc");
        try (ChannelFile created = ChannelFile.create(
            target, ChannelDescriptor.TYPE_CLIENT, 4096, TRAILER, 1024, IdleMode.SPIN))
        {
            final Path link = Files.createSymbolicLink(dir.resolve("link.ipc"), created.path());
            assertThatThrownBy(() -> ChannelFile.open(link, ChannelDescriptor.TYPE_CLIENT))
                .isInstanceOf(ChannelFileException.class)
                .hasMessageContaining("symbolic link");
        }
    }

    @Test
    void shouldReportMissingOrIncompleteFileAsNotReady() throws IOException
    {
        assertThatThrownBy(() -> ChannelFile.open(dir.resolve("none.ipc"), ChannelDescriptor.TYPE_SERVER))
            .isInstanceOf(ChannelFile.NotReadyException.class);
        final Path empty = dir.resolve("empty.ipc");
        Files.write(empty, new byte[ChannelDescriptor.HEADER_LENGTH + 4096 + TRAILER]);
        assertThatThrownBy(() -> ChannelFile.open(empty, ChannelDescriptor.TYPE_SERVER))
            .isInstanceOf(ChannelFile.NotReadyException.class)
            .hasMessageContaining("header not written yet");
    }

    private Path createThenPatch(final String name, final int offset, final long value) throws IOException
    {
        final Path path = createAndKeep(name);
        final ByteBuffer bytes = ByteBuffer.allocate(Long.BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(0, value);
        write(path, offset, bytes);
        return path;
    }

    private Path createThenPatchInt(final String name, final int offset, final int value) throws IOException
    {
        final Path path = createAndKeep(name);
        final ByteBuffer bytes = ByteBuffer.allocate(Integer.BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bytes.putInt(0, value);
        write(path, offset, bytes);
        return path;
    }

    private Path createAndKeep(final String name) throws IOException
    {
        final Path path = dir.resolve(name);
        final Path copy = dir.resolve(name + ".copy");
        try (ChannelFile created = ChannelFile.create(
            path, ChannelDescriptor.TYPE_CLIENT, 4096, TRAILER, 1024, IdleMode.SPIN))
        {
            Files.copy(created.path(), copy);
        }
        Files.move(copy, path);
        return path;
    }

    private static void write(final Path path, final int offset, final ByteBuffer bytes) throws IOException
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE))
        {
            channel.write(bytes, offset);
        }
    }
}
