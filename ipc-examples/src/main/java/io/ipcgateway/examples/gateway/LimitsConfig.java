package io.ipcgateway.examples.gateway;

import io.ipcgateway.core.Configuration;

/**
 * Input limits ({@code limits:}): larger payloads and longer subjects are refused with
 * {@link GatewayStatus#PAYLOAD_TOO_LARGE} and {@link GatewayStatus#INVALID_SUBJECT}.
 *
 * @param maxPayload       largest payload, a size such as {@code 1m} (default {@value #DEFAULT_MAX_PAYLOAD}; NATS'
 *                         own default limit is 1 MiB).
 * @param maxSubjectLength longest subject, 1 to {@value GatewayProtocol#MAX_SUBJECT_LENGTH} (default
 *                         {@value GatewayProtocol#DEFAULT_MAX_SUBJECT_LENGTH}).
 */
public record LimitsConfig(String maxPayload, Integer maxSubjectLength)
{
    /** Default largest payload. */
    public static final String DEFAULT_MAX_PAYLOAD = "1m";
    /** All defaults. */
    public static final LimitsConfig DEFAULTS = new LimitsConfig(null, null);

    /**
     * Fills in defaults.
     *
     * @param maxPayload       as the record's.
     * @param maxSubjectLength as the record's.
     */
    public LimitsConfig
    {
        maxPayload = maxPayload != null ? maxPayload : DEFAULT_MAX_PAYLOAD;
        maxSubjectLength = maxSubjectLength != null ? maxSubjectLength : GatewayProtocol.DEFAULT_MAX_SUBJECT_LENGTH;
    }

    /**
     * The largest payload.
     *
     * @return bytes.
     */
    public long maxPayloadBytes()
    {
        return Configuration.parseSize("limits.maxPayload", maxPayload);
    }
}
