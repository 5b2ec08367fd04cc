package io.ipcgateway.shm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.IpcException;
import io.ipcgateway.core.OfferResult;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ShmClient.close()} while other threads still send, request and close the same client: they get the CLOSED
 * code (or a not-connected one), never a crash or an unexpected exception, and every thread ends.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConcurrentCloseTest
{
    private static final Set<String> EXPECTED_CODES = Set.of("OK", "BACK_PRESSURED", "CLOSED", "NOT_CONNECTED",
        "TIMED_OUT");

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = IdleMode.class, names = {"SPIN", "BLOCK"})
    void shouldGiveClosedCodeToThreadsUsingClientWhileItCloses(final IdleMode mode) throws Exception
    {
        try (ShmServer server = ShmServer.launch(new ServerContext().serviceName("closing").baseDirectory(dir)
            .idleMode(mode), new EchoHandler()))
        {
            for (int round = 0; round < 20; round++)
            {
                final ShmClient client = ShmClient.connect(new ClientContext().serviceName("closing")
                    .baseDirectory(dir).idleMode(mode));
                final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
                final CountDownLatch started = new CountDownLatch(4);
                final List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < 4; t++)
                {
                    final boolean requester = t % 2 == 0;
                    threads.add(new Thread(() ->
                    {
                        final UnsafeBuffer message = new UnsafeBuffer(new byte[16]);
                        started.countDown();
                        for (int i = 0; i < 100_000; i++)
                        {
                            final long result;
                            try
                            {
                                result = requester ?
                                    client.request(1, message, 0, 16, (ty, b, o, l) -> { },
                                        TimeUnit.SECONDS.toNanos(5)) :
                                    client.offer(1, message, 0, 16);
                            }
                            catch (final IpcException closedWhileWaiting)
                            {
                                continue;
                            }
                            catch (final Throwable ex)
                            {
                                unexpected.add(ex.toString());
                                return;
                            }
                            final String code = OfferResult.describe(result);
                            if (!EXPECTED_CODES.contains(code))
                            {
                                unexpected.add(code);
                            }
                            if (result == OfferResult.CLOSED)
                            {
                                return;
                            }
                        }
                    }));
                }
                threads.forEach(Thread::start);
                started.await();
                Thread.sleep(round % 5);
                // Two threads close at once: one does the work, the other returns.
                final Thread otherCloser = new Thread(client::close);
                otherCloser.start();
                client.close();
                otherCloser.join(30_000);
                for (final Thread thread : threads)
                {
                    thread.join(60_000);
                    assertThat(thread.isAlive()).as("a thread using the client ended").isFalse();
                }
                assertThat(unexpected).isEmpty();
                assertThat(client.offer(1, new UnsafeBuffer(new byte[8]), 0, 8)).isEqualTo(OfferResult.CLOSED);
            }
            // The server saw every client go.
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (server.sessionCount() != 0 && System.nanoTime() < deadline)
            {
                Thread.sleep(5);
            }
            assertThat(server.sessionCount()).isZero();
        }
    }
}
