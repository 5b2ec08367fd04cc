package io.ipcgateway.audit;

import org.agrona.DirectBuffer;

/**
 * Receives records replayed from an audit log. The buffer is a view into the segment, valid only until the call
 * returns: copy what you keep.
 */
@FunctionalInterface
public interface AuditRecordHandler
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
     */
    void onRecord(int type, int flags, long timestamp, long sequence, DirectBuffer buffer, int offset, int length);
}
