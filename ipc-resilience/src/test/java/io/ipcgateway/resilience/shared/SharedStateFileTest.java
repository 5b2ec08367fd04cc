package io.ipcgateway.resilience.shared;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SharedStateFileTest
{
    private static final int BODY = 64;
    private static final long FINGERPRINT = 0x1234_5678L;

    @TempDir
    Path temp;

    private SharedStateOptions options()
    {
        return SharedStateOptions.builder().baseDirectory(temp.resolve("state"))
            .initTimeout(500, TimeUnit.MILLISECONDS).build();
    }

    private SharedStateFile open(final SharedStateOptions options, final String name)
    {
        return SharedStateFile.openOrCreate(options, SharedStateKind.CIRCUIT_BREAKER, name, BODY, FINGERPRINT,
            body -> body.putLong(0, 42));
    }

    @Test
    void shouldCreateOwnerOnlyFileThenOpenItWithTheSameState() throws Exception
    {
        final SharedStateOptions options = options();
        try (SharedStateFile first = open(options, "orders"); SharedStateFile second = open(options, "orders"))
        {
            assertThat(first.isCreator()).isTrue();
            assertThat(second.isCreator()).isFalse();
            assertThat(second.buffer().getLongVolatile(0)).isEqualTo(42);
            first.buffer().getAndAddLong(8, 5);
            assertThat(second.buffer().getLongVolatile(8)).isEqualTo(5);
            assertThat(second.creatorPid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(first.path()).isEqualTo(options.baseDirectory().resolve("orders.breaker"));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.path())))
                .isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(options.baseDirectory())))
                .isEqualTo("rwx------");
            assertThat(Files.size(first.path())).isEqualTo(SharedStateDescriptor.fileLength(BODY));
        }
    }

    @Test
    void shouldKeepStateWhenReopenedAfterEveryProcessClosedIt()
    {
        final SharedStateOptions options = options();
        try (SharedStateFile first = open(options, "kept"))
        {
            first.buffer().putLongVolatile(8, 7);
        }
        try (SharedStateFile again = open(options, "kept"))
        {
            assertThat(again.isCreator()).isFalse();
            assertThat(again.buffer().getLongVolatile(8)).isEqualTo(7);
        }
        assertThat(SharedStateFile.delete(options, SharedStateKind.CIRCUIT_BREAKER, "kept")).isTrue();
        try (SharedStateFile fresh = open(options, "kept"))
        {
            assertThat(fresh.isCreator()).isTrue();
            assertThat(fresh.buffer().getLongVolatile(8)).isZero();
        }
    }

    @Test
    void shouldRefuseSymbolicLinkAtTheFilePath() throws Exception
    {
        final SharedStateOptions options = options();
        Files.createDirectories(options.baseDirectory());
        Files.setPosixFilePermissions(options.baseDirectory(), PosixFilePermissions.fromString("rwx------"));
        final Path target = temp.resolve("target");
        Files.write(target, new byte[(int)SharedStateDescriptor.fileLength(BODY)]);
        final Path link = SharedStateFile.pathOf(options, SharedStateKind.CIRCUIT_BREAKER, "linked");
        Files.createSymbolicLink(link, target);

        assertThatThrownBy(() -> open(options, "linked"))
            .isInstanceOf(ChannelFileException.class)
            .hasMessageContaining(link.toString())
            .hasMessageContaining("symbolic link");
        assertThat(Files.isSymbolicLink(link)).isTrue();
    }

    @Test
    void shouldRefuseDanglingSymbolicLinkWithoutCreatingItsTarget() throws Exception
    {
        final SharedStateOptions options = options();
        Files.createDirectories(options.baseDirectory());
        final Path target = temp.resolve("planted-target");
        final Path link = SharedStateFile.pathOf(options, SharedStateKind.CIRCUIT_BREAKER, "dangling");
        Files.createSymbolicLink(link, target);

        assertThatThrownBy(() -> open(options, "dangling")).hasMessageContaining("symbolic link");
        assertThat(Files.exists(target, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void shouldRefuseBaseDirectoryThatIsALink() throws Exception
    {
        final Path real = Files.createDirectory(temp.resolve("real"));
        final Path link = Files.createSymbolicLink(temp.resolve("state"), real);
        final SharedStateOptions options = SharedStateOptions.builder().baseDirectory(link).build();

        assertThatThrownBy(() -> open(options, "x")).isInstanceOf(ChannelFileException.class)
            .hasMessageContaining(link.toString()).hasMessageContaining("symbolic link");
    }

    @Test
    void shouldNameFileAndMismatchWhenMagicIsWrong() throws Exception
    {
        assertBadHeader(header -> header.putLong(SharedStateDescriptor.MAGIC_OFFSET, 0x0BAD_0BADL), "magic=0xbad0bad");
    }

    @Test
    void shouldNameFileAndMismatchWhenVersionIsWrong() throws Exception
    {
        assertBadHeader(header -> header.putInt(SharedStateDescriptor.VERSION_OFFSET, 99), "version=99");
    }

    @Test
    void shouldNameFileAndMismatchWhenKindIsWrong() throws Exception
    {
        assertBadHeader(header -> header.putInt(SharedStateDescriptor.KIND_OFFSET, 2), "kind=RATE_LIMITER");
    }

    @Test
    void shouldNameFileAndMismatchWhenBodyLengthIsWrong() throws Exception
    {
        assertBadHeader(header -> header.putInt(SharedStateDescriptor.BODY_LENGTH_OFFSET, 128), "bodyLength=128");
    }

    @Test
    void shouldRefuseFileMadeWithOtherSettings()
    {
        final SharedStateOptions options = options();
        try (SharedStateFile first = open(options, "fp"))
        {
            assertThatThrownBy(() -> SharedStateFile.openOrCreate(options, SharedStateKind.CIRCUIT_BREAKER, "fp",
                BODY, FINGERPRINT + 1, body -> { })).isInstanceOf(ChannelFileException.class)
                .hasMessageContaining(first.path().toString()).hasMessageContaining("settings mismatch");
        }
    }

    @Test
    void shouldTimeOutNamingTheFileWhenItsCreatorNeverFinishes() throws Exception
    {
        final SharedStateOptions options = options();
        Files.createDirectories(options.baseDirectory());
        final Path path = SharedStateFile.pathOf(options, SharedStateKind.CIRCUIT_BREAKER, "stalled");
        Files.write(path, new byte[(int)SharedStateDescriptor.fileLength(BODY)]);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));

        final long start = System.nanoTime();
        assertThatThrownBy(() -> open(options, "stalled")).isInstanceOf(ChannelFileException.class)
            .hasMessageContaining(path.toString()).hasMessageContaining("not initialised within initTimeoutMs=500");
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
    }

    @Test
    void shouldWaitForAnotherThreadThatIsStillInitialising() throws Exception
    {
        final SharedStateOptions options = SharedStateOptions.builder().baseDirectory(temp.resolve("state"))
            .initTimeout(10, TimeUnit.SECONDS).build();
        final CountDownLatch initialising = new CountDownLatch(1);
        final CompletableFuture<SharedStateFile> creator = CompletableFuture.supplyAsync(() ->
            SharedStateFile.openOrCreate(options, SharedStateKind.RATE_LIMITER, "slow", BODY, FINGERPRINT, body ->
            {
                initialising.countDown();
                sleep(300);
                body.putLong(0, 99);
            }));
        assertThat(initialising.await(10, TimeUnit.SECONDS)).isTrue();
        try (SharedStateFile waiter = SharedStateFile.openOrCreate(
            options, SharedStateKind.RATE_LIMITER, "slow", BODY, FINGERPRINT, body -> body.putLong(0, -1)))
        {
            assertThat(waiter.isCreator()).isFalse();
            assertThat(waiter.buffer().getLongVolatile(0)).isEqualTo(99);
        }
        creator.get(10, TimeUnit.SECONDS).close();
    }

    @Test
    void shouldRejectBadNamesAndBodyLengthsNamingTheSetting()
    {
        final SharedStateOptions options = options();
        assertThatThrownBy(() -> open(options, "../escape")).isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("name=../escape");
        assertThatThrownBy(() -> open(options, ".hidden")).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> SharedStateFile.openOrCreate(options, SharedStateKind.CIRCUIT_BREAKER, "x", 12,
            FINGERPRINT, body -> { })).isInstanceOf(ConfigurationException.class).hasMessageContaining("bodyLength=12");
        assertThatThrownBy(() -> SharedStateOptions.builder().initTimeout(0, TimeUnit.SECONDS))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("initTimeout=0ns");
    }

    private void assertBadHeader(final Consumer<ByteBuffer> corrupt, final String expected) throws Exception
    {
        final SharedStateOptions options = options();
        final Path path;
        try (SharedStateFile file = open(options, "bad"))
        {
            path = file.path();
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer header = ByteBuffer.allocate(SharedStateDescriptor.HEADER_LENGTH)
                .order(ByteOrder.LITTLE_ENDIAN);
            channel.read(header, 0);
            corrupt.accept(header);
            header.clear();
            channel.write(header, 0);
        }
        assertThatThrownBy(() -> open(options, "bad")).isInstanceOf(ChannelFileException.class)
            .hasMessageContaining("file=" + path).hasMessageContaining(expected);
    }

    private static void sleep(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
