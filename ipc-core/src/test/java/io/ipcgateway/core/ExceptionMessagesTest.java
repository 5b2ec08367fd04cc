package io.ipcgateway.core;

import java.io.IOException;
import java.nio.file.Paths;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ExceptionMessagesTest
{
    @Test
    void shouldNameFileAndOffsetInCorruptionException()
    {
        final CorruptionException ex = new CorruptionException(Paths.get("/dev/shm/x/server"), 128, "bad length=-4");

        assertThat(ex).isInstanceOf(ChannelFileException.class).isInstanceOf(IpcException.class);
        assertThat(ex.getMessage()).isEqualTo("file=/dev/shm/x/server: offset=128: bad length=-4");
        assertThat(ex.file()).isEqualTo("/dev/shm/x/server");
        assertThat(ex.offset()).isEqualTo(128);
    }

    @Test
    void shouldNameFolderAndBytesNeededInStorageException()
    {
        final StorageException ex = new StorageException(Paths.get("/dev/shm/svc"), 1 << 20, new IOException("full"));

        assertThat(ex.getMessage())
            .contains("folder=/dev/shm/svc")
            .contains("bytesNeeded=1048576")
            .contains("smaller rings");
        assertThat(ex.bytesNeeded()).isEqualTo(1 << 20);
    }
}
