package io.ipcgateway.audit;

import java.nio.file.Path;

import io.ipcgateway.core.Configuration;
import io.ipcgateway.core.ConfigurationException;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.OffsetEpochNanoClock;

/**
 * Immutable settings of an {@link AuditLog}, made by {@link #builder(Path)} and validated when built. Every size is
 * in bytes and every duration in nanoseconds. Defaults are the {@code DEFAULT_*} constants; the settings with a
 * {@code *_PROP_NAME} take their default from that system property when it is set.
 */
public final class AuditLogConfig
{
    /** Default log name (the file name prefix). */
    public static final String DEFAULT_NAME = "audit";
    /** System property for the default segment size (accepts suffixes, e.g. {@code 64m}). */
    public static final String SEGMENT_SIZE_PROP_NAME = "ipc.audit.segment.size";
    /** Default segment size: 64 MiB. */
    public static final long DEFAULT_SEGMENT_SIZE = 64L * 1024 * 1024;
    /** Smallest segment size. */
    public static final long MIN_SEGMENT_SIZE = 4096;
    /** Largest segment size (one mapping). */
    public static final long MAX_SEGMENT_SIZE = 1L << 30;
    /** System property for the default durability policy ({@link DurabilityPolicy#parse(String)}). */
    public static final String DURABILITY_PROP_NAME = "ipc.audit.durability";
    /** Default rotation interval: 0, rotate by size only. */
    public static final long DEFAULT_ROTATION_INTERVAL_NS = 0;
    /** Default retention by total size: 0, unlimited. */
    public static final long DEFAULT_RETENTION_BYTES = 0;
    /** Default retention by age: 0, unlimited. */
    public static final long DEFAULT_RETENTION_AGE_NS = 0;
    /** Default spacing of sparse index entries: one per 64 KiB of segment (a 16th of smaller segments). */
    public static final int DEFAULT_INDEX_INTERVAL = 64 * 1024;
    /** Default: the next segment is created (and its space reserved) in the background before it is needed. */
    public static final boolean DEFAULT_PREALLOCATE = true;

    private final Path directory;
    private final String name;
    private final long segmentSize;
    private final DurabilityPolicy durability;
    private final byte[] hashKey;
    private final long rotationIntervalNs;
    private final long retentionBytes;
    private final long retentionAgeNs;
    private final int indexInterval;
    private final boolean preallocate;
    private final EpochNanoClock clock;

    private AuditLogConfig(final Builder b)
    {
        directory = b.directory;
        name = b.name;
        segmentSize = b.segmentSize;
        durability = b.durability;
        hashKey = b.hashKey == null ? null : b.hashKey.clone();
        rotationIntervalNs = b.rotationIntervalNs;
        retentionBytes = b.retentionBytes;
        retentionAgeNs = b.retentionAgeNs;
        indexInterval = b.indexInterval;
        preallocate = b.preallocate;
        clock = b.clock == null ? new OffsetEpochNanoClock() : b.clock;
    }

    /**
     * Starts settings for a log in a folder.
     *
     * @param directory the log's folder (created 0700 if missing).
     * @return a builder with the defaults.
     */
    public static Builder builder(final Path directory)
    {
        return new Builder(directory);
    }

    /**
     * The log's folder.
     *
     * @return path.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * The log's name: segment files are {@code <name>-<first sequence>.log}.
     *
     * @return name.
     */
    public String name()
    {
        return name;
    }

    /**
     * Size of each segment file (reserved when it is created); a record that does not fit rotates.
     *
     * @return bytes.
     */
    public long segmentSize()
    {
        return segmentSize;
    }

    /**
     * Largest payload one record can carry.
     *
     * @return bytes.
     */
    public int maxPayloadLength()
    {
        return (int)(segmentSize - AuditSegmentDescriptor.HEADER_LENGTH - AuditSegmentDescriptor.RECORD_HEADER_LENGTH);
    }

    /**
     * When records are forced to the disk.
     *
     * @return the policy.
     */
    public DurabilityPolicy durability()
    {
        return durability;
    }

