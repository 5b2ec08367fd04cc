package io.ipcgateway.examples.gateway.spool;

import static io.ipcgateway.examples.gateway.spool.SpoolTestSupport.append;
import static io.ipcgateway.examples.gateway.spool.SpoolTestSupport.drainAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.examples.gateway.spool.SpoolTestSupport.Got;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool on a real 512 KiB tmpfs that fills up: appends then return {@link PublishSpool#DISK_FULL} (nothing
 * stored), everything accepted before is delivered, and draining frees the space for new appends. Needs root to
 * mount; skipped with a message otherwise (failing instead with {@code -Dipc.test.requireRoot=true}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpoolFullDiskTest
{
    @TempDir
    Path temp;

    @Test
    void shouldReturnDiskFullStoreNothingDeliverEverythingAcceptedAndAcceptAgainOnceDrained() throws Exception
    {
        final Path mountPoint = temp.resolve("tmpfs");
        mountOrSkip(mountPoint);
        try
        {
            Files.write(mountPoint.resolve("filler"), new byte[320 * 1024]);
            final SpoolConfig config = SpoolConfig.builder(mountPoint.resolve("spool")).segmentSize(64 * 1024)
                .build();
            final List<String> accepted = new ArrayList<>();
            try (PublishSpool spool = PublishSpool.open(config))
            {
                long result = 0;
                while (result >= 0)
                {
                    final String payload = "message " + accepted.size() + " " + "x".repeat(200);
                    result = append(spool, "s", null, payload);
                    if (result >= 0)
                    {
                        assertThat(result).isEqualTo(accepted.size() + 1);
                        accepted.add(payload);
                    }
                    assertThat(accepted.size()).as("the 512 KiB filesystem must fill up").isLessThan(100_000);
                }
                assertThat(result).isEqualTo(PublishSpool.DISK_FULL);
                assertThat(append(spool, "s", null, "still full")).isEqualTo(PublishSpool.DISK_FULL);
                assertThat(spool.depth()).isEqualTo(accepted.size());
                assertThat(spool.lastSequence()).isEqualTo(accepted.size());

                final List<Got> got = drainAll(spool);
                assertThat(got).extracting(Got::payload).containsExactlyElementsOf(accepted);
                // The delivered sealed segments were deleted (the active one stays): room for a segment's worth
                // again (a segment holds about 220 of these), at the next sequence.
                for (int i = 0; i < 200; i++)
                {
                    assertThat(append(spool, "s", null, "after " + i + " " + "x".repeat(200)))
                        .isEqualTo(accepted.size() + 1 + i);
                }
            }
        }
        finally
        {
            run("umount", mountPoint.toString());
            if (Files.readString(Path.of("/proc/self/mounts")).contains(" " + mountPoint + " "))
            {
                run("umount", "-l", mountPoint.toString());
            }
        }
    }

    private static void mountOrSkip(final Path mountPoint) throws IOException, InterruptedException
    {
        final boolean requireRoot = Boolean.getBoolean("ipc.test.requireRoot");
        final String uid = run("id", "-u").trim();
        if (!"0".equals(uid))
        {
            final String message = "needs root to mount a tmpfs (running as uid " + uid + ")";
            if (requireRoot)
            {
                throw new AssertionError(message + "; -Dipc.test.requireRoot=true forbids skipping");
            }
            Assumptions.abort(message);
        }
        Files.createDirectories(mountPoint);
        final Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=524288,mode=0700", "tmpfs",
            mountPoint.toString()).redirectErrorStream(true).start();
        final String output = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!mount.waitFor(30, TimeUnit.SECONDS) || mount.exitValue() != 0)
        {
            final String message = "root, but cannot mount a tmpfs at " + mountPoint + ": " + output.trim();
            if (requireRoot)
            {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
    }

    private static String run(final String... command) throws IOException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try
        {
            process.waitFor(30, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return output;
    }
}
