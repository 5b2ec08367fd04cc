package io.ipcgateway.bench.jmh;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.shm.ClientContext;
import io.ipcgateway.shm.ServerContext;
import io.ipcgateway.shm.ServerHandler;
import io.ipcgateway.shm.ShmClient;
import io.ipcgateway.shm.ShmServer;
import org.agrona.IoUtil;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * Set-up shared by the JMH benchmarks: rings over files mapped from {@code /dev/shm} with a consumer thread that
 * drains them, and our server and client in one JVM. Nothing here runs in a measured method.
 */
final class InProcessChannels
{
    /** Capacity of every ring, the same as our server inbox's default. */
    static final int RING_CAPACITY = 1024 * 1024;

    private InProcessChannels()
    {
    }

    /**
     * A fresh folder in shared memory (or the temporary directory).
     *
     * @param prefix of its name.
     * @return the folder.
     * @throws IOException when it cannot be created.
     */
    static Path newDirectory(final String prefix) throws IOException
    {
        final Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) ? Files.createTempDirectory(shm, prefix) : Files.createTempDirectory(prefix);
    }

    /**
     * Map a new ring file of {@link #RING_CAPACITY} plus Agrona's trailer.
     *
     * @param dir folder of the file.
     * @return the mapping.
     */
    static MappedByteBuffer mapRing(final Path dir)
    {
        return IoUtil.mapNewFile(dir.resolve("ring").toFile(), RING_CAPACITY + RingBufferDescriptor.TRAILER_LENGTH);
    }

    /**
     * Start a thread that drains {@code ring} with a busy-spin idle strategy, as a dedicated consumer would.
     *
     * @param ring the ring.
     * @return the runner; close it to stop the thread.
     */
    static AgentRunner startConsumer(final RingBuffer ring)
    {
        final AgentRunner runner = new AgentRunner(new BusySpinIdleStrategy(), Throwable::printStackTrace, null,
            new org.agrona.concurrent.Agent()
            {
                @Override
                public int doWork()
                {
                    return ring.read((msgTypeId, buffer, index, length) -> { }, 256);
                }

                @Override
                public String roleName()
                {
                    return "jmh-ring-consumer";
                }
            });
        AgentRunner.startOnThread(runner);
        return runner;
    }

    /**
     * Our server on its own spinning thread, ignoring what it receives.
     *
     * @param dir base directory.
     * @return the running server.
     */
    static ShmServer launchServer(final Path dir)
    {
        return ShmServer.launch(new ServerContext().serviceName("jmh").baseDirectory(dir).idleMode(IdleMode.SPIN),
            new ServerHandler()
            {
            });
    }

    /**
     * A client of {@link #launchServer(Path)} that spins when it waits.
     *
     * @param dir base directory.
     * @return the connected client.
     */
    static ShmClient connect(final Path dir)
    {
        return ShmClient.connect(new ClientContext().serviceName("jmh").baseDirectory(dir).idleMode(IdleMode.SPIN)
            .receiverThread(false));
    }

    /**
     * A 32-byte message.
     *
     * @param length bytes.
     * @return a buffer of that length.
     */
    static UnsafeBuffer message(final int length)
    {
        return new UnsafeBuffer(new byte[length]);
    }

    /**
     * Delete a folder and everything in it.
     *
     * @param dir the folder.
     * @throws IOException when listing fails.
     */
    static void delete(final Path dir) throws IOException
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
