package io.ipcgateway.examples.gateway.spool;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.audit.AuditLogConfig;
import io.ipcgateway.audit.DurabilityPolicy;
import io.ipcgateway.core.Configuration;

/**
 * Settings of a {@link PublishSpool}: immutable, made by {@link #builder(Path)} and validated by
 * {@link Builder#build()} with messages that name the setting, the value and the valid range. Sizes are in bytes.
 */
public final class SpoolConfig
{
    /** Default bound on the bytes of messages not yet delivered (as stored: {@link PublishSpool#bytes()}). */
    public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;
    /** Default bound on the messages not yet delivered. */
    public static final long DEFAULT_MAX_MESSAGES = 1_000_000;
    /** Default segment file size; a message must fit in one segment. */
    public static final long DEFAULT_SEGMENT_SIZE = 16L * 1024 * 1024;
    /** Smallest segment size. */
    public static final long MIN_SEGMENT_SIZE = AuditLogConfig.MIN_SEGMENT_SIZE;
    /** Largest segment size. */
    public static final long MAX_SEGMENT_SIZE = AuditLogConfig.MAX_SEGMENT_SIZE;
    /** Default durability: group commit, a force at most every millisecond, each append waiting for it. */
    public static final DurabilityPolicy DEFAULT_DURABILITY =
        DurabilityPolicy.everyNanos(TimeUnit.MILLISECONDS.toNanos(1));

    private final Path directory;
    private final long maxBytes;
    private final long maxMessages;
    private final long segmentSize;
    private final DurabilityPolicy durability;

    private SpoolConfig(final Builder b)
    {
        directory = b.directory;
        maxBytes = b.maxBytes;
        maxMessages = b.maxMessages;
        segmentSize = b.segmentSize;
        durability = b.durability;
    }

    /**
     * A builder with every default.
     *
     * @param directory the spool's own folder (created 0700 when missing); one spool per folder.
     * @return the builder.
     */
    public static Builder builder(final Path directory)
    {
        return new Builder(directory);
    }

    /**
     * The spool's folder.
     *
     * @return the folder.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * Bound on the stored bytes of messages not yet delivered.
     *
     * @return bytes.
     */
    public long maxBytes()
    {
        return maxBytes;
    }

    /**
     * Bound on the messages not yet delivered.
     *
     * @return messages.
     */
    public long maxMessages()
    {
        return maxMessages;
    }

    /**
     * Size of each segment file.
     *
     * @return bytes.
     */
    public long segmentSize()
    {
        return segmentSize;
    }

    /**
     * When an append is on the disk before it returns.
     *
     * @return the policy.
     */
    public DurabilityPolicy durability()
    {
        return durability;
    }

    @Override
    public String toString()
    {
        return "SpoolConfig{directory=" + directory + " maxBytes=" + maxBytes + " maxMessages=" + maxMessages
            + " segmentSize=" + segmentSize + " durability=" + durability + "}";
    }

    /** Builds a {@link SpoolConfig}. */
    public static final class Builder
    {
        private final Path directory;
        private long maxBytes = DEFAULT_MAX_BYTES;
        private long maxMessages = DEFAULT_MAX_MESSAGES;
        private long segmentSize = DEFAULT_SEGMENT_SIZE;
        private DurabilityPolicy durability = DEFAULT_DURABILITY;

        private Builder(final Path directory)
        {
            this.directory = directory;
        }

        /**
         * Sets the bound on the stored bytes of messages not yet delivered, at least 1
         * (default {@value SpoolConfig#DEFAULT_MAX_BYTES}).
         *
         * @param bytes the bound.
         * @return this.
         */
        public Builder maxBytes(final long bytes)
        {
            this.maxBytes = bytes;
            return this;
        }

        /**
         * Sets the bound on the messages not yet delivered, at least 1 (default
         * {@value SpoolConfig#DEFAULT_MAX_MESSAGES}).
         *
         * @param messages the bound.
         * @return this.
         */
        public Builder maxMessages(final long messages)
        {
            this.maxMessages = messages;
            return this;
        }

        /**
         * Sets the segment size, {@value SpoolConfig#MIN_SEGMENT_SIZE} bytes to 1 GiB, a multiple of 8 (default
         * {@value SpoolConfig#DEFAULT_SEGMENT_SIZE}). The largest message is a little less than a segment.
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
         * Sets the durability policy (default {@link SpoolConfig#DEFAULT_DURABILITY}).
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
         * Validates and builds.
         *
         * @return the settings.
         * @throws io.ipcgateway.core.ConfigurationException naming the first invalid setting.
         */
        public SpoolConfig build()
        {
            if (directory == null)
            {
                throw Configuration.invalid("directory", "null", "the spool's folder");
            }
            if (durability == null)
            {
                throw Configuration.invalid("durability", "null", "a DurabilityPolicy");
            }
            Configuration.requireRange("maxBytes", maxBytes, 1, Long.MAX_VALUE);
            Configuration.requireRange("maxMessages", maxMessages, 1, Long.MAX_VALUE);
            Configuration.requireRange("segmentSize", segmentSize, MIN_SEGMENT_SIZE, MAX_SEGMENT_SIZE);
            if (segmentSize % Long.BYTES != 0)
            {
                throw Configuration.invalid("segmentSize", Long.toString(segmentSize), "a multiple of 8");
            }
            return new SpoolConfig(this);
        }
    }
}