    /**
     * The HMAC key of the chain, or null for plain SHA-256.
     *
     * @return a copy of the key, or null.
     */
    public byte[] hashKey()
    {
        return hashKey == null ? null : hashKey.clone();
    }

    /**
     * Rotate when the active segment is older than this; 0 = by size only.
     *
     * @return nanoseconds.
     */
    public long rotationIntervalNs()
    {
        return rotationIntervalNs;
    }

    /**
     * Delete the oldest segments while all segments take more than this; 0 = unlimited.
     *
     * @return bytes.
     */
    public long retentionBytes()
    {
        return retentionBytes;
    }

    /**
     * Delete segments whose newest record is older than this; 0 = unlimited.
     *
     * @return nanoseconds.
     */
    public long retentionAgeNs()
    {
        return retentionAgeNs;
    }

    /**
     * Spacing of sparse index entries.
     *
     * @return bytes of segment per entry.
     */
    public int indexInterval()
    {
        return indexInterval;
    }

    /**
     * Whether the next segment is created ahead, in the background, and (under {@link DurabilityPolicy#none()}) the
     * pages appends will write (the active segment's free space, the next segment) are faulted in ahead of the
     * writer by that background thread.
     *
     * @return true to preallocate.
     */
    public boolean preallocate()
    {
        return preallocate;
    }

    /**
     * The wall clock for timestamps, rotation and retention.
     *
     * @return the clock.
     */
    public EpochNanoClock clock()
    {
        return clock;
    }

    @Override
    public String toString()
    {
        return "AuditLogConfig{directory=" + directory + " name=" + name + " segmentSize=" + segmentSize
            + " durability=" + durability + " keyed=" + (hashKey != null) + " rotationIntervalNs=" + rotationIntervalNs
            + " retentionBytes=" + retentionBytes + " retentionAgeNs=" + retentionAgeNs
            + " indexInterval=" + indexInterval + " preallocate=" + preallocate + "}";
    }

    /** Fluent builder; {@link #build()} validates. */
    public static final class Builder
    {
        private final Path directory;
        private String name = DEFAULT_NAME;
        private long segmentSize = Configuration.sizeProperty(SEGMENT_SIZE_PROP_NAME, DEFAULT_SEGMENT_SIZE);
        private DurabilityPolicy durability = System.getProperty(DURABILITY_PROP_NAME) == null ?
            DurabilityPolicy.none() : DurabilityPolicy.parse(System.getProperty(DURABILITY_PROP_NAME));
        private byte[] hashKey;
        private long rotationIntervalNs = DEFAULT_ROTATION_INTERVAL_NS;
        private long retentionBytes = DEFAULT_RETENTION_BYTES;
        private long retentionAgeNs = DEFAULT_RETENTION_AGE_NS;
        private int indexInterval;
        private boolean preallocate = DEFAULT_PREALLOCATE;
        private EpochNanoClock clock;

        private Builder(final Path directory)
        {
            this.directory = directory;
        }

        /**
         * Sets the log's name (letters, digits, {@code _ . -}; 1 to 100 characters).
         *
         * @param name the name.
         * @return this.
         */
        public Builder name(final String name)
        {
            this.name = name;
            return this;
        }

        /**
         * Sets the segment size, {@value AuditLogConfig#MIN_SEGMENT_SIZE} bytes to 1 GiB, a multiple of 8.
         *
         * @param bytes the size.
         * @return this.
         */
        public Builder segmentSize(final long bytes)
        {
            this.segmentSize = bytes;
            return this;
        }

        /**
         * Sets when records are forced to the disk.
         *
         * @param policy the policy.
         * @return this.
         */
        public Builder durability(final DurabilityPolicy policy)
        {
            this.durability = policy;
            return this;
        }

