package io.ipcgateway.examples.gateway;

import java.util.List;

import io.ipcgateway.core.Configuration;

/**
 * Durable subjects ({@code jetstream:}): publishes to a subject matching one of these patterns go through JetStream,
 * and an acknowledged publish is acknowledged to the local sender only after JetStream's {@code PubAck}. The streams
 * themselves are the operator's (the gateway creates none).
 *
 * @param durableSubjects subject patterns ({@code *}, {@code >} allowed), default none.
 * @param publishTimeout  how long to wait for JetStream's acknowledgement (default {@value #DEFAULT_PUBLISH_TIMEOUT}).
 */
public record JetStreamConfig(List<String> durableSubjects, String publishTimeout)
{
    /** Default acknowledgement timeout. */
    public static final String DEFAULT_PUBLISH_TIMEOUT = "5s";
    /** No durable subjects. */
    public static final JetStreamConfig DEFAULTS = new JetStreamConfig(null, null);

    /**
     * Fills in defaults.
     *
     * @param durableSubjects as the record's.
     * @param publishTimeout  as the record's.
     */
    public JetStreamConfig
    {
        durableSubjects = durableSubjects != null ? List.copyOf(durableSubjects) : List.of();
        publishTimeout = publishTimeout != null ? publishTimeout : DEFAULT_PUBLISH_TIMEOUT;
    }

    /**
     * The acknowledgement timeout.
     *
     * @return nanoseconds.
     */
    public long publishTimeoutNs()
    {
        return Configuration.parseDurationNs("jetstream.publishTimeout", publishTimeout);
    }

    /**
     * Whether publishes to {@code subject} go through JetStream.
     *
     * @param subject a publish subject.
     * @return true when a durable pattern matches it.
     */
    public boolean isDurable(final String subject)
    {
        for (int i = 0; i < durableSubjects.size(); i++)
        {
            if (SubjectRules.matches(durableSubjects.get(i), subject))
            {
                return true;
            }
        }
        return false;
    }
}
