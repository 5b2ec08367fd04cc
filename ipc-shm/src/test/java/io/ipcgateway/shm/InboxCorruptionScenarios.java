package io.ipcgateway.shm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.ipcgateway.core.CorruptionException;
import io.ipcgateway.core.CounterKind;
import io.ipcgateway.core.IpcException;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.core.StaleClaimException;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Garbage written straight into a running service's inbox ring and its trailer by another mapping of the file (what
 * a hostile or broken process does), one scenario per kind of damage. Each scenario checks that the server reports a
 * {@link CorruptionException} naming the file and the offset, and still answers a well-behaved client afterwards.
 * Run in-process by {@link InboxCorruptionTest} and in a JVM with Agrona's bounds checks disabled by
 * {@link InboxCorruptionIT}, where an out-of-bounds access would crash the JVM instead of throwing.
 */
final class InboxCorruptionScenarios implements AutoCloseable
{
    static final List<String> NAMES = List.of(
        "hugeRecordLength", "recordLengthBeyondTail", "recordLengthShorterThanHeader", "invalidRecordType",
        "invalidTailPosition", "headPositionChanged", "randomGarbage", "clientInboxRecordLength",
        "clientInboxRecordBeyondTail");

    private static final int RING_CAPACITY = 64 * 1024;
    private static final Pattern OFFSET = Pattern.compile("offset=(\\d+)");

