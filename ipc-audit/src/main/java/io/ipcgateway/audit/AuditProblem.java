package io.ipcgateway.audit;

/**
 * One problem found by {@link AuditVerifier}: what, in which segment file, at which byte offset, and which sequence
 * was expected (or found) there. Immutable.
 */
public final class AuditProblem
{
    /** What is wrong. */
    public enum Kind
    {
        /** A segment cannot be read at all. */
        UNREADABLE_SEGMENT,
        /** A segment header has a wrong magic, version, algorithm or CRC. */
        BAD_HEADER,
        /** A segment's header names another first sequence than its file name (a renamed or swapped segment). */
        SEGMENT_NAME_MISMATCH,
        /** A segment does not start where the previous one ended (a removed segment, or records cut off the end of
         * the previous one). */
        SEGMENT_GAP,
        /** A segment's header does not carry the previous segment's final chain hash (a swapped or replaced
         * segment). */
        SEGMENT_CHAIN_BROKEN,
        /** A segment was written with another chain algorithm (keyed versus unkeyed) than the verifier uses. */
        ALGORITHM_MISMATCH,
        /** A record's CRC does not match its bytes (a flipped bit, an edit without fixing the CRC). */
        BAD_CRC,
        /** A record's length word is out of range (damage, or a cut in the middle of the segment). */
        BAD_LENGTH,
        /** A record runs past the end of the file (a cut file). */
        TRUNCATED,
        /** Records are missing: the sequence jumps forward. */
        SEQUENCE_GAP,
        /** A sequence repeats or goes back (a reordered or inserted record). */
        SEQUENCE_OUT_OF_ORDER,
        /** A record's chain hash does not follow from the previous one (an edited record whose CRC was fixed, or a
         * wrong key). */
        CHAIN_BROKEN,
        /** Valid records follow an end-of-data marker (a zeroed length word). */
        DATA_AFTER_END,
        /** The checkpoint's record is not in the log (cut off, or deleted by retention). */
        CHECKPOINT_NOT_FOUND,
        /** The record at the checkpoint's sequence has another chain hash: the log was rewritten. */
        CHECKPOINT_MISMATCH,
        /** The checkpoint's signature does not verify with the key (or cannot be checked without one). */
        CHECKPOINT_SIGNATURE
    }

    private final Kind kind;
    private final String segment;
    private final long offset;
    private final long sequence;
    private final String detail;

    /**
     * Creates a problem.
     *
     * @param kind     what is wrong.
     * @param segment  the segment's file name (empty when none).
     * @param offset   byte offset in the segment (-1 when none).
     * @param sequence the sequence expected or found there (-1 when unknown).
     * @param detail   more, as {@code key=value}.
     */
    public AuditProblem(final Kind kind, final String segment, final long offset, final long sequence,
        final String detail)
    {
        this.kind = kind;
        this.segment = segment;
        this.offset = offset;
        this.sequence = sequence;
        this.detail = detail;
    }

    /**
     * What is wrong.
     *
     * @return the kind.
     */
    public Kind kind()
    {
        return kind;
    }

    /**
     * The segment's file name.
     *
     * @return name, empty when none.
     */
    public String segment()
    {
        return segment;
    }

    /**
     * Byte offset in the segment.
     *
     * @return offset, -1 when none.
     */
    public long offset()
    {
        return offset;
    }

    /**
     * The sequence expected (or found) there.
     *
     * @return sequence, -1 when unknown.
     */
    public long sequence()
    {
        return sequence;
    }

    /**
     * More about it.
     *
     * @return text as {@code key=value}.
     */
    public String detail()
    {
        return detail;
    }

    @Override
    public String toString()
    {
        return kind + " segment=" + segment + " offset=" + offset + " sequence=" + sequence
            + (detail.isEmpty() ? "" : " " + detail);
    }
}
