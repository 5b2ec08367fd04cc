package io.ipcgateway.examples.gateway;

import java.nio.file.Path;

import io.ipcgateway.audit.DurabilityPolicy;
import io.ipcgateway.core.Configuration;
import io.ipcgateway.core.ConfigurationException;
import io.ipcgateway.examples.gateway.spool.SpoolConfig;

/**
 * What publishes do while NATS is unreachable or their downstream's breaker is open ({@code spool:}): fail fast with
 * {@link GatewayStatus#NATS_UNAVAILABLE} / {@link GatewayStatus#BREAKER_OPEN} (mode {@code fail-fast}, the default),
 * or go to a bounded, durable local spool (mode {@code spool}) that is delivered to NATS in order when it is back; a
 * full spool answers {@link GatewayStatus#SPOOL_FULL}. An acknowledged publish is acknowledged once it is in the
 * spool (durable under {@code durability}). Requests are never spooled.
 *
 * @param mode        {@code fail-fast} or {@code spool}.
 * @param directory   the spool's folder (required in mode {@code spool}).
 * @param maxMessages most messages waiting (default {@value SpoolConfig#DEFAULT_MAX_MESSAGES}).
 * @param maxBytes    most bytes waiting, a size such as {@code 256m} (default 256m).
 * @param durability  when an append is on the disk: {@code none}, {@code record}, {@code records:N} or
 *                    {@code interval:DURATION} (default: the spool's).
 */
public record SpoolSettings(String mode, String directory, Long maxMessages, String maxBytes, String durability)
{
    /** Fail fast while NATS is down. */
    public static final String FAIL_FAST = "fail-fast";
    /** Spool while NATS is down. */
    public static final String SPOOL = "spool";
    /** Fail fast. */
    public static final SpoolSettings DEFAULTS = new SpoolSettings(null, null, null, null, null);

    /**
     * Fills in defaults.
     *
     * @param mode        as the record's.
     * @param directory   as the record's.
     * @param maxMessages as the record's.
     * @param maxBytes    as the record's.
     * @param durability  as the record's.
     */
    public SpoolSettings
    {
        mode = mode != null ? mode : FAIL_FAST;
    }

    /**
     * Whether publishes are spooled.
     *
     * @return true in mode {@code spool}.
     */
    public boolean enabled()
    {
        return SPOOL.equals(mode);
    }

    /**
     * The spool's settings, validated.
     *
     * @return the settings.
     * @throws ConfigurationException naming the bad key.
     */
    public SpoolConfig toConfig()
    {
        if (!FAIL_FAST.equals(mode) && !SPOOL.equals(mode))
        {
            throw new ConfigurationException("invalid spool.mode=" + mode + ": valid values are fail-fast or spool");
        }
        if (directory == null)
        {
            throw new ConfigurationException("invalid spool.directory=null: valid values are a folder for the " +
                "spool (required with spool.mode=spool)");
        }
        final SpoolConfig.Builder builder = SpoolConfig.builder(Path.of(directory));
        try
        {
            if (maxMessages != null)
            {
                builder.maxMessages(maxMessages);
            }
            if (maxBytes != null)
            {
                builder.maxBytes(Configuration.parseSize("spool.maxBytes", maxBytes));
            }
            if (durability != null)
            {
                builder.durability(DurabilityPolicy.parse(durability));
            }
            return builder.build();
        }
        catch (final ConfigurationException ex)
        {
            throw new ConfigurationException("invalid spool: " + ex.getMessage(), ex);
        }
    }
}
