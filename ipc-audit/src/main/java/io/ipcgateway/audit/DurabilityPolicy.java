package io.ipcgateway.audit;

import io.ipcgateway.core.ConfigurationException;

/**
 * When appended records are forced to the disk. Under {@link #none()} records are stored into the segment's mapping;
 * under every other policy they are written through the segment's file channel and a force is an {@code fdatasync}
 * (pages dirtied through a shared mapping cost a page fault each after every force, and take longer to force). An
 * append of a record returns (synchronous) or completes (asynchronous) only once its policy has been met, so a
 * caller may acknowledge upstream then. What survives what:
 * <ul>
 *     <li>{@link #none()}: records are in the page cache once append returns: they survive the process being
 *     killed (kill -9), not a power loss or kernel crash.</li>
 *     <li>{@link #everyRecord()}: each record is on the disk before its append returns; concurrent appenders share
 *     one force (group commit).</li>
 *     <li>{@link #everyRecords(int)}: the disk is forced once {@code n} records are waiting; at most
 *     {@code n - 1} records are in the page cache only. An append returns once its record is written; the one that
 *     completes a group returns after the force.</li>
 *     <li>{@link #everyNanos(long)}: group commit: the disk is forced at most once per interval, and an append
 *     returns once a force covering its record has been made (so it waits up to the interval). Until the next
 *     force (or until the asynchronous writer runs out of work, or an appender would wait longer than 1 ms) records
 *     wait in the log's staging buffer: readers do not see them yet and a kill -9 loses them, but none of them has
 *     returned.</li>
 * </ul>
 * Immutable.
 */
public final class DurabilityPolicy
{
    /** What triggers a force. */
    public enum Kind
    {
        /** Never forced by the log (the kernel writes back in its own time). */
        NONE,
        /** Forced for every record. */
        EVERY_RECORD,
        /** Forced every N records. */
        EVERY_N_RECORDS,
        /** Forced at most once per interval (group commit). */
        EVERY_INTERVAL
    }

    private static final DurabilityPolicy NONE = new DurabilityPolicy(Kind.NONE, 0, 0);
    private static final DurabilityPolicy EVERY_RECORD = new DurabilityPolicy(Kind.EVERY_RECORD, 1, 0);

    private final Kind kind;
    private final int records;
    private final long intervalNs;

    private DurabilityPolicy(final Kind kind, final int records, final long intervalNs)
    {
        this.kind = kind;
        this.records = records;
        this.intervalNs = intervalNs;
    }

    /**
     * Page cache only.
     *
     * @return the policy.
     */
    public static DurabilityPolicy none()
    {
        return NONE;
    }

    /**
     * Force before each append returns.
     *
     * @return the policy.
     */
    public static DurabilityPolicy everyRecord()
    {
        return EVERY_RECORD;
    }

    /**
     * Force every {@code n} records.
     *
     * @param n records per force, 1 to 1,000,000.
     * @return the policy.
     */
    public static DurabilityPolicy everyRecords(final int n)
    {
        if (n < 1 || n > 1_000_000)
        {
            throw new ConfigurationException("durability everyRecords=" + n + " is out of range: valid 1..1000000");
        }
        return n == 1 ? EVERY_RECORD : new DurabilityPolicy(Kind.EVERY_N_RECORDS, n, 0);
    }

    /**
     * Group commit: force at most once per interval; an append returns once a force covers its record.
     *
     * @param intervalNs the interval in nanoseconds, 1 us to 10 s.
     * @return the policy.
     */
    public static DurabilityPolicy everyNanos(final long intervalNs)
    {
        if (intervalNs < 1_000 || intervalNs > 10_000_000_000L)
        {
            throw new ConfigurationException("durability everyNanos=" + intervalNs
                + " is out of range: valid 1000..10000000000 (1 us to 10 s)");
        }
        return new DurabilityPolicy(Kind.EVERY_INTERVAL, 0, intervalNs);
    }

    /**
     * Parses {@code none}, {@code record}, {@code records:N} or {@code interval:DURATION} (e.g. {@code interval:1ms}).
     *
     * @param text the text.
     * @return the policy.
     */
    public static DurabilityPolicy parse(final String text)
    {
        final String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try
        {
            if ("none".equals(t))
            {
                return NONE;
            }
            if ("record".equals(t))
            {
                return EVERY_RECORD;
            }
            if (t.startsWith("records:"))
            {
                return everyRecords(Integer.parseInt(t.substring("records:".length())));
            }
            if (t.startsWith("interval:"))
            {
                return everyNanos(io.ipcgateway.core.Configuration.parseDurationNs("durability",
                    t.substring("interval:".length())));
            }
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigurationException("durability=" + text + " has a bad number: " + ex.getMessage(), ex);
        }
        throw new ConfigurationException("durability=" + text
            + " is not valid: use none, record, records:N or interval:DURATION (e.g. interval:1ms)");
    }

    /**
     * What triggers a force.
     *
     * @return the kind.
     */
    public Kind kind()
    {
        return kind;
    }

    /**
     * Records per force for {@link Kind#EVERY_N_RECORDS} (1 for {@link Kind#EVERY_RECORD}, else 0).
     *
     * @return records.
     */
    public int records()
    {
        return records;
    }

    /**
     * Interval for {@link Kind#EVERY_INTERVAL}, else 0.
     *
     * @return nanoseconds.
     */
    public long intervalNs()
    {
        return intervalNs;
    }

    @Override
    public String toString()
    {
        switch (kind)
        {
            case NONE:
                return "none";
            case EVERY_RECORD:
                return "record";
            case EVERY_N_RECORDS:
                return "records:" + records;
            default:
                return "interval:" + intervalNs + "ns";
        }
    }
}
