package io.ipcgateway.shm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.CorruptionException;
import io.ipcgateway.core.IdleMode;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.broadcast.BroadcastBufferDescriptor;
import org.agrona.concurrent.broadcast.BroadcastReceiver;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.AfterAll;

import static io.ipcgateway.shm.FrameDescriptor.FRAGMENT_HEADER_LENGTH;
import static io.ipcgateway.shm.FrameDescriptor.MESSAGE_KIND;
import static io.ipcgateway.shm.FrameDescriptor.REQUEST_KIND;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing (Jazzer) of everything that decodes bytes another process wrote: ring record framing
 * ({@link CheckedRingReader}), fragment reassembly ({@link Reassembler}), control frames as the server decodes them
 * ({@link ServerAgent#onMessage} for every frame kind, and {@link FrameDescriptor#readAscii} for the strings of
 * CONNECT and REJECTED) and channel file headers ({@link ChannelFile#open} on a header page written to a real file).
 * <p>
 * A plain test run replays the seed corpus in
 * {@code src/test/resources/io/ipcgateway/shm/DecoderCoverageFuzzTestInputs/<target>/} (findings of earlier runs stay
 * fixed); the build also runs each target in fuzzing mode for a bounded time, one target per JVM
 * ({@code JAZZER_FUZZ=1}, see ipc-shm's pom). Any exception other than the documented ones fails the
 * run, and so does a hang (Jazzer's per-input timeout). The buffers are heap arrays with Agrona's bounds checks on, so
 * any access outside them throws.
 */
class DecoderCoverageFuzzTest
{
    private static final String MAX_DURATION = "30s";
    /**
     * The fewest executions a fuzzing run of {@link #MAX_DURATION} must reach per target: about a twelfth of what each
     * reached in a build on the shared 2-vCPU VM (ring reader 1.3 M, reassembler 6.5 M, control frames 250 k,
     * channel header 120 k), so only a run that barely fuzzed fails.
     */
    private static final Map<String, Long> MIN_EXECUTIONS = Map.of(
        "ringReaderHandsOutOnlyRecordsInsideTheRing", 100_000L,
        "reassemblerCompletesOnlyWhatItAccepted", 500_000L,
        "controlFramesAreRefusedOrHandledButNeverFail", 20_000L,
        "channelHeaderIsRefusedOrUsable", 10_000L);
    /** Executions of each target in this JVM (one target per JVM when fuzzing). */
    private static final Map<String, LongAdder> EXECUTIONS = new ConcurrentHashMap<>();
    private static final Path RING_FILE = Paths.get("/dev/shm/fuzz-ring.ipc");
    private static final long RING_FILE_OFFSET = ChannelDescriptor.HEADER_LENGTH;
    private static final int RING_CAPACITY = 1024;
    private static final int MAX_MESSAGE_LENGTH = 4096;
    private static final int FRAGMENT_KINDS = Reassembler.kinds(MESSAGE_KIND, REQUEST_KIND);
    /** Largest reason a client reads from a REJECTED frame. */
    private static final int MAX_REJECTED_REASON_LENGTH = 1024;

    private static Path tempDirectory;
    private static ServerFixture server;

    /**
     * When fuzzing ({@code JAZZER_FUZZ} set), each target that ran must have been executed at least its
     * {@link #MIN_EXECUTIONS}: a fuzzing run that starved (a slow target, a machine too loaded) fails instead of
     * passing after a handful of inputs. Prints the counts for the build log.
     */
    @AfterAll
    static void checkExecutionCounts()
    {
        final String fuzz = System.getenv("JAZZER_FUZZ");
        EXECUTIONS.forEach((target, count) -> System.out.println("FUZZ " + target + " executions=" + count.sum()
            + (fuzz == null || fuzz.isEmpty() ? " (regression: the seed corpus)" : "")));
        if (fuzz != null && !fuzz.isEmpty())
        {
            assertThat(EXECUTIONS).as("fuzz targets that ran").isNotEmpty();
            EXECUTIONS.forEach((target, count) -> assertThat(count.sum())
                .as("executions of %s in %s", target, MAX_DURATION)
                .isGreaterThanOrEqualTo(MIN_EXECUTIONS.get(target)));
        }
    }

    private static void countExecution(final String target)
    {
        EXECUTIONS.computeIfAbsent(target, name -> new LongAdder()).increment();
    }

    @AfterAll
    static void deleteFiles() throws IOException
    {
        if (server != null)
        {
            server.close();
            server = null;
        }
        if (tempDirectory != null)
        {
            try (Stream<Path> paths = Files.walk(tempDirectory))
            {
                for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
                {
                    Files.deleteIfExists(path);
                }
            }
            tempDirectory = null;
        }
    }

    /**
     * The ring bytes, the trailer's head and tail and writes between reads come from the fuzzer; the reader must
     * only hand out records inside the ring or throw {@link CorruptionException} naming the file, and every call
     * must return.
     */
    @FuzzTest(maxDuration = MAX_DURATION)
    void ringReaderHandsOutOnlyRecordsInsideTheRing(final FuzzedDataProvider data)
    {
        countExecution("ringReaderHandsOutOnlyRecordsInsideTheRing");
        final UnsafeBuffer ring = new UnsafeBuffer(new byte[RING_CAPACITY + RingBufferDescriptor.TRAILER_LENGTH]);
        // The reader starts at an aligned head (its own, or the one a fresh file has); only later it reads garbage.
        final long head = data.consumeLong() & ~(long)(RecordDescriptor.ALIGNMENT - 1);
        ring.putLong(RING_CAPACITY + RingBufferDescriptor.HEAD_POSITION_OFFSET, head);
        ring.putLong(RING_CAPACITY + RingBufferDescriptor.TAIL_POSITION_OFFSET,
            data.consumeBoolean() ? head + data.consumeInt(0, 2 * RING_CAPACITY) : data.consumeLong());
        final CheckedRingReader reader = new CheckedRingReader(ring, RING_FILE, RING_FILE_OFFSET);
        final int passes = data.consumeInt(1, 8);
        for (int pass = 0; pass < passes; pass++)
        {
            overwrite(ring, data, data.consumeInt(0, 4));
            final int limit = data.consumeInt(1, 64);
            final int[] handedOut = {0};
            try
            {
                if (data.consumeBoolean())
                {
                    reader.verifyPositions();
                }
                final int read = reader.read((typeId, buffer, index, length) ->
                {
                    handedOut[0]++;
                    assertThat(typeId).isPositive();
                    assertThat(length).isNotNegative();
                    assertThat(index).isGreaterThanOrEqualTo(RecordDescriptor.HEADER_LENGTH);
                    assertThat((long)index + length).isLessThanOrEqualTo(RING_CAPACITY);
                }, limit);
                assertThat(read).isEqualTo(handedOut[0]).isLessThanOrEqualTo(limit);
            }
            catch (final CorruptionException ex)
            {
                assertThat(ex.offset()).isBetween(RING_FILE_OFFSET, RING_FILE_OFFSET + ring.capacity());
                assertThat(ex).hasMessageContaining(RING_FILE.toString());
            }
            assertThat(reader.head() % RecordDescriptor.ALIGNMENT).isZero();
        }
        final byte[] rest = data.consumeRemainingAsBytes();
        ring.putBytes(0, rest, 0, Math.min(rest.length, RING_CAPACITY));
        try
        {
            reader.read((typeId, buffer, index, length) ->
                assertThat((long)index + length).isLessThanOrEqualTo(RING_CAPACITY), Integer.MAX_VALUE);
        }
        catch (final CorruptionException expected)
        {
            assertThat(expected).hasMessageContaining(RING_FILE.toString());
        }
    }

    /**
     * A sequence of fragments with fuzzed headers and lengths: the reassembler never throws, and a complete message
     * is exactly the bytes of the fragments it accepted since the last fragment that started a message.
     */
    @FuzzTest(maxDuration = MAX_DURATION)
    void reassemblerCompletesOnlyWhatItAccepted(final FuzzedDataProvider data)
    {
        countExecution("reassemblerCompletesOnlyWhatItAccepted");
        final Reassembler reassembler = new Reassembler(MAX_MESSAGE_LENGTH);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[FRAGMENT_HEADER_LENGTH + 600]);
        final ByteArrayOutputStream accepted = new ByteArrayOutputStream();
        int startTypeId = 0;
        long startCorrelationId = 0;
        while (data.remainingBytes() > FRAGMENT_HEADER_LENGTH)
        {
            final int length = data.consumeInt(0, frame.capacity());
            final byte[] bytes = data.consumeBytes(length);
            frame.setMemory(0, frame.capacity(), (byte)0);
            frame.putBytes(0, bytes);
            final int result = reassembler.onFragment(frame, 0, length, FRAGMENT_KINDS);
            assertThat(result).isBetween(Reassembler.INVALID, Reassembler.COMPLETE);
            if (result == Reassembler.INVALID)
            {
                accepted.reset();
                continue;
            }
            if (frame.getInt(FrameDescriptor.FRAGMENT_OFFSET_OFFSET) == 0)
            {
                accepted.reset();
                startTypeId = frame.getInt(FrameDescriptor.TYPE_ID_OFFSET);
                startCorrelationId = frame.getLong(FrameDescriptor.CORRELATION_ID_OFFSET);
            }
            // The frame's bytes past what the fuzzer gave are zeros.
            final byte[] payload = new byte[length - FRAGMENT_HEADER_LENGTH];
            frame.getBytes(FRAGMENT_HEADER_LENGTH, payload);
            accepted.write(payload, 0, payload.length);
            if (result == Reassembler.COMPLETE)
            {
                final byte[] message = new byte[reassembler.length()];
                reassembler.buffer().getBytes(0, message);
                assertThat(message).isEqualTo(accepted.toByteArray());
                assertThat(reassembler.length()).isBetween(1, MAX_MESSAGE_LENGTH);
                assertThat(reassembler.innerKind()).isIn(MESSAGE_KIND, REQUEST_KIND);
                assertThat(reassembler.typeId()).isEqualTo(startTypeId);
                assertThat(reassembler.correlationId()).isEqualTo(startCorrelationId);
                accepted.reset();
            }
        }
    }

    /**
     * Frames of every kind with fuzzed fields go to a real server's frame handler (a service created in a temp
     * folder, its duty cycle not running), next to a real client file the fuzzer can name in a CONNECT. The server
     * may only refuse them as invalid ({@link ChannelFileException}), never fail otherwise. The strings of CONNECT
     * and REJECTED frames are read only inside their record.
     */
    @FuzzTest(maxDuration = MAX_DURATION)
    @DictionaryEntries({"client-", ".ipc", "client-1-1.ipc"})
    void controlFramesAreRefusedOrHandledButNeverFail(final FuzzedDataProvider data)
    {
        countExecution("controlFramesAreRefusedOrHandledButNeverFail");
        final UnsafeBuffer record = new UnsafeBuffer(new byte[256]);
        final int offset = data.consumeInt(0, record.capacity());
        final int limit = data.consumeInt(offset, record.capacity());
        final int declared = data.consumeInt();
        final String value = FrameDescriptor.readAscii(record, offset, declared,
            limit, data.consumeBoolean() ? MAX_REJECTED_REASON_LENGTH : FrameDescriptor.MAX_CLIENT_FILE_NAME_LENGTH);
        if (value != null)
        {
            assertThat(value).hasSize(declared);
            assertThat(offset + declared).isLessThanOrEqualTo(limit);
        }

        final ServerFixture fixture = server();
        final int frames = data.consumeInt(1, 4);
        for (int i = 0; i < frames && data.remainingBytes() > 0; i++)
        {
            final int kind = data.consumeInt(0, FrameDescriptor.FRAGMENT_KIND + 1);
            final int length = data.consumeInt(0, record.capacity() - 8);
            final byte[] bytes = data.consumeBytes(data.consumeInt(0, length));
            record.setMemory(0, record.capacity(), (byte)0);
            if (kind == FrameDescriptor.CONNECT_KIND && data.consumeBoolean())
            {
                // A frame that names the real client file, so the fuzzer gets past the file checks quickly.
                fixture.connectFrame(record, data.consumeInt(0, 8));
            }
            record.putBytes(8, bytes);
            // The ring reader guarantees that a record lies inside the ring; its length is the fuzzer's.
            fixture.agent.onMessage(kind, record, 8, length);
        }
        fixture.afterInput();
    }

    /**
     * A channel file whose header page and length come from the fuzzer: opening it either fails with a
     * {@link ChannelFileException} naming it, or gives a file whose ring the caller can build for its type.
     */
    @FuzzTest(maxDuration = MAX_DURATION)
    @DictionaryEntries({"IPCGWSHM"})
    void channelHeaderIsRefusedOrUsable(final FuzzedDataProvider data) throws IOException
    {
        countExecution("channelHeaderIsRefusedOrUsable");
        final Path path = tempDirectory().resolve("header.ipc");
        final int type = data.consumeInt(ChannelDescriptor.TYPE_SERVER, ChannelDescriptor.TYPE_BROADCAST);
        final byte[] header = new byte[ChannelDescriptor.COUNTERS_VALUES_OFFSET];
        final UnsafeBuffer fields = new UnsafeBuffer(header);
        if (data.consumeBoolean())
        {
            // Start from a valid header of the type, so the fuzzer spends its time on the fields after the magic.
            final int capacity = 1 << data.consumeInt(10, 20);
            fields.putLong(ChannelDescriptor.MAGIC_OFFSET, ChannelDescriptor.MAGIC);
            fields.putInt(ChannelDescriptor.VERSION_OFFSET, ChannelDescriptor.LAYOUT_VERSION);
            fields.putInt(ChannelDescriptor.FILE_TYPE_OFFSET, type);
            fields.putInt(ChannelDescriptor.RING_CAPACITY_OFFSET, capacity);
            fields.putInt(ChannelDescriptor.RING_TRAILER_LENGTH_OFFSET, trailerLength(type));
            fields.putInt(ChannelDescriptor.MAX_MESSAGE_LENGTH_OFFSET, MAX_MESSAGE_LENGTH);
        }
        final int writes = data.consumeInt(0, 8);
        for (int i = 0; i < writes; i++)
        {
            fields.putInt(data.consumeInt(0, ChannelDescriptor.OWNER_UID_OFFSET + 4) & ~3, data.consumeInt());
        }
        // The length the header claims (give or take a little) or any length up to 8 GiB (sparse).
        final long length = Math.max(0, data.consumeBoolean() ?
            ChannelDescriptor.fileLength(fields.getInt(ChannelDescriptor.RING_CAPACITY_OFFSET),
            fields.getInt(ChannelDescriptor.RING_TRAILER_LENGTH_OFFSET)) + data.consumeInt(-8, 8) :
            data.consumeLong(0, 1L << 33));
        writeSparse(path, header, length);
        try (ChannelFile file = ChannelFile.open(path, type))
        {
            assertThat(file.mappedLength()).isEqualTo(Files.size(path));
            assertThat(file.ring().capacity()).isEqualTo((int)(file.mappedLength() - ChannelDescriptor.HEADER_LENGTH));
            assertThat(file.maxMessageLength()).isPositive();
            assertThat(file.consumerIdleMode()).isNotNull();
            // What each side builds on an opened file must accept it too.
            switch (type)
            {
                case ChannelDescriptor.TYPE_SERVER:
                    assertThat(new ManyToOneRingBuffer(file.ring()).capacity()).isEqualTo(file.ringCapacity());
                    break;
                case ChannelDescriptor.TYPE_CLIENT:
                    assertThat(new OneToOneRingBuffer(file.ring()).capacity()).isEqualTo(file.ringCapacity());
                    break;
                default:
                    assertThat(new BroadcastReceiver(file.ring()).capacity()).isEqualTo(file.ringCapacity());
                    break;
            }
        }
        catch (final ChannelFileException ex)
        {
            assertThat(ex).hasMessageContaining(path.toString());
        }
        finally
        {
            Files.deleteIfExists(path);
        }
    }

    private static int trailerLength(final int type)
    {
        return type == ChannelDescriptor.TYPE_BROADCAST ?
            BroadcastBufferDescriptor.TRAILER_LENGTH : RingBufferDescriptor.TRAILER_LENGTH;
    }

    private static void overwrite(final UnsafeBuffer ring, final FuzzedDataProvider data, final int writes)
    {
        for (int i = 0; i < writes; i++)
        {
            // Aligned writes of plausible lengths and types, or a raw long anywhere, trailer included.
            if (data.consumeBoolean())
            {
                final int at = data.consumeInt(0, RING_CAPACITY / RecordDescriptor.ALIGNMENT - 1) *
                    RecordDescriptor.ALIGNMENT;
                ring.putInt(at, data.consumeInt(-16, RING_CAPACITY + 32));
                ring.putInt(at + 4, data.consumeInt(-2, 16));
            }
            else
            {
                ring.putLong(data.consumeInt(0, ring.capacity() - Long.BYTES), data.consumeLong());
            }
        }
    }

    private static void writeSparse(final Path path, final byte[] header, final long length) throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw"))
        {
            file.setLength(length);
            file.write(header, 0, (int)Math.min(header.length, length));
        }
    }

    private static Path tempDirectory()
    {
        if (tempDirectory == null)
        {
            try
            {
                tempDirectory = Files.createTempDirectory("ipc-fuzz");
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
        return tempDirectory;
    }

    private static ServerFixture server()
    {
        if (server == null)
        {
            server = new ServerFixture(tempDirectory());
        }
        return server;
    }

    /**
     * A service created without its duty cycle, and one client file in its folder; errors the server reports are
     * checked after each input, and the sessions a valid CONNECT opened are disconnected again.
     */
    private static final class ServerFixture
    {
        private final ShmServer shmServer;
        private final ServerAgent agent;
        private final ChannelFile clientFile;
        private final CheckedRingReader clientInbox;
        private final List<ClientSession> sessions = new ArrayList<>();
        private final List<Throwable> unexpected = new ArrayList<>();
        private final UnsafeBuffer disconnect = new UnsafeBuffer(new byte[FrameDescriptor.DISCONNECT_LENGTH]);

        ServerFixture(final Path baseDirectory)
        {
            shmServer = ShmServer.create(new ServerContext().serviceName("fuzz").baseDirectory(baseDirectory)
                .ringCapacity(ShmConfiguration.MIN_RING_CAPACITY).maxMessageLength(MAX_MESSAGE_LENGTH)
                .errorHandler(this::onError), new ServerHandler()
                {
                    @Override
                    public void onConnect(final ClientSession session)
                    {
                        sessions.add(session);
                    }
                });
            agent = (ServerAgent)shmServer.agent();
            clientFile = ChannelFile.create(shmServer.serviceDirectory().resolve(clientFileName()),
                ChannelDescriptor.TYPE_CLIENT, ShmConfiguration.MIN_RING_CAPACITY,
                RingBufferDescriptor.TRAILER_LENGTH, MAX_MESSAGE_LENGTH, IdleMode.SPIN);
            clientInbox = new CheckedRingReader(clientFile.ring(), clientFile.path(), ChannelDescriptor.HEADER_LENGTH);
        }

        private static String clientFileName()
        {
            return "client-" + ProcessInfo.pid() + "-1.ipc";
        }

        private void onError(final Throwable error)
        {
            // Refusals of invalid frames are ChannelFileExceptions naming the server file; anything else is a bug.
            if (!(error instanceof ChannelFileException))
            {
                unexpected.add(error);
            }
        }

        /**
         * Writes a CONNECT frame naming the client file at index 8, with a pid that is right or off by a little.
         */
        void connectFrame(final UnsafeBuffer record, final int pidDelta)
        {
            final String name = clientFileName();
            record.putInt(8 + FrameDescriptor.CONNECT_PROTOCOL_OFFSET, FrameDescriptor.PROTOCOL_VERSION);
            record.putLong(8 + FrameDescriptor.CONNECT_PID_OFFSET, ProcessInfo.pid() + pidDelta);
            record.putInt(8 + FrameDescriptor.CONNECT_NAME_LENGTH_OFFSET, name.length());
            record.putStringWithoutLengthAscii(8 + FrameDescriptor.CONNECT_NAME_OFFSET, name);
        }

        void afterInput()
        {
            for (final ClientSession session : sessions)
            {
                disconnect.putInt(FrameDescriptor.SESSION_ID_OFFSET, session.sessionId());
                agent.onMessage(FrameDescriptor.DISCONNECT_KIND, disconnect, 0, disconnect.capacity());
            }
            sessions.clear();
            assertThat(shmServer.sessionCount()).isZero();
            // Empty the client's inbox (the server answered CONNECT there) so later CONNECTs find room.
            while (clientInbox.read(DecoderCoverageFuzzTest::ignore, Integer.MAX_VALUE) > 0)
            {
                Thread.onSpinWait();
            }
            final List<Throwable> errors = new ArrayList<>(unexpected);
            unexpected.clear();
            assertThat(errors).as(() -> Arrays.toString(errors.toArray())).isEmpty();
        }

        void close()
        {
            clientFile.close();
            shmServer.close();
        }
    }

    private static void ignore(final int typeId, final DirectBuffer buffer, final int index, final int length)
    {
        // Only the room matters.
    }
}
