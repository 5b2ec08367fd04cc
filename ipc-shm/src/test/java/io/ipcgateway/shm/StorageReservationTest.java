package io.ipcgateway.shm;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.ipcgateway.core.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A file system that cannot hold a channel file fails at creation with a {@link StorageException}, never later
 * with SIGBUS: simulated with a file-size limit ({@code ulimit -f}) in a child JVM, which makes the reserving
 * writes fail as a full {@code /dev/shm} would.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StorageReservationTest
{
    @TempDir
    Path dir;

    @Test
    void shouldFailAtCreationNamingFolderAndBytesAndRemoveThePartialFile() throws Exception
    {
        final String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        final String command = "ulimit -f 1024; exec '" + java + "' --add-opens java.base/jdk.internal.misc=ALL-UNNAMED"
            + " --enable-native-access=ALL-UNNAMED -cp '" + System.getProperty("java.class.path") + "' "
            + "'" + Probe.class.getName() + "' '" + dir + "'";
        final Process process = new ProcessBuilder("/bin/bash", "-c", command).redirectErrorStream(true).start();
        try
        {
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(output).isEqualTo(3);
            assertThat(output)
                .contains("StorageException")
                .contains("folder=" + dir.resolve("big"))
                .contains("bytesNeeded=" + ChannelDescriptor.fileLength(4 << 20, 768));
            try (Stream<Path> files = Files.walk(dir))
            {
                assertThat(files.filter(path -> path.toString().endsWith(".ipc"))).isEmpty();
            }
        }
        finally
        {
            process.destroyForcibly();
        }
    }

    /** Runs in the size-limited child JVM. */
    static final class Probe
    {
        private Probe()
        {
        }

        public static void main(final String[] args)
        {
            try (ShmServer server = ShmServer.create(new ServerContext().serviceName("big")
                .baseDirectory(Paths.get(args[0])).ringCapacity(4 << 20), new ServerHandler()
                {
                }))
            {
                System.out.println("created unexpectedly: " + server.serviceDirectory());
                System.exit(1);
            }
            catch (final StorageException ex)
            {
                System.out.println(ex);
                System.exit(3);
            }
        }
    }
}
