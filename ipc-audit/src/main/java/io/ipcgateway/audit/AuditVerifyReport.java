package io.ipcgateway.audit;

import java.util.List;

/**
 * What {@link AuditVerifier} found: the problems (in file order; the first is the first break) and what the log
 * holds. Immutable.
 */
public final class AuditVerifyReport
{
    private final List<AuditProblem> problems;
    private final long problemCount;
    private final int segments;
    private final long records;
    private final long bytes;
    private final long firstSequence;
    private final long lastSequence;
    private final long firstTimestamp;
    private final long lastTimestamp;

    AuditVerifyReport(
        final List<AuditProblem> problems,
        final long problemCount,
        final int segments,
        final long records,
        final long bytes,
        final long firstSequence,
        final long lastSequence,
        final long firstTimestamp,
        final long lastTimestamp)
    {
        this.problems = List.copyOf(problems);
        this.problemCount = problemCount;
        this.segments = segments;
        this.records = records;
        this.bytes = bytes;
        this.firstSequence = firstSequence;
        this.lastSequence = lastSequence;
        this.firstTimestamp = firstTimestamp;
        this.lastTimestamp = lastTimestamp;
    }

    /**
     * Whether no problem was found.
     *
     * @return true when the log verified.
     */
    public boolean ok()
    {
        return problemCount == 0;
    }

    /**
     * The problems, at most {@link AuditVerifier#MAX_PROBLEMS}.
     *
     * @return an unmodifiable list.
     */
    public List<AuditProblem> problems()
    {
        return problems;
    }

    /**
     * How many problems were found (possibly more than listed).
     *
     * @return count.
     */
    public long problemCount()
    {
        return problemCount;
    }

    /**
     * Segment files checked.
     *
     * @return count.
     */
    public int segments()
    {
        return segments;
    }

    /**
     * Valid records found.
     *
     * @return count.
     */
    public long records()
    {
        return records;
    }

    /**
     * Bytes of the segment files.
     *
     * @return bytes.
     */
    public long bytes()
    {
        return bytes;
    }

    /**
     * Sequence of the first valid record.
     *
     * @return sequence, 0 when none.
     */
    public long firstSequence()
    {
        return firstSequence;
    }

    /**
     * Sequence of the last valid record.
     *
     * @return sequence, 0 when none.
     */
    public long lastSequence()
    {
        return lastSequence;
    }

    /**
     * Timestamp of the first valid record.
     *
     * @return ns since the epoch, 0 when none.
     */
    public long firstTimestamp()
    {
        return firstTimestamp;
    }

    /**
     * Timestamp of the last valid record.
     *
     * @return ns since the epoch, 0 when none.
     */
    public long lastTimestamp()
    {
        return lastTimestamp;
    }

    @Override
    public String toString()
    {
        return (ok() ? "OK" : "FAILED problems=" + problemCount + " first=" + problems.get(0)) + " segments="
            + segments + " records=" + records + " sequences=" + firstSequence + ".." + lastSequence;
    }
}
