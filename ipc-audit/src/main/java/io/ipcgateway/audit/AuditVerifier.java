package io.ipcgateway.audit;

import static io.ipcgateway.audit.AuditSegmentDescriptor.HASH_LENGTH;
import static io.ipcgateway.audit.AuditSegmentDescriptor.HEADER_LENGTH;
import static io.ipcgateway.audit.AuditSegmentDescriptor.RECORD_ALIGNMENT;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;

import io.ipcgateway.audit.internal.AuditFiles;
import io.ipcgateway.audit.internal.ChainHasher;
import io.ipcgateway.audit.internal.MappedSegment;
import io.ipcgateway.core.JvmAccess;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Checks a whole audit log: every segment header, every record's CRC and sequence, the hash chain within and across
 * segments, and optionally a checkpoint kept elsewhere. Every problem is reported with its segment, byte offset and
 * sequence; after one the verifier resynchronises on the next valid record and goes on, so one break does not hide
 * the next. Damaged files never make it crash or hang.
 * <p>
 * What it proves: without a key, that the log is internally consistent, which catches accidents and careless edits
 * but not an attacker who rewrites the files and recomputes every SHA-256 (a checkpoint kept elsewhere catches that
 * up to the checkpoint). With the HMAC key (kept off the host), that nobody without the key wrote any record. Records
 * cut off the end of the newest segment are only detected against a checkpoint beyond them.
 * <p>
 * The chain is checked on several cores: a record's hash depends on the previous record's <em>stored</em> hash,
 * which is in the file, so batches of records decoded in order are hashed in parts on the caller's thread and the
 * common {@link ForkJoinPool}'s, and their results reported in file order before any later problem.
 */
public final class AuditVerifier
{
    /** Most problems listed in one report; more are only counted. */
    public static final int MAX_PROBLEMS = 1000;

    private final Path directory;
    private final String name;
    private final byte[] key;
    private final AuditCheckpoint checkpoint;
    private final AuditSegmentDecoder decoder = new AuditSegmentDecoder();
    /** Chain checks gathered before they are hashed in parts. */
    private static final int BATCH = 8192;
    /** Fewer checks than this are hashed on the caller's thread alone. */
    private static final int PARALLEL_MIN = 1024;

    private final ChainHasher hasher;
    private final List<AuditProblem> problems = new ArrayList<>();
    private final byte[] stored = new byte[HASH_LENGTH];
    private final int parts;
    private final ChainHasher[] partHashers;
    private final byte[][] partPrevious;
    private final byte[][] partComputed;
    private final int[] jobRecord = new int[BATCH];
    private final int[] jobPayload = new int[BATCH];
    private final int[] jobPrevious = new int[BATCH];
    private final long[] jobSequence = new long[BATCH];
    private final boolean[] jobBroken = new boolean[BATCH];
    private int jobs;
    private UnsafeBuffer jobBuffer;
    private String jobFile;
    private long problemCount;
    private boolean checkpointFound;

    private AuditVerifier(final Path directory, final String name, final byte[] key, final AuditCheckpoint checkpoint)
    {
        this.directory = directory;
        this.name = name;
        this.key = key == null ? null : key.clone();
        this.checkpoint = checkpoint;
        this.hasher = new ChainHasher(key);
        this.parts = Math.max(1, Math.min(ForkJoinPool.getCommonPoolParallelism() + 1, 8));
        this.partHashers = new ChainHasher[parts];
        this.partPrevious = new byte[parts][HASH_LENGTH];
        this.partComputed = new byte[parts][HASH_LENGTH];
        partHashers[0] = hasher;
        for (int i = 1; i < parts; i++)
        {
            partHashers[i] = new ChainHasher(key);
        }
    }

    /**
     * Verifies a log.
     *
     * @param directory the log's folder.
     * @param name      the log's name.
     * @param key       the HMAC key it was written with, or null for an unkeyed log.
     * @return the report.
     */
    public static AuditVerifyReport verify(final Path directory, final String name, final byte[] key)
    {
        return verify(directory, name, key, null);
    }

    /**
     * Verifies a log and that it still holds a checkpoint's record with the checkpoint's chain hash (and that the
     * checkpoint's signature verifies when it is signed).
     *
     * @param directory  the log's folder.
     * @param name       the log's name.
     * @param key        the HMAC key it was written with, or null for an unkeyed log.
     * @param checkpoint a checkpoint kept elsewhere, or null.
     * @return the report.
     */
    public static AuditVerifyReport verify(
        final Path directory, final String name, final byte[] key, final AuditCheckpoint checkpoint)
    {
        JvmAccess.ensureAgronaAccess();
        return new AuditVerifier(directory, name, key, checkpoint).run();
    }