        /**
         * Keys the chain with HMAC-SHA256 (at least 16 bytes). Without a key the chain is plain SHA-256, which proves
         * nothing against someone who can rewrite the whole file: they recompute every hash after their edit. With a
         * key kept away from the log's host (or in a vault), they cannot. Keep the same key to reopen the log.
         *
         * @param key the key, copied; null for no key.
         * @return this.
         */
        public Builder hashKey(final byte[] key)
        {
            this.hashKey = key == null ? null : key.clone();
            return this;
        }

        /**
         * Rotates the active segment once it is this old; 0 = by size only.
         *
         * @param intervalNs nanoseconds, 0 or 1 ms to 366 days.
         * @return this.
         */
        public Builder rotationIntervalNs(final long intervalNs)
        {
            this.rotationIntervalNs = intervalNs;
            return this;
        }

        /**
         * Deletes the oldest segments (never the active one) while all take more than this; 0 = unlimited.
         *
         * @param bytes the limit.
         * @return this.
         */
        public Builder retentionBytes(final long bytes)
        {
            this.retentionBytes = bytes;
            return this;
        }

        /**
         * Deletes segments (never the active one) whose newest record is older than this; 0 = unlimited.
         *
         * @param ageNs nanoseconds.
         * @return this.
         */
        public Builder retentionAgeNs(final long ageNs)
        {
            this.retentionAgeNs = ageNs;
            return this;
        }

        /**
         * Sets the spacing of sparse index entries, 512 bytes to the segment size; 0 (the default) means
         * {@value AuditLogConfig#DEFAULT_INDEX_INTERVAL} or a 16th of a smaller segment.
         *
         * @param bytes bytes of segment per entry.
         * @return this.
         */
        public Builder indexInterval(final int bytes)
        {
            this.indexInterval = bytes;
            return this;
        }

        /**
         * Whether the next segment is created ahead, in the background, and (under {@link DurabilityPolicy#none()})
         * the pages appends will write are faulted in ahead of the writer by that background thread.
         *
         * @param preallocate true to preallocate.
         * @return this.
         */
        public Builder preallocate(final boolean preallocate)
        {
            this.preallocate = preallocate;
            return this;
        }

        /**
         * Sets the wall clock (tests use a manual one).
         *
         * @param clock the clock, ns since the epoch.
         * @return this.
         */
        public Builder clock(final EpochNanoClock clock)
        {
            this.clock = clock;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the settings.
         * @throws ConfigurationException naming the setting, the value and the valid range.
         */
        public AuditLogConfig build()
        {
            if (directory == null)
            {
                throw Configuration.invalid("directory", "null", "a folder path");
            }
            if (name == null || !name.matches("[A-Za-z0-9_.][A-Za-z0-9_.-]{0,99}"))
            {
                throw Configuration.invalid("name", name, "1 to 100 of letters, digits, '_', '.', '-'");
            }
            Configuration.requireRange("segmentSize", segmentSize, MIN_SEGMENT_SIZE, MAX_SEGMENT_SIZE);
            if ((segmentSize & 7) != 0)
            {
                throw Configuration.invalid("segmentSize", Long.toString(segmentSize), "a multiple of 8");
            }
            if (durability == null)
            {
                throw Configuration.invalid("durability", "null", "a DurabilityPolicy");
            }
            if (hashKey != null && hashKey.length < 16)
            {
                throw Configuration.invalid("hashKey", hashKey.length + " bytes", "at least 16 bytes");
            }
            if (rotationIntervalNs != 0)
            {
                Configuration.requireRange("rotationIntervalNs", rotationIntervalNs, 1_000_000L,
                    366L * 24 * 3600 * 1_000_000_000L);
            }
            Configuration.requireRange("retentionBytes", retentionBytes, 0, Long.MAX_VALUE);
            Configuration.requireRange("retentionAgeNs", retentionAgeNs, 0, Long.MAX_VALUE);
            if (indexInterval == 0)
            {
                indexInterval = (int)Math.min(DEFAULT_INDEX_INTERVAL, Math.max(512, segmentSize / 16));
            }
            Configuration.requireRange("indexInterval", indexInterval, 512, segmentSize);
            return new AuditLogConfig(this);
        }
    }
}
