package io.ipcgateway.examples.audit;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.audit.AuditReader;
import io.ipcgateway.audit.AuditRecordHandler;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * Where reading starts: {@code --from-seq N} or {@code --from-time T}, one or neither (picocli's exclusive group).
 */
final class StartOptions
{
    private static final AuditRecordHandler SKIP = (type, flags, timestamp, sequence, buffer, offset, length) ->
    {
    };

    @Option(names = "--from-seq", paramLabel = "N", description = "start at sequence N (from 1)")
    private Long fromSequence;

    @Option(names = "--from-time", paramLabel = "T", converter = TimeConverter.class,
        description = "start at the first record at or after T: an ISO-8601 instant (2026-12-06T10:15:30Z), "
            + "a local date-time (2026-12-06T10:15:30, this host's zone) or nanoseconds since the epoch")
    private Long fromTimeNs;

    /**
     * Positions the reader.
     *
     * @param reader        the reader.
     * @param otherwiseLast without a start, the number of newest records to start with, or -1 for the oldest.
     */
    void seek(final AuditReader reader, final long otherwiseLast)
    {
        if (fromSequence != null)
        {
            if (fromSequence < 1)
            {
                throw new IllegalArgumentException("--from-seq must be at least 1, was " + fromSequence);
            }
            reader.seekToSequence(fromSequence);
        }
        else if (fromTimeNs != null)
        {
            reader.seekToTime(fromTimeNs);
        }
        else if (otherwiseLast >= 0)
        {
            // Seeking past the end stops at the last index entry; reading on from there finds the end.
            reader.seekToSequence(Long.MAX_VALUE);
            while (reader.poll(SKIP, Integer.MAX_VALUE) > 0)
            {
                // Skip to the end.
            }
            reader.seekToSequence(Math.max(1, reader.nextSequence() - otherwiseLast));
        }
    }

    boolean given()
    {
        return fromSequence != null || fromTimeNs != null;
    }

    /** Parses {@code --from-time}. */
    static final class TimeConverter implements ITypeConverter<Long>
    {
        @Override
        public Long convert(final String value)
        {
            try
            {
                if (value.chars().allMatch(Character::isDigit))
                {
                    return Long.parseLong(value);
                }
                final Instant instant = value.endsWith("Z") || value.matches(".*[+-]\\d\\d:\\d\\d$")
                    ? Instant.parse(value)
                    : LocalDateTime.parse(value).atZone(ZoneId.systemDefault()).toInstant();
                return TimeUnit.SECONDS.toNanos(instant.getEpochSecond()) + instant.getNano();
            }
            catch (final DateTimeParseException | NumberFormatException ex)
            {
                throw new TypeConversionException("'" + value + "' is not a time: give an ISO-8601 instant such as "
                    + "2026-12-06T10:15:30Z, a local date-time such as 2026-12-06T10:15:30, or epoch nanoseconds");
            }
        }
    }
}