    private AuditVerifyReport run()
    {
        final long[] firsts = AuditFiles.listSegments(directory, name);
        long expected = -1;
        byte[] chain = null;
        long records = 0;
        long bytes = 0;
        long firstSeq = 0;
        long lastSeq = 0;
        long firstTime = 0;
        long lastTime = 0;
        final byte[] headerPrevious = new byte[HASH_LENGTH];
        for (final long first : firsts)
        {
            final Path path = AuditFiles.segmentPath(directory, name, first);
            final String file = path.getFileName().toString();
            final MappedSegment segment;
            try
            {
                segment = MappedSegment.mapReadOnly(path, first);
            }
            catch (final IOException ex)
            {
                problem(AuditProblem.Kind.UNREADABLE_SEGMENT, file, -1, expected, "cause=" + ex);
                expected = -1;
                chain = null;
                continue;
            }
            try (segment)
            {
                bytes += segment.length();
                final UnsafeBuffer buffer = segment.buffer();
                final int limit = segment.length();
                final int maxFrame = Math.max(0, limit - HEADER_LENGTH);
                decoder.wrap(buffer, limit);
                final int headerStatus = decoder.decodeHeader();
                if (headerStatus != AuditSegmentDecoder.OK)
                {
                    problem(AuditProblem.Kind.BAD_HEADER, file, 0, expected,
                        "status=" + AuditSegmentDecoder.statusName(headerStatus));
                    expected = -1;
                    chain = null;
                    continue;
                }
                final long headerFirst = decoder.firstSequence();
                if (headerFirst != first)
                {
                    problem(AuditProblem.Kind.SEGMENT_NAME_MISMATCH, file, 0, headerFirst,
                        "headerFirstSequence=" + headerFirst + " nameFirstSequence=" + first);
                }
                if (decoder.chainAlgorithm() != hasher.algorithm())
                {
                    problem(AuditProblem.Kind.ALGORITHM_MISMATCH, file, 0, headerFirst, "segmentAlgorithm="
                        + decoder.chainAlgorithm() + " verifierAlgorithm=" + hasher.algorithm()
                        + " (1 = SHA-256, 2 = HMAC-SHA256): give the key the log was written with");
                }
                if (expected != -1 && headerFirst != expected)
                {
                    problem(AuditProblem.Kind.SEGMENT_GAP, file, 0, expected,
                        "expectedFirstSequence=" + expected + " headerFirstSequence=" + headerFirst);
                }
                decoder.previousHash(headerPrevious);
                if (chain != null && !MessageDigest.isEqual(chain, headerPrevious))
                {
                    problem(AuditProblem.Kind.SEGMENT_CHAIN_BROKEN, file, 0, headerFirst,
                        "the header's previous hash is not the previous segment's final chain hash");
                }
                chain = headerPrevious.clone();
                expected = headerFirst;
                int chainAt = AuditSegmentDescriptor.PREVIOUS_HASH_OFFSET;
                int offset = HEADER_LENGTH;
                boolean anchored = true;
                while (true)
                {
                    decoder.wrap(buffer, limit);
                    final int status = decoder.decodeRecord(offset, maxFrame);
                    if (status == AuditSegmentDecoder.OK)
                    {
                        final long sequence = decoder.sequence();
                        final int hashAt = decoder.hashOffset();
                        boolean reported = false;
                        if (sequence != expected)
                        {
                            if (sequence < expected)
                            {
                                problem(AuditProblem.Kind.SEQUENCE_OUT_OF_ORDER, file, offset, sequence,
                                    "expectedSequence=" + expected + " foundSequence=" + sequence);
                                reported = true;
                            }
                            else if (anchored || sequence > expected + 1)
                            {
                                // After a damaged record one sequence is accounted for by the damage itself.
                                problem(AuditProblem.Kind.SEQUENCE_GAP, file, offset, expected,
                                    "expectedSequence=" + expected + " foundSequence=" + sequence);
                                reported = true;
                            }
                        }
                        if (!reported && anchored)
                        {
                            checkChainLater(buffer, file, offset, decoder.payloadLength(), chainAt, sequence);
                        }
                        if (checkpoint != null && sequence == checkpoint.sequence())
                        {
                            checkpointFound = true;
                            buffer.getBytes(hashAt, stored);
                            if (!checkpoint.matchesHash(stored))
                            {
                                problem(AuditProblem.Kind.CHECKPOINT_MISMATCH, file, offset, sequence,
                                    "the record's chain hash differs from the checkpoint's: the log was rewritten");
                            }
                        }
                        if (records == 0)
                        {
                            firstSeq = sequence;
                            firstTime = decoder.timestamp();
                        }
                        records++;
                        lastSeq = sequence;
                        lastTime = decoder.timestamp();
                        buffer.getBytes(hashAt, chain);
                        chainAt = hashAt;
                        anchored = true;
                        expected = sequence + 1;
                        offset = decoder.nextOffset();
                        continue;
                    }
                    final int resume = decoder.resynchronise(offset + RECORD_ALIGNMENT, maxFrame);
                    if (status == AuditSegmentDecoder.END)
                    {
                        if (resume < 0)
                        {
                            break;
                        }
                        problem(AuditProblem.Kind.DATA_AFTER_END, file, offset, expected,
                            "nextValidRecordOffset=" + resume);
                    }
                    else
                    {
                        final AuditProblem.Kind kind = status == AuditSegmentDecoder.BAD_CRC ?
                            AuditProblem.Kind.BAD_CRC : status == AuditSegmentDecoder.TRUNCATED ?
                            AuditProblem.Kind.TRUNCATED : AuditProblem.Kind.BAD_LENGTH;
                        problem(kind, file, offset, expected, "status=" + AuditSegmentDecoder.statusName(status)
                            + (resume < 0 ? "" : " nextValidRecordOffset=" + resume));
                        if (resume < 0)
                        {
                            break;
                        }
                    }
                    offset = resume;
                    anchored = false;
                }
                checkChains();
            }
        }
        if (checkpoint != null)
        {
            if (checkpoint.isSigned() && !checkpoint.verifySignature(key))
            {
                problem(AuditProblem.Kind.CHECKPOINT_SIGNATURE, "", -1, checkpoint.sequence(), key == null ?
                    "the checkpoint is signed: give the key to check it" : "the signature does not verify");
            }
            if (!checkpointFound)
            {
                problem(AuditProblem.Kind.CHECKPOINT_NOT_FOUND, "", -1, checkpoint.sequence(),
                    "firstSequence=" + firstSeq + " lastSequence=" + lastSeq);
            }
        }
        return new AuditVerifyReport(problems, problemCount, firsts.length, records, bytes, firstSeq, lastSeq,
            firstTime, lastTime);
    }

