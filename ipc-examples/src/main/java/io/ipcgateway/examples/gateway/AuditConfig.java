package io.ipcgateway.examples.gateway;

import io.ipcgateway.audit.DurabilityPolicy;

/**
 * The audit log ({@code audit:}): every publish, request, response and delivered message, with its subject, the
 * local client's pid, uid and session, the correlation id, the outcome and the latency, written by ipc-audit's
 * {@code AsyncAuditAppender}. Off when {@code directory} is not set. Check it with {@code bin/ipc audit verify DIR}.
 *
 * @param directory  the log's folder, or null for no audit.
 * @param name       the log's name in the folder (default {@value #DEFAULT_NAME}).
 * @param durability when records are forced to disk: {@code none}, {@code record}, {@code records:N} or
 *                   {@code interval:DURATION} (default {@value #DEFAULT_DURABILITY}).
 * @param maxPayload payload bytes kept per record (longer payloads are cut), 0 to 65536 (default 1024).
 */
public record AuditConfig(String directory, String name, String durability, Integer maxPayload)
{
    /** Default log name. */
    public static final String DEFAULT_NAME = "gateway";
    /** Default durability. */
    public static final String DEFAULT_DURABILITY = "interval:10ms";
    /** No audit. */
    public static final AuditConfig DISABLED = new AuditConfig(null, null, null, null);

    /**
     * Fills in defaults.
     *
     * @param directory  as the record's.
     * @param name       as the record's.
     * @param durability as the record's.
     * @param maxPayload as the record's.
     */
    public AuditConfig
    {
        name = name != null ? name : DEFAULT_NAME;
        durability = durability != null ? durability : DEFAULT_DURABILITY;
        maxPayload = maxPayload != null ? maxPayload : 1024;
    }

    /**
     * Whether auditing is on.
     *
     * @return true when a directory is set.
     */
    public boolean enabled()
    {
        return directory != null;
    }

    /**
     * The durability policy.
     *
     * @return the policy.
     * @throws io.ipcgateway.core.ConfigurationException when the text is not a policy.
     */
    public DurabilityPolicy policy()
    {
        try
        {
            return DurabilityPolicy.parse(durability);
        }
        catch (final io.ipcgateway.core.ConfigurationException ex)
        {
            throw new io.ipcgateway.core.ConfigurationException("invalid audit.durability=" + durability +
                ": valid values are none, record, records:N or interval:DURATION", ex);
        }
    }
}
