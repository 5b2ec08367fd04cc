package io.ipcgateway.shm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.core.StorageException;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A full {@code /dev/shm}, for real: a 2 MiB tmpfs mounted for the test (needs root; skipped otherwise). Creating a
 * service or a client that does not fit fails at creation with a {@link StorageException} naming the folder and
 * the bytes needed, leaves no partial file and raises no SIGBUS (it would kill this JVM); filling the file system
 * after creation does not disturb channels that exist.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FullShmTest
{
    private static final int SMALL_RING = 64 * 1024;
    private static final int BIG_RING = 4 << 20;

    @TempDir
    Path dir;

    private Path mount;
    private boolean mounted;

    @BeforeEach
    void mountSmallTmpfs() throws Exception
    {
        RequiredEnvironment.require(FileAccessTest.isRoot(), "mounts a size-limited tmpfs: needs root");
        mount = Files.createDirectory(dir.resolve("shm"));
        final SecurityProcesses.Result result = SecurityProcesses.run(
            List.of("mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", mount.toString()), 30);
        RequiredEnvironment.require(result.exitCode() == 0,
            "cannot mount a tmpfs here (" + result.output().trim() + ")");
        mounted = true;
    }

    @AfterEach
    void unmount() throws Exception
    {
        if (mounted)
        {
            // Lazy: a mapping the garbage collector has not released yet must not keep the mount busy.
            SecurityProcesses.run(List.of("umount", "-l", mount.toString()), 30);
        }
    }

    @Test
    void shouldFailServerCreationWithStorageErrorNamingFolderAndBytesAndLeaveNoFile()
    {
        final Path service = mount.resolve("big");
        assertThatThrownBy(() -> ShmServer.create(new ServerContext().serviceName("big").baseDirectory(mount)
            .ringCapacity(BIG_RING).idleMode(IdleMode.SPIN), new EchoHandler()))
            .isInstanceOfSatisfying(StorageException.class, ex ->
                assertThat(ex.bytesNeeded()).isEqualTo(ChannelDescriptor.fileLength(BIG_RING,
                    RingBufferDescriptor.TRAILER_LENGTH)))
            .hasMessageContaining("folder=" + service)
            .hasMessageContaining("bytesNeeded=" + ChannelDescriptor.fileLength(BIG_RING,
                RingBufferDescriptor.TRAILER_LENGTH));
        assertThat(service.resolve(ServiceDirectory.SERVER_FILE_NAME)).doesNotExist();
        assertThat(service).as("no empty service folder left either").doesNotExist();
    }

    @Test
    void shouldFailClientCreationWithStorageErrorAndKeepServing()
    {
        final EchoHandler handler = new EchoHandler();
        try (ShmServer server = ShmServer.launch(new ServerContext().serviceName("small").baseDirectory(mount)
            .ringCapacity(SMALL_RING).idleMode(IdleMode.BLOCK), handler))
        {
            assertThatThrownBy(() -> ShmClient.connect(new ClientContext().serviceName("small").baseDirectory(mount)
                .ringCapacity(BIG_RING)))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("folder=" + server.serviceDirectory())
                .hasMessageContaining("bytesNeeded=" + ChannelDescriptor.fileLength(BIG_RING,
                    RingBufferDescriptor.TRAILER_LENGTH));
            assertThat(channelFiles()).containsExactly(ServiceDirectory.SERVER_FILE_NAME);
            assertThat(server.sessionCount()).isZero();

            try (ShmClient client = ShmClient.connect(new ClientContext().serviceName("small").baseDirectory(mount)
                .ringCapacity(16 * 1024)))
            {
                exchange(client, handler, 100);
            }
        }
        assertThat(channelFiles()).isEmpty();
    }

    @Test
    void shouldKeepExistingChannelsWorkingWhenFileSystemFillsUp() throws Exception
    {
        final EchoHandler handler = new EchoHandler();
        try (ShmServer server = ShmServer.launch(new ServerContext().serviceName("small").baseDirectory(mount)
            .ringCapacity(SMALL_RING).idleMode(IdleMode.BLOCK), handler);
            ShmClient client = ShmClient.connect(new ClientContext().serviceName("small").baseDirectory(mount)
                .ringCapacity(16 * 1024)))
        {
            final long filled = fill(mount.resolve("filler"));
            assertThat(filled).as("the filler took the rest of the file system").isGreaterThan(1 << 20);
            assertThat(Files.getFileStore(mount).getUsableSpace()).isLessThan(64 * 1024);

            exchange(client, handler, 2_000);
            assertThat(server.sessionCount()).isEqualTo(1);

            assertThatThrownBy(() -> ShmClient.connect(new ClientContext().serviceName("small").baseDirectory(mount)
                .ringCapacity(16 * 1024)))
                .as("a new channel in the full file system fails cleanly at creation")
                .isInstanceOf(StorageException.class);
            assertThat(channelFiles()).hasSize(2);
            Files.delete(mount.resolve("filler"));
        }
        assertThat(channelFiles()).isEmpty();
    }

    private static void exchange(final ShmClient client, final EchoHandler handler, final int count)
    {
        final long messagesBefore = handler.messages.get();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final long[] echoed = new long[1];
        for (int i = 0; i < count; i++)
        {
            buffer.putLong(0, i);
            assertThat(client.request(1, buffer, 0, 64, (t, b, o, l) -> echoed[0] = b.getLong(o),
                TimeUnit.SECONDS.toNanos(30))).isEqualTo(OfferResult.OK);
            assertThat(echoed[0]).isEqualTo(i);
        }
        for (int i = 1; i <= count; i++)
        {
            buffer.putLong(0, i);
            long result;
            while ((result = client.offer(2, buffer, 0, 64)) == OfferResult.BACK_PRESSURED)
            {
                Thread.onSpinWait();
            }
            assertThat(result).isEqualTo(OfferResult.OK);
        }
        ShmClientServerTest.awaitValue(handler.messages, messagesBefore + count);
    }

    /**
     * Writes zeros into a new file until the file system refuses more; returns how many bytes fit.
     */
    private static long fill(final Path file) throws IOException
    {
        final ByteBuffer zeros = ByteBuffer.allocate(16 * 1024);
        long written = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
        {
            while (true)
            {
                zeros.clear();
                written += channel.write(zeros);
            }
        }
        catch (final IOException full)
        {
            // ENOSPC: the file system is full, as intended.
            return written;
        }
    }

    private List<String> channelFiles()
    {
        try (Stream<Path> tree = Files.walk(mount))
        {
            return tree.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(".ipc")).toList();
        }
        catch (final IOException ex)
        {
            throw new AssertionError(ex);
        }
    }
}
