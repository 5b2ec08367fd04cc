package io.ipcgateway.bench.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class PlainLogWriterTest
{
    @TempDir
    Path dir;

    @Test
    void shouldWriteAlignedRecordsWhoseChecksumsMatch() throws IOException
    {
        final Path file = dir.resolve("plain.log");
        final int records = 3000;
        try (PlainLogWriter writer = PlainLogWriter.open(file, PlainLogWriter.Durability.NONE))
        {
            for (int i = 0; i < records; i++)
            {
                final ByteBuffer payload = ByteBuffer.allocate(1 + i % 70);
                payload.put(0, (byte)i);
                assertThat(writer.append(payload)).isEqualTo(i);
                assertThat(payload.position()).isZero();
            }
        }
        final ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int count = 0;
        while (bytes.remaining() > 0)
        {
            final int start = bytes.position();
            final int length = bytes.getInt(start);
            assertThat(length).isEqualTo(1 + count % 70);
            assertThat(bytes.getLong(start + 8)).isEqualTo(count);
            assertThat(bytes.get(start + PlainLogWriter.HEADER_LENGTH)).isEqualTo((byte)count);
            final CRC32C crc = new CRC32C();
            crc.update(bytes.array(), start + 8, PlainLogWriter.HEADER_LENGTH - 8 + length);
            assertThat(bytes.getInt(start + 4)).isEqualTo((int)crc.getValue());
            bytes.position(start + ((PlainLogWriter.HEADER_LENGTH + length + 7) & -8));
            count++;
        }
        assertThat(count).isEqualTo(records);
    }

    @Test
    void shouldForceAfterEveryRecordWhenAsked() throws IOException
    {
        try (PlainLogWriter writer = PlainLogWriter.open(dir.resolve("fsync.log"),
            PlainLogWriter.Durability.EVERY_RECORD))
        {
            for (int i = 0; i < 5; i++)
            {
                writer.append(ByteBuffer.allocate(64));
            }
            assertThat(writer.forces()).isEqualTo(5);
            assertThat(Files.size(dir.resolve("fsync.log"))).isEqualTo(5 * 88);
        }
    }
}
