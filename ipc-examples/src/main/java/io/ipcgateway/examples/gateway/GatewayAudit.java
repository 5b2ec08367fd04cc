package io.ipcgateway.examples.gateway;

import java.nio.file.Path;

import io.ipcgateway.audit.AsyncAuditAppender;
import io.ipcgateway.audit.AuditLog;
import io.ipcgateway.audit.AuditLogConfig;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.shm.ClientSession;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

/**
 * Writes the gateway's audit records ({@link GatewayAuditRecord}) through ipc-audit's {@link AsyncAuditAppender}:
 * encoding on the duty thread into one reused buffer, writing on the appender's thread. A record the appender cannot
 * take (its queue full) is counted in {@link GatewayStats#auditFailures()}, never waited for. A disabled audit does
 * nothing.
 */
final class GatewayAudit implements AutoCloseable
{
    private final AuditLog log;
    private final AsyncAuditAppender appender;
    private final ExpandableDirectByteBuffer record = new ExpandableDirectByteBuffer(1024);
    private final int maxPayload;
    private final GatewayStats stats;

    GatewayAudit(final AuditConfig config, final GatewayStats stats)
    {
        this.stats = stats;
        this.maxPayload = config.maxPayload();
        if (!config.enabled())
        {
            log = null;
            appender = null;
            return;
        }
        if (maxPayload < 0 || maxPayload > 65_536)
        {
            throw new io.ipcgateway.core.ConfigurationException("invalid audit.maxPayload=" + maxPayload +
                ": valid values are 0 to 65536");
        }
        log = AuditLog.open(AuditLogConfig.builder(Path.of(config.directory())).name(config.name())
            .durability(config.policy()).build());
        appender = AsyncAuditAppender.start(log, AsyncAuditAppender.DEFAULT_CAPACITY,
            Math.min(log.config().maxPayloadLength(),
            GatewayAuditRecord.HEADER_LENGTH + GatewayProtocol.MAX_SUBJECT_LENGTH + maxPayload));
    }

    boolean enabled()
    {
        return appender != null;
    }

    /**
     * Writes one record.
     *
     * @param type          a {@link GatewayAuditRecord} type.
     * @param session       the local client.
     * @param correlationId the correlation id (0 for one-way).
     * @param operation     the operation.
     * @param subject       the subject.
     * @param status        the outcome.
     * @param latencyNs     time since arrival (0 on arrival).
     * @param payload       the payload's buffer, or null.
     * @param offset        where it starts.
     * @param length        its length (cut to {@code audit.maxPayload}).
     */
    void write(
        final int type,
        final ClientSession session,
        final long correlationId,
        final GatewayOperation operation,
        final String subject,
        final GatewayStatus status,
        final long latencyNs,
        final DirectBuffer payload,
        final int offset,
        final int length)
    {
        if (appender == null)
        {
            return;
        }
        final int subjectLength = Math.min(subject.length(), GatewayProtocol.MAX_SUBJECT_LENGTH);
        final int kept = payload == null ? 0 : Math.min(length, maxPayload);
        record.checkLimit(GatewayAuditRecord.HEADER_LENGTH + subjectLength + kept);
        record.putLong(GatewayAuditRecord.PID_OFFSET, session.pid());
        record.putInt(GatewayAuditRecord.UID_OFFSET, session.uid());
        record.putInt(GatewayAuditRecord.SESSION_OFFSET, session.sessionId());
        record.putLong(GatewayAuditRecord.CORRELATION_OFFSET, correlationId);
        record.putInt(GatewayAuditRecord.STATUS_OFFSET, status.code());
        record.putShort(GatewayAuditRecord.SUBJECT_LENGTH_OFFSET, (short)subjectLength);
        record.putShort(GatewayAuditRecord.OPERATION_OFFSET, (short)operation.ordinal());
        record.putLong(GatewayAuditRecord.LATENCY_OFFSET, latencyNs);
        for (int i = 0; i < subjectLength; i++)
        {
            record.putByte(GatewayAuditRecord.HEADER_LENGTH + i, (byte)subject.charAt(i));
        }
        if (kept > 0)
        {
            record.putBytes(GatewayAuditRecord.HEADER_LENGTH + subjectLength, payload, offset, kept);
        }
        final long result = appender.tryAppend(type, 0, record, 0,
            GatewayAuditRecord.HEADER_LENGTH + subjectLength + kept);
        if (result < 0 && result != OfferResult.CLOSED)
        {
            stats.recordAuditFailure();
        }
    }

    /** Writes what was handed over, makes it durable and closes the log. */
    @Override
    public void close()
    {
        if (appender != null)
        {
            appender.close();
            log.sync();
            log.close();
        }
    }
}
