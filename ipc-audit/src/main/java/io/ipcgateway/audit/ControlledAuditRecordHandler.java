package io.ipcgateway.audit;

import org.agrona.DirectBuffer;

/**
 * Receives records from {@link AuditReader#controlledPoll(ControlledAuditRecordHandler, int)} and says whether it
 * took each one: a record it declines stays where it is and is delivered again by the next poll (after a seek
 * elsewhere, from wherever that seek went). The buffer is a view into the segment, valid only until the call
 * returns: copy what you keep.
 */
@FunctionalInterface
public interface ControlledAuditRecordHandler
{
    /**
     * One record.
     *
     * @param type      the type given to append.
     * @param flags     the flags given to append.
     * @param timestamp wall clock when it was appended, ns since 1970-01-01 UTC (never decreasing along the log).
     * @param sequence  its sequence (gap-free, from 1).
     * @param buffer    holds the payload.
     * @param offset    where the payload starts.
     * @param length    payload bytes.
     * @return true when the record was taken (the reader moves past it), false to stop the poll before it.
     */
    boolean onRecord(int type, int flags, long timestamp, long sequence, DirectBuffer buffer, int offset, int length);
}
