package io.ipcgateway.examples.gateway;

import io.ipcgateway.shm.ClientSession;
import io.nats.client.impl.Headers;

/**
 * A request or acknowledged publish on its way through NATS: who to answer, what to send again on a retry, and the
 * times of its legs. Only the duty thread reads or writes it (a NATS completion brings its time with it through
 * {@code ShmServer.execute}). Calls in flight form an intrusive list ({@link #prev}, {@link #next}) the gateway scans
 * for overdue calls and for calls on a lost connection, without allocating per call.
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
    final int connection;
    int attempt;
    long natsStartNs;
    long natsDoneNs;
    /** The attempt whose NATS answer is awaited, 0 while none is (before the first, between retries, or ended). */
    int awaitedAttempt;
    /**
     * Its attempt was lost with its NATS connection and it waits for the connection to come back to be sent again
     * (idempotent requests only), within its deadline.
     */
    boolean awaitingReconnect;
    /** Answered to the local client: every later NATS completion is dropped. */
    boolean ended;
    PendingCall prev;
    PendingCall next;

    PendingCall(
        final ClientSession session,
        final long correlationId,
        final String subject,
        final GatewayOperation operation,
        final long receivedNs,
        final Downstream downstream,
        final Headers headers,
        final byte[] data,
        final long timeoutNs,
        final int connection)
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
        this.connection = connection;
    }
}
