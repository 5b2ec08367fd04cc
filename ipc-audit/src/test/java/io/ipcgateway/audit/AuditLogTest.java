package io.ipcgateway.audit;

import static io.ipcgateway.audit.AuditTestSupport.append;
import static io.ipcgateway.audit.AuditTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import io.ipcgateway.audit.AuditTestSupport.Read;
import io.ipcgateway.core.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest
{
    @TempDir
    Path dir;

    private AuditLogConfig.Builder config()
    {
        return AuditLogConfig.builder(dir.resolve("log")).segmentSize(64 * 1024);
    }

    @Test
    void shouldAppendAndReplayRecordsInOrderWithGapFreeSequences()
    {
        try (AuditLog log = AuditLog.open(config().build()))
        {
            assertThat(append(log, 7, "hello")).isEqualTo(1);
            assertThat(append(log, 8, "world")).isEqualTo(2);
            assertThat(append(log, 9, "")).isEqualTo(3);
            assertThat(log.lastSequence()).isEqualTo(3);
        }
        final List<Read> records = readAll(dir.resolve("log"), "audit");
        assertThat(records).extracting(Read::sequence).containsExactly(1L, 2L, 3L);
        assertThat(records).extracting(Read::type).containsExactly(7, 8, 9);
        assertThat(records).extracting(Read::payload).containsExactly("hello", "world", "");
        assertThat(records.get(0).timestamp()).isLessThanOrEqualTo(records.get(1).timestamp());
    }

    @Test
    void shouldResumeAtNextSequenceWhenReopened()
    {
        try (AuditLog log = AuditLog.open(config().build()))
        {
            append(log, 1, "a");
            append(log, 1, "b");
        }
        try (AuditLog log = AuditLog.open(config().build()))
        {
            assertThat(log.lastSequence()).isEqualTo(2);
            assertThat(append(log, 1, "c")).isEqualTo(3);
        }
        assertThat(readAll(dir.resolve("log"), "audit")).extracting(Read::payload).containsExactly("a", "b", "c");
        assertThat(AuditVerifier.verify(dir.resolve("log"), "audit", null).ok()).isTrue();
    }

    @Test
    void shouldCreateOwnerOnlyFolderAndFiles() throws Exception
    {
        try (AuditLog log = AuditLog.open(config().build()))
        {
            append(log, 1, "a");
        }
        final Path folder = dir.resolve("log");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");
        try (var files = Files.list(folder))
        {
            for (final Path file : files.toList())
            {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .as(file.toString()).isEqualTo("rw-------");
            }
        }
    }

    @Test
    void shouldRefuseFolderThatIsASymbolicLink() throws Exception
    {
        final Path target = Files.createDirectory(dir.resolve("target"));
        Files.createSymbolicLink(dir.resolve("log"), target);
        assertThatThrownBy(() -> AuditLog.open(config().build()))
            .hasMessageContaining("symbolic link");
    }

    @Test
    void shouldRefuseASecondWriterOnTheSameLog()
    {
        try (AuditLog log = AuditLog.open(config().build()))
        {
            append(log, 1, "a");
            assertThatThrownBy(() -> AuditLog.open(config().build()))
                .isInstanceOf(io.ipcgateway.core.ChannelFileException.class)
                .hasMessageContaining("another writer");
            assertThat(append(log, 1, "b")).isEqualTo(2);
        }
        try (AuditLog log = AuditLog.open(config().build()))
        {
            assertThat(append(log, 1, "c")).isEqualTo(3);
        }
    }

    @Test
    void shouldRejectInvalidSettingsNamingThem()
    {
        assertThatThrownBy(() -> config().segmentSize(100).build())
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("segmentSize=");
        assertThatThrownBy(() -> config().name("../x").build())
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("name=");
        assertThatThrownBy(() -> config().hashKey(new byte[4]).build())
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("hashKey");
    }

    @Test
    void shouldRefuseToOpenWithAnotherChainAlgorithmThanTheLogWasWrittenWith()
    {
        try (AuditLog log = AuditLog.open(config().build()))
        {
            append(log, 1, "a");
        }
        assertThatThrownBy(() -> AuditLog.open(config().hashKey(new byte[32]).build()))
            .hasMessageContaining("chain algorithm mismatch");
    }
}