    private final List<Throwable> reported = Collections.synchronizedList(new ArrayList<>());
    private final Path serverFilePath;
    private final ShmServer server;
    private final ShmClient client;
    private final ChannelFile hostileMapping;
    private final ManyToOneRingBuffer ring;
    private final UnsafeBuffer buffer;
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);

    InboxCorruptionScenarios(final Path dir)
    {
        server = ShmServer.launch(new ServerContext().serviceName("corrupt").baseDirectory(dir)
            .ringCapacity(RING_CAPACITY).errorHandler(reported::add), new EchoHandler());
        client = ShmClient.connect(new ClientContext().serviceName("corrupt").baseDirectory(dir)
            .errorHandler(ex -> { }));
        serverFilePath = ServiceDirectory.serverFile(dir.resolve("corrupt"));
        hostileMapping = ChannelFile.open(serverFilePath, ChannelDescriptor.TYPE_SERVER);
        buffer = hostileMapping.ring();
        ring = new ManyToOneRingBuffer(buffer);
    }

    /**
     * Runs one scenario by name.
     */
    void run(final String name)
    {
        final int reportedBefore = reported.size();
        final long errorsBefore = server.counters().get(CounterKind.ERRORS);
        switch (name)
        {
            case "hugeRecordLength":
                commitWithLength(0x4000_0000, "crosses the end of the ring");
                break;
            case "recordLengthBeyondTail":
                commitWithLength(4096, "beyond the producers' tail");
                break;
            case "recordLengthShorterThanHeader":
                commitWithLength(3, "shorter than its header");
                break;
            case "invalidRecordType":
                invalidType();
                break;
            case "invalidTailPosition":
                awaitDrained();
                buffer.putLongVolatile(tailIndex(), ring.consumerPosition() + 3L * RING_CAPACITY + 8);
                awaitReport("invalid tail position", reportedBefore);
                break;
            case "headPositionChanged":
                awaitDrained();
                buffer.putLongVolatile(RING_CAPACITY + RingBufferDescriptor.HEAD_POSITION_OFFSET, 12_345_678L);
                awaitReport("head position changed", reportedBefore);
                break;
            case "randomGarbage":
                randomGarbage(7);
                break;
            case "clientInboxRecordLength":
                clientInboxRecordLength(0x7fff_fff0, "crosses the end of the ring");
                return;
            case "clientInboxRecordBeyondTail":
                // Framed like a record the server wrote, reaching past the server's tail: the client reads it
                // (it does not read the tail per poll) and finds it at its next heartbeat.
                clientInboxRecordLength(4096, "beyond the producers' tail");
                return;
            default:
                throw new IllegalArgumentException(name);
        }
        assertThat(server.counters().get(CounterKind.ERRORS)).isGreaterThan(errorsBefore);
        assertStillServing();
        assertEveryReportNamesFileAndOffset(name, reportedSince(reportedBefore), serverFilePath,
            hostileMapping.mappedLength());
    }

    /**
     * Every report is one of our typed errors ({@link IpcException}) naming {@code file} and an offset inside it: an
     * {@link IndexOutOfBoundsException} next to the expected report, or a report that does not say where, fails.
     */
    static void assertEveryReportNamesFileAndOffset(
        final String scenario, final List<Throwable> reports, final Path file, final long fileLength)
    {
        assertThat(reports).as("%s: reports", scenario).allSatisfy(ex ->
        {
            assertThat(ex).as("%s", scenario).isInstanceOf(IpcException.class)
                .hasMessageContaining("file=" + file);
            final Matcher offset = OFFSET.matcher(String.valueOf(ex.getMessage()));
            assertThat(offset.find()).as("%s: an offset in %s", scenario, ex).isTrue();
            assertThat(Long.parseLong(offset.group(1))).as("%s: offset in %s", scenario, ex)
                .isBetween(0L, fileLength - 1);
            if (ex instanceof CorruptionException)
            {
                assertThat(((CorruptionException)ex).offset()).as("%s: offset of %s", scenario, ex)
                    .isBetween((long)ChannelDescriptor.HEADER_LENGTH, fileLength - 1);
            }
        });
    }

    /**
     * A record claimed like a producer does, then its length field overwritten before it is committed.
     */
    private void commitWithLength(final int length, final String expected)
    {
        final int reportedBefore = reported.size();
        final int index = claim();
        buffer.putIntRelease(index - RecordDescriptor.HEADER_LENGTH, length);
        awaitReport(expected, reportedBefore);
    }

    private void invalidType()
    {
        final int reportedBefore = reported.size();
        final int index = claim();
        buffer.putInt(index - RecordDescriptor.HEADER_LENGTH + Integer.BYTES, 0);
        ring.commit(index);
        awaitReport("invalid record type 0", reportedBefore);
    }

    /**
     * Garbage in the client's own inbox (written where the server writes responses): the client reports it naming
     * its file and offset and drops the server; requests and sends then return PEER_DEAD.
     */
    private void clientInboxRecordLength(final int length, final String expected)
    {
        final List<Throwable> clientReports = Collections.synchronizedList(new ArrayList<>());
        try (ShmClient victim = ShmClient.connect(new ClientContext().serviceName("corrupt")
            .baseDirectory(serverFilePath.getParent().getParent()).errorHandler(clientReports::add));
            ChannelFile victimInbox = ChannelFile.open(victim.inboxFile(), ChannelDescriptor.TYPE_CLIENT))
        {
            final org.agrona.concurrent.ringbuffer.OneToOneRingBuffer victimRing =
                new org.agrona.concurrent.ringbuffer.OneToOneRingBuffer(victimInbox.ring());
            final int index = victimRing.tryClaim(1, 16);
            assertThat(index).isPositive();
            victimInbox.ring().putIntRelease(index - RecordDescriptor.HEADER_LENGTH, length);
            payload.putLong(0, 1);
            final long result = victim.request(1, payload, 0, 8, (t, b, o, l) -> { }, TimeUnit.SECONDS.toNanos(30));
            assertThat(OfferResult.describe(result)).isEqualTo("PEER_DEAD");
            assertThat(victim.offer(1, payload, 0, 8)).isEqualTo(OfferResult.PEER_DEAD);
            synchronized (clientReports)
            {
                assertThat(clientReports).anySatisfy(ex -> assertThat(ex).isInstanceOf(CorruptionException.class)
                    .hasMessageContaining(victim.inboxFile().toString()).hasMessageContaining("offset=")
                    .hasMessageContaining(expected));
                assertEveryReportNamesFileAndOffset("client inbox", clientReports, victim.inboxFile(),
                    victimInbox.mappedLength());
            }
        }
        // The other client and the server are untouched.
        assertStillServing();
    }

    /**
     * The random garbage scenario with another seed: where the writes land, and how they interleave with the server
     * and the client, decides which of the reader's defences is exercised. Every report must be one of our typed
     * errors naming the server file and an offset in it.
     *
     * @return whether the server detected the garbage (reported at least one {@link CorruptionException}).
     */
    boolean runRandomGarbage(final long seed)
    {
        final int reportedBefore = reported.size();
        writeGarbage(seed);
        // Not every seed leaves garbage the server can see: writes ahead of the producers are overwritten by the
        // next records, and a fast consumer may have read a record before the write hit it. What must hold is that
        // the server keeps answering, and that whatever it saw it reports as one of our typed errors.
        assertStillServing();
        // Slots stuck by garbage are skipped after the liveness timeout and positions checked at heartbeats: a seed
        // that shows nothing yet gets that long to be detected.
        final long deadline = System.nanoTime() + ShmConfiguration.LIVENESS_TIMEOUT_DEFAULT_NS
            + 2 * ShmConfiguration.HEARTBEAT_INTERVAL_DEFAULT_NS;
        while (reportedSince(reportedBefore).stream().noneMatch(CorruptionException.class::isInstance) &&
            System.nanoTime() < deadline)
        {
            Thread.yield();
        }
        final List<Throwable> reports = reportedSince(reportedBefore);
        assertEveryReportNamesFileAndOffset("seed=" + seed, reports, serverFilePath, hostileMapping.mappedLength());
        return reports.stream().anyMatch(CorruptionException.class::isInstance);
    }

    /**
     * The fixed-seed scenario: garbage while the client keeps sending, then at least one corruption reported (this
     * seed is known to leave garbage where the server reads it).
     */
    private void randomGarbage(final long seed)
    {
        final int reportedBefore = reported.size();
        writeGarbage(seed);
        // Positions are checked at heartbeat time and stuck slots unblocked after the liveness timeout.
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (reportedSince(reportedBefore).stream().noneMatch(CorruptionException.class::isInstance) &&
            System.nanoTime() < deadline)
        {
            Thread.yield();
        }
        final List<Throwable> reports = reportedSince(reportedBefore);
        assertThat(reports).as("reported").anySatisfy(ex -> assertThat(ex).isInstanceOf(CorruptionException.class));
        assertEveryReportNamesFileAndOffset("seed=" + seed, reports, serverFilePath, hostileMapping.mappedLength());
    }

    /**
     * 2000 random ints at random places of the data area and the trailer, each followed by a one-way message.
     */
    private void writeGarbage(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 2_000; i++)
        {
            final int offset = random.nextInt((RING_CAPACITY + RingBufferDescriptor.TRAILER_LENGTH) / 4) * 4;
            buffer.putIntVolatile(offset, random.nextBoolean() ? random.nextInt(-16, 1 << 17) : random.nextInt());
            payload.putLong(0, i);
            try
            {
                client.offer(1, payload, 0, 8);
            }
            catch (final StaleClaimException droppedClaim)
            {
                // The server dropped a corrupt window holding this client's claim: the commit says so, naming the
                // file, and publishes nothing.
                assertThat(droppedClaim).hasMessageContaining(serverFilePath.toString())
                    .hasMessageContaining("claim skipped by the consumer");
            }
        }
    }

    private int claim()
    {
        awaitDrained();
        int index;
        while ((index = ring.tryClaim(1, 16)) < 0)
        {
            Thread.yield();
        }
        return index;
    }

    private void awaitDrained()
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ring.consumerPosition() != ring.producerPosition())
        {
            assertThat(System.nanoTime()).as("the server drains its inbox").isLessThan(deadline);
            Thread.yield();
        }
    }

    /**
     * Waits for a corruption report containing {@code expected}: not only for the first report, since damage the
     * reader cannot see per record (a record forged beyond the tail) is first handed on as a frame, which the server
     * reports as an invalid frame, and is found at the next heartbeat's trailer check.
     */
    private void awaitReport(final String expected, final int reportedBefore)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (reportedSince(reportedBefore).stream().noneMatch(ex -> ex instanceof CorruptionException &&
            String.valueOf(ex.getMessage()).contains(expected)) && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
        }
        assertThat(reportedSince(reportedBefore)).anySatisfy(ex ->
        {
            assertThat(ex).isInstanceOf(CorruptionException.class).hasMessageContaining(expected)
                .hasMessageContaining(serverFilePath.toString()).hasMessageContaining("offset=");
            assertThat(((CorruptionException)ex).offset()).isBetween((long)ChannelDescriptor.HEADER_LENGTH,
                hostileMapping.mappedLength());
        });
    }

    /**
     * A request from the well-behaved client is answered; one sent while the server was dropping a corrupt window
     * may be lost, so it retries.
     */
    private void assertStillServing()
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        final long[] echoed = {-1};
        payload.putLong(0, 4242);
        long lastResult = OfferResult.OK;
        while (System.nanoTime() < deadline)
        {
            lastResult = client.request(1, payload, 0, 8, (t, b, o, l) -> echoed[0] = b.getLong(o),
                TimeUnit.SECONDS.toNanos(2));
            if (lastResult == OfferResult.OK)
            {
                break;
            }
        }
        assertThat(echoed[0]).as("the server still answers after the corruption; last result=%s connected=%s"
            + " inbox head=%d tail=%d reported=%s", OfferResult.describe(lastResult), client.isConnected(),
            ring.consumerPosition(), ring.producerPosition(), reported).isEqualTo(4242);
        assertThat(client.isConnected()).isTrue();
    }

    private List<Throwable> reportedSince(final int from)
    {
        synchronized (reported)
        {
            // A copy: the server's thread keeps adding while the test looks.
            return new ArrayList<>(reported.subList(from, reported.size()));
        }
    }

    private static int tailIndex()
    {
        return RING_CAPACITY + RingBufferDescriptor.TAIL_POSITION_OFFSET;
    }

    /**
     * Prints what was reported, for a failing scenario's message.
     */
    void describeReports(final Consumer<String> out)
    {
        synchronized (reported)
        {
            for (final Throwable ex : reported)
            {
                out.accept(String.valueOf(ex));
            }
        }
    }

    @Override
    public void close()
    {
        hostileMapping.close();
        client.close();
        server.close();
    }
}
