package com.example.auditadopter;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.ipcgateway.audit.AsyncAuditAppender;
import io.ipcgateway.audit.AuditLog;
import io.ipcgateway.audit.AuditLogConfig;
import io.ipcgateway.audit.AuditReader;
import io.ipcgateway.audit.AuditVerifier;
import io.ipcgateway.audit.DurabilityPolicy;
import io.ipcgateway.core.JvmAccess;
import org.agrona.concurrent.UnsafeBuffer;

/** A user's class written against the audit log's API, with nothing but ipc-audit as its dependency. */
public final class AuditAdopter
{
    private AuditAdopter()
    {
    }

    public static void main(final String[] args)
    {
        JvmAccess.ensureAgronaAccess();
        final Path dir = Path.of(args[0]);
        final byte[] payload = "order 42 accepted".getBytes(StandardCharsets.UTF_8);
        final AuditLogConfig config = AuditLogConfig.builder(dir).durability(DurabilityPolicy.everyRecord()).build();
        try (AuditLog log = AuditLog.open(config);
            AsyncAuditAppender appender = AsyncAuditAppender.start(log))
        {
            final long ticket = appender.tryAppend(1, 0, new UnsafeBuffer(payload), 0, payload.length);
            appender.awaitDurable(ticket, 1_000_000_000L);
        }
        try (AuditReader reader = AuditReader.open(dir, AuditLogConfig.DEFAULT_NAME))
        {
            reader.replay(1, (type, flags, timestamp, sequence, buffer, offset, length) ->
                System.out.println(sequence + ": " + buffer.getStringWithoutLengthUtf8(offset, length)));
        }
        System.out.println(AuditVerifier.verify(dir, AuditLogConfig.DEFAULT_NAME, null).ok() ? "intact" : "broken");
    }
}
