package io.ipcgateway.shm;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.CorruptionException;
import io.ipcgateway.core.OfferResult;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Another process truncates a connected client's file (keeping only its header page): the server detects it at
 * its next liveness check, before writing into the mapping again, reports a corruption naming the file, drops the
 * session, removes the file, and keeps serving the others. A SIGBUS in the server would end this test's JVM.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TruncatedFileIT
{
    @TempDir
    Path dir;

    @Test
    void shouldDropSessionOfTruncatedClientFileAndKeepServing() throws Exception
    {
        final List<Throwable> reported = Collections.synchronizedList(new ArrayList<>());
        try (ShmServer server = ShmServer.launch(new ServerContext().serviceName("trunc").baseDirectory(dir)
            .livenessTimeoutNs(TimeUnit.MILLISECONDS.toNanos(300)).errorHandler(reported::add), new EchoHandler()))
        {
            final Process victim = TestProcesses.start(TestProcesses.HoldMain.class, List.of(), dir.toString(),
                "trunc");
            try
            {
                final StringBuilder log = new StringBuilder();
                final String connected = TestProcesses.awaitLine(victim, "CONNECTED", log, 60_000);
                assertThat(connected).as(log.toString()).isNotNull();
                final Path victimFile = Paths.get(connected.substring("CONNECTED ".length()));
                assertThat(server.sessionCount()).isEqualTo(1);

                try (FileChannel channel = FileChannel.open(victimFile, StandardOpenOption.WRITE))
                {
                    channel.truncate(ChannelDescriptor.HEADER_LENGTH);
                }

                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while ((server.sessionCount() != 0 || Files.exists(victimFile)) && System.nanoTime() < deadline)
                {
                    Thread.sleep(10);
                }
                assertThat(server.sessionCount()).as("reported: " + reported).isZero();
                assertThat(victimFile).doesNotExist();
                synchronized (reported)
                {
                    assertThat(reported).anySatisfy(ex -> assertThat(ex).isInstanceOf(CorruptionException.class)
                        .hasMessageContaining(victimFile.toString()).hasMessageContaining("truncated"));
                }

                try (ShmClient client = ShmClient.connect(new ClientContext().serviceName("trunc")
                    .baseDirectory(dir)))
                {
                    final UnsafeBuffer request = new UnsafeBuffer(new byte[8]);
                    request.putLong(0, 99);
                    final long[] echoed = new long[1];
                    assertThat(client.request(1, request, 0, 8, (t, b, o, l) -> echoed[0] = b.getLong(o),
                        TimeUnit.SECONDS.toNanos(30))).isEqualTo(OfferResult.OK);
                    assertThat(echoed[0]).isEqualTo(99);
                }
            }
            finally
            {
                TestProcesses.destroy(victim);
            }
        }
    }
}
