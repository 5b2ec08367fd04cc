/**
 * An append-only, tamper-evident audit log.
 * <ul>
 *     <li>Format: {@link io.ipcgateway.audit.AuditSegmentDescriptor} (segments, records, the hash chain);
 *     {@link io.ipcgateway.audit.AuditSegmentDecoder} is the one decoder of segment bytes.</li>
 *     <li>Writing: {@link io.ipcgateway.audit.AuditLog} (open, recover, synchronous append, checkpoint) configured
 *     by {@link io.ipcgateway.audit.AuditLogConfig} and {@link io.ipcgateway.audit.DurabilityPolicy};
 *     {@link io.ipcgateway.audit.AsyncAuditAppender} for many threads.</li>
 *     <li>Reading: {@link io.ipcgateway.audit.AuditReader} (replay by sequence or time, tail) with an
 *     {@link io.ipcgateway.audit.AuditRecordHandler}; {@link io.ipcgateway.audit.AuditVerifier} checks CRCs, sequences
 *     and the chain, against an {@link io.ipcgateway.audit.AuditCheckpoint} when given.</li>
 * </ul>
 */
package io.ipcgateway.audit;
