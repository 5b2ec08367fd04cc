package io.ipcgateway.examples.audit;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import io.ipcgateway.audit.AsyncAuditAppender;
import io.ipcgateway.audit.AuditLog;
import io.ipcgateway.audit.AuditLogConfig;
import io.ipcgateway.audit.DurabilityPolicy;
import io.ipcgateway.shm.ServerContext;
import io.ipcgateway.shm.ShmServer;
import org.agrona.DirectBuffer;

/**
 * The child JVM of {@link AuditTapTest}: an echo service ({@code args[0]} base folder, {@code args[1]} service name)
 * behind an {@link AuditTap} writing to the audit log in {@code args[2]} with a 1 ms group commit. Requests are
 * answered with their own bytes, one-way messages answered with a push. Prints {@code READY}; on SIGTERM closes the
 * server, then the appender (which drains its queue), then the log, and prints {@code CLOSED recorded=N
 * unrecorded=M}.
 */
final class TapEchoServerMain
{
    private TapEchoServerMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final AuditLog log = AuditLog.open(AuditLogConfig.builder(Path.of(args[2]))
            .durability(DurabilityPolicy.parse("interval:1ms")).build());
        final AsyncAuditAppender appender = AsyncAuditAppender.start(log);
        final AuditTap tap = new AuditTap(appender, new AuditTap.Handler()
        {
            @Override
            public void onRequest(final AuditTap.Session session, final long correlationId, final int typeId,
                final DirectBuffer buffer, final int offset, final int length)
            {
                session.respond(correlationId, typeId, buffer, offset, length);
            }

            @Override
            public void onMessage(final AuditTap.Session session, final int typeId, final DirectBuffer buffer,
                final int offset, final int length)
            {
                session.push(typeId, buffer, offset, length);
            }
        });
        final ShmServer server = ShmServer.launch(
            new ServerContext().baseDirectory(Path.of(args[0])).serviceName(args[1]), tap);
        final CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            server.close();
            appender.close();
            log.close();
            System.out.println("CLOSED recorded=" + tap.recorded() + " unrecorded=" + tap.unrecorded());
            System.out.flush();
            closed.countDown();
        }));
        System.out.println("READY");
        System.out.flush();
        closed.await();
    }
}
