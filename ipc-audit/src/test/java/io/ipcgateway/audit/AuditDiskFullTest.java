package io.ipcgateway.audit;

import static io.ipcgateway.audit.AuditTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.audit.AuditTestSupport.Read;
import io.ipcgateway.audit.internal.AuditFiles;
import io.ipcgateway.core.IpcException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real full file system: a 256 KiB tmpfs mounted for the test (needs root; skipped otherwise). */
class AuditDiskFullTest
{
    private static final int SEGMENT = 64 * 1024;

    @TempDir
    Path dir;

    @Test
    void shouldFailAppendNamingFolderAndBytesThenResumeWhenSpaceIsFreed() throws Exception
    {
        final Path mount = Files.createDirectory(dir.resolve("fs"));
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", mount.toString()),
            "skipped: mounting a small tmpfs needs root (this test proves the full-disk path on a real file system)");
        try
        {
            final Path filler = mount.resolve("filler");
            Files.write(filler, new byte[SEGMENT]);
            final Path folder = mount.resolve("log");
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[1000]);
            long appended = 0;
            try (AuditLog log = AuditLog.open(AuditLogConfig.builder(folder).segmentSize(SEGMENT).preallocate(false)
                .durability(DurabilityPolicy.everyRecord()).build()))
            {
                AuditDiskFullException full = null;
                while (full == null)
                {
                    try
                    {
                        appended = log.append(1, 0, payload, 0, payload.capacity());
                    }
                    catch (final AuditDiskFullException ex)
                    {
                        full = ex;
                    }
                    assertThat(appended).isLessThan(10_000);
                }
                assertThat(full).isInstanceOf(IpcException.class);
                assertThat(full.getMessage()).contains("directory=" + folder).contains("bytesNeeded=" + SEGMENT);
                assertThat(full.bytesNeeded()).isEqualTo(SEGMENT);
                assertThat(log.lastSequence()).isEqualTo(appended);
                // Nothing half-written: every file is a complete segment (or its index), no partial one.
                try (var files = Files.list(folder))
                {
                    assertThat(files.filter(p -> p.toString().endsWith(".log")))
                        .allSatisfy(p -> assertThat(Files.size(p)).isEqualTo(SEGMENT));
                }
                assertThatThrownBy(() -> log.append(1, 0, payload, 0, payload.capacity()))
                    .isInstanceOf(AuditDiskFullException.class);
                assertThat(readAll(folder, "audit")).hasSize((int)appended);

                Files.delete(filler);
                assertThat(log.append(1, 0, payload, 0, payload.capacity())).isEqualTo(appended + 1);
            }
            assertThat(readAll(folder, "audit")).extracting(Read::sequence).hasSize((int)appended + 1);
            assertThat(AuditVerifier.verify(folder, "audit", null).ok()).isTrue();
            assertThat(AuditFiles.listSegments(folder, "audit").length).isGreaterThan(1);
        }
        finally
        {
            run("umount", "-l", mount.toString());
        }
    }

    private static boolean run(final String... command) throws Exception
    {
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        }
        catch (final java.io.IOException ex)
        {
            return false;
        }
    }
}
