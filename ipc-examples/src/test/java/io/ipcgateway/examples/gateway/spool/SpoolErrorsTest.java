package io.ipcgateway.examples.gateway.spool;

import static io.ipcgateway.examples.gateway.spool.SpoolTestSupport.append;
import static io.ipcgateway.examples.gateway.spool.SpoolTestSupport.collect;
import static io.ipcgateway.examples.gateway.spool.SpoolTestSupport.drainAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.audit.AuditLog;
import io.ipcgateway.audit.AuditLogConfig;
import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.ConfigurationException;
import io.ipcgateway.core.CorruptionException;
import io.ipcgateway.examples.gateway.spool.SpoolTestSupport.Got;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpoolErrorsTest
{
    @TempDir
    Path dir;

    private Path folder()
    {
        return dir.resolve("spool");
    }

    private SpoolConfig config()
    {
        return SpoolConfig.builder(folder()).segmentSize(4096).build();
    }

    @Test
    void shouldNameTheSettingTheValueAndTheRangeWhenTheConfigIsInvalid()
    {
        assertThatThrownBy(() -> SpoolConfig.builder(folder()).maxBytes(0).build())
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("maxBytes='0'")
            .hasMessageContaining("[1, ");
        assertThatThrownBy(() -> SpoolConfig.builder(folder()).maxMessages(-5).build())
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("maxMessages='-5'");
        assertThatThrownBy(() -> SpoolConfig.builder(folder()).segmentSize(1000).build())
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("segmentSize='1000'")
            .hasMessageContaining("[4096, 1073741824]");
        assertThatThrownBy(() -> SpoolConfig.builder(folder()).segmentSize(4100).build())
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("multiple of 8");
        assertThatThrownBy(() -> SpoolConfig.builder(null).build())
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("directory");
        assertThatThrownBy(() -> SpoolConfig.builder(folder()).durability(null).build())
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("durability");
        final SpoolConfig defaults = SpoolConfig.builder(folder()).build();
        assertThat(defaults.maxBytes()).isEqualTo(SpoolConfig.DEFAULT_MAX_BYTES);
        assertThat(defaults.maxMessages()).isEqualTo(SpoolConfig.DEFAULT_MAX_MESSAGES);
        assertThat(defaults.durability()).isEqualTo(SpoolConfig.DEFAULT_DURABILITY);
    }

    @Test
    void shouldNameTheFolderWhenItCannotBeCreated() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("plain-file"), "x");
        final Path under = file.resolve("spool");
        assertThatThrownBy(() -> PublishSpool.open(SpoolConfig.builder(under).build()))
            .isInstanceOf(ChannelFileException.class).hasMessageContaining("cannot create spool folder")
            .hasMessageContaining("directory=" + under);
        assertThatThrownBy(() -> PublishSpool.open(SpoolConfig.builder(file).build()))
            .isInstanceOf(ChannelFileException.class).hasMessageContaining("not a folder")
            .hasMessageContaining(file.toString());
    }

    @Test
    void shouldRefuseAFolderThatBelongsToAnotherUser() throws Exception
    {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "chown needs root");
        Files.createDirectory(folder());
        Files.setAttribute(folder(), "unix:uid", 65534);
        assertThatThrownBy(() -> PublishSpool.open(config()))
            .isInstanceOf(ChannelFileException.class).hasMessageContaining("belongs to someone else")
            .hasMessageContaining("directory=" + folder()).hasMessageContaining("ownerUid=65534");
    }

    @Test
    void shouldRefuseASecondOpenOfTheSameSpool()
    {
        try (PublishSpool spool = PublishSpool.open(config()))
        {
            assertThatThrownBy(() -> PublishSpool.open(config()))
                .isInstanceOf(ChannelFileException.class).hasMessageContaining("spool is in use")
                .hasMessageContaining("directory=" + folder());
            assertThat(append(spool, "s", null, "still fine")).isEqualTo(1);
        }
        try (PublishSpool spool = PublishSpool.open(config()))
        {
            assertThat(spool.depth()).isEqualTo(1);
        }
    }

    @Test
    void shouldReportACorruptCursorNamingTheFolder() throws Exception
    {
        try (PublishSpool spool = PublishSpool.open(config()))
        {
            append(spool, "s", null, "m");
        }
        final Path cursor = folder().resolve(SpoolCursorDescriptor.FILE_NAME);
        try (RandomAccessFile file = new RandomAccessFile(cursor.toFile(), "rw"))
        {
            file.seek(SpoolCursorDescriptor.HEADER_LENGTH);
            file.write(new byte[2 * SpoolCursorDescriptor.SLOT_LENGTH]);
            file.seek(SpoolCursorDescriptor.HEADER_LENGTH + 3);
            file.write(7);
        }
        assertThatThrownBy(() -> PublishSpool.open(config()))
            .isInstanceOf(CorruptionException.class).hasMessageContaining("corrupt spool cursor")
            .hasMessageContaining("directory=" + folder()).hasMessageContaining("audit dump");
        try (RandomAccessFile file = new RandomAccessFile(cursor.toFile(), "rw"))
        {
            file.setLength(40);
        }
        assertThatThrownBy(() -> PublishSpool.open(config()))
            .isInstanceOf(CorruptionException.class).hasMessageContaining("length=40");
        Files.writeString(cursor, "this is not a spool cursor at all");
        assertThatThrownBy(() -> PublishSpool.open(config()))
            .isInstanceOf(ChannelFileException.class).hasMessageContaining("not a spool cursor")
            .hasMessageContaining("directory=" + folder());
    }

    @Test
    void shouldFallBackToTheOlderCursorSlotWhenTheNewerIsTornAndRepeatOnlyThatStep() throws Exception
    {
        try (PublishSpool spool = PublishSpool.open(config()))
        {
            for (int i = 0; i < 10; i++)
            {
                append(spool, "s", null, "m" + i);
            }
            assertThat(spool.drain(collect(new ArrayList<>()), 3)).isEqualTo(3);
            assertThat(spool.drain(collect(new ArrayList<>()), 3)).isEqualTo(3);
        }
        // Generation 1 was written on creation, 2 (sequence 3) by the first drain, 3 (sequence 6) by the second.
        final Path cursor = folder().resolve(SpoolCursorDescriptor.FILE_NAME);
        try (RandomAccessFile file = new RandomAccessFile(cursor.toFile(), "rw"))
        {
            final long at = SpoolCursorDescriptor.slotOffset(3) + SpoolCursorDescriptor.SEQUENCE_OFFSET;
            file.seek(at);
            file.write(0x55);
        }
        try (PublishSpool spool = PublishSpool.open(config()))
        {
            assertThat(spool.deliveredSequence()).isEqualTo(3);
            assertThat(drainAll(spool)).extracting(Got::payload)
                .containsExactly("m3", "m4", "m5", "m6", "m7", "m8", "m9");
        }
    }

    @Test
    void shouldRefuseAFolderWhoseLogIsNotASpool()
    {
        try (AuditLog log = AuditLog.open(AuditLogConfig.builder(folder()).name(PublishSpool.LOG_NAME)
            .segmentSize(4096).build()))
        {
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
            log.append(7, 0, payload, 0, 16);
        }
        assertThatThrownBy(() -> PublishSpool.open(config()))
            .isInstanceOf(ChannelFileException.class).hasMessageContaining("not a spool record")
            .hasMessageContaining("directory=" + folder());
        // The failed open left the folder usable for the right owner's tools: the lock was released.
        try (AuditLog log = AuditLog.open(AuditLogConfig.builder(folder()).name(PublishSpool.LOG_NAME)
            .segmentSize(4096).build()))
        {
            assertThat(log.lastSequence()).isEqualTo(1);
        }
    }
}
