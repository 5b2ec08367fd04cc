package io.ipcgateway.examples.gateway;

import io.ipcgateway.shm.ClientSession;

/**
 * A request or acknowledged publish waiting for NATS: who to answer and the times of its legs. Written by the duty
 * thread before the NATS call and by the NATS thread once ({@link #natsDoneNs}) before the duty thread reads it
 * again; the hand-off through {@code ShmServer.execute} orders those accesses.
 */
final class PendingCall
{
    final ClientSession session;
    final long correlationId;
    final String subject;
    final GatewayOperation operation;
    final long receivedNs;
    long natsStartNs;
    long natsDoneNs;

    PendingCall(
        final ClientSession session,
        final long correlationId,
        final String subject,
        final GatewayOperation operation,
        final long receivedNs)
    {
        this.session = session;
        this.correlationId = correlationId;
        this.subject = subject;
        this.operation = operation;
        this.receivedNs = receivedNs;
    }
}
