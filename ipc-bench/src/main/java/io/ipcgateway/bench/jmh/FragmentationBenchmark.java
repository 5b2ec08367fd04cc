package io.ipcgateway.bench.jmh;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.OfferResult;
import io.ipcgateway.shm.ShmClient;
import io.ipcgateway.shm.ShmServer;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Large one-way messages through our client and server: below the inbox's largest record (1 MiB ring, 128 KiB
 * records) a message is one record; above, it is split into fragments and reassembled by the server. Time per
 * message, sender and the server thread's reassembly together (a full ring is retried).
 * <p>
 * Run: {@code bin/ipc bench jmh FragmentationBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Benchmark)
public class FragmentationBenchmark
{
    private static final int MSG_TYPE_ID = 1;

    /** Message length: one record, just over one record, and several records. */
    @Param({"65536", "262144", "1048576"})
    public int size;

    private Path dir;
    private ShmServer server;
    private ShmClient client;
    private UnsafeBuffer message;

    /**
     * Start the server and connect.
     *
     * @throws IOException when the folder cannot be created.
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        dir = InProcessChannels.newDirectory("jmh-frag");
        server = InProcessChannels.launchServer(dir);
        client = InProcessChannels.connect(dir);
        message = InProcessChannels.message(size);
    }

    /**
     * Close both and delete the folder.
     *
     * @throws IOException when deleting fails.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        CloseHelper.closeAll(client, server);
        InProcessChannels.delete(dir);
    }

    /**
     * Offer one large message, retrying while back pressured.
     *
     * @return retries.
     */
    @Benchmark
    public int offerLarge()
    {
        int retries = 0;
        long result;
        while ((result = client.offer(MSG_TYPE_ID, message, 0, size)) != OfferResult.OK)
        {
            if (result != OfferResult.BACK_PRESSURED)
            {
                throw new IllegalStateException("offer failed: " + result);
            }
            retries++;
            Thread.onSpinWait();
        }
        return retries;
    }
}
