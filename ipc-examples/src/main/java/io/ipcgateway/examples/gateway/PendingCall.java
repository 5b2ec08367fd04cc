package io.ipcgateway.examples.gateway;

import io.ipcgateway.shm.ClientSession;
import io.nats.client.impl.Headers;

/**
 * A request or acknowledged publish on its way through NATS: who to answer, what to send again on a retry, and the
 * times of its legs. Written by the duty thread before each NATS call and by the NATS thread once per attempt
 * ({@link #natsDoneNs}) before the duty thread reads it again; the hand-off through {@code ShmServer.execute} orders
 * those accesses.
 */
final class PendingCall
{
    final ClientSession session;
    final long correlationId;
    final String subject;
    final GatewayOperation operation;
    final long receivedNs;
    final Downstream downstream;
    final Headers headers;
    final byte[] data;
    final long deadlineNs;
    int attempt;
    long natsStartNs;
    long natsDoneNs;

    PendingCall(
        final ClientSession session,
        final long correlationId,
        final String subject,
        final GatewayOperation operation,
        final long receivedNs,
        final Downstream downstream,
        final Headers headers,
        final byte[] data,
        final long timeoutNs)
    {
        this.session = session;
        this.correlationId = correlationId;
        this.subject = subject;
        this.operation = operation;
        this.receivedNs = receivedNs;
        this.downstream = downstream;
        this.headers = headers;
        this.data = data;
        this.deadlineNs = receivedNs + timeoutNs;
    }
}