    /**
     * Gathers a record's chain check: its hash must follow from the hash stored at {@code previousAt} (the previous
     * record's, or the segment header's previous hash) in the same buffer.
     */
    private void checkChainLater(
        final UnsafeBuffer buffer, final String file, final int record, final int payloadLength, final int previousAt,
        final long sequence)
    {
        if (jobs == BATCH || (jobs > 0 && buffer != jobBuffer))
        {
            checkChains();
        }
        jobBuffer = buffer;
        jobFile = file;
        jobRecord[jobs] = record;
        jobPayload[jobs] = payloadLength;
        jobPrevious[jobs] = previousAt;
        jobSequence[jobs] = sequence;
        jobs++;
    }

    /**
     * Hashes the gathered checks (in parts on several cores when there are many) and reports the broken ones in
     * file order. Called before any other problem is reported and before a segment is unmapped.
     */
    private void checkChains()
    {
        final int n = jobs;
        if (n == 0)
        {
            return;
        }
        jobs = 0;
        if (parts == 1 || n < PARALLEL_MIN)
        {
            hashJobs(0, 0, n);
        }
        else
        {
            // The caller's thread also decodes and checks CRCs: it takes one share, every other thread two.
            final int share = n / (2 * parts - 1);
            final CompletableFuture<?>[] others = new CompletableFuture<?>[parts - 1];
            for (int p = 1; p < parts; p++)
            {
                final int part = p;
                final int from = share + (p - 1) * 2 * share;
                final int to = p == parts - 1 ? n : from + 2 * share;
                others[p - 1] = CompletableFuture.runAsync(() -> hashJobs(part, from, to), ForkJoinPool.commonPool());
            }
            hashJobs(0, 0, share);
            for (final CompletableFuture<?> other : others)
            {
                other.join();
            }
        }
        for (int i = 0; i < n; i++)
        {
            if (jobBroken[i])
            {
                report(AuditProblem.Kind.CHAIN_BROKEN, jobFile, jobRecord[i], jobSequence[i],
                    "the record's chain hash does not follow from the previous record's");
            }
        }
    }

    private void hashJobs(final int part, final int from, final int to)
    {
        final ChainHasher partHasher = partHashers[part];
        final byte[] previous = partPrevious[part];
        final byte[] computed = partComputed[part];
        final UnsafeBuffer buffer = jobBuffer;
        for (int i = from; i < to; i++)
        {
            buffer.getBytes(jobPrevious[i], previous);
            partHasher.hash(previous, buffer, jobRecord[i], jobPayload[i], computed, 0);
            jobBroken[i] = !ChainHasher.equalsAt(computed, buffer, jobRecord[i] + AuditSegmentDescriptor.HASH_OFFSET);
        }
    }

    private void problem(
        final AuditProblem.Kind kind, final String file, final long offset, final long sequence, final String detail)
    {
        checkChains();
        report(kind, file, offset, sequence, detail);
    }

    private void report(
        final AuditProblem.Kind kind, final String file, final long offset, final long sequence, final String detail)
    {
        problemCount++;
        if (problems.size() < MAX_PROBLEMS)
        {
            problems.add(new AuditProblem(kind, file, offset, sequence, detail));
        }
    }
}
