package io.ipcgateway.examples.gateway;

import java.util.function.BiConsumer;

import io.ipcgateway.shm.ClientSession;
import io.nats.client.impl.Headers;

/**
 * A request or acknowledged publish on its way through NATS: who to answer, what to send again on a retry, and the
 * times of its legs. Only the duty thread reads or writes it, except {@link #accept}, the NATS completion of the
 * first attempt, which notes the answer in the call and queues the call for the duty thread (the queue publishes
 * those fields). Calls in flight form an intrusive list ({@link #prev}, {@link #next}) the gateway scans for overdue
 * calls and for calls on a lost connection, without allocating per call.
 * <p>
 * Calls are reused (the gateway keeps a pool): a call goes back only when no NATS answer can still come for it, i.e.
 * it was answered from its first attempt's completion or never reached NATS. A call that was retried or abandoned
 * (deadline, lost connection) is left to the garbage collector, so a late answer never meets a reused call.
 */
final class PendingCall implements BiConsumer<Object, Throwable>
{
    private final GatewayHandler owner;
    ClientSession session;
    long correlationId;
    String subject;
    GatewayOperation operation;
    long receivedNs;
    Downstream downstream;
    Headers headers;
    byte[] data;
    long deadlineNs;
    int connection;
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
    /** False once an answer may still come after the call ended (retried or abandoned): never reused then. */
    boolean reusable;
    /** The first attempt's NATS answer, written by {@link #accept} before the call is queued. */
    Object answer;
    /** The first attempt's NATS failure, written by {@link #accept} before the call is queued. */
    Throwable answerFailure;
    /** When the first attempt's answer came, written by {@link #accept}. */
    long answerNs;
    PendingCall prev;
    PendingCall next;

    PendingCall(final GatewayHandler owner)
    {
        this.owner = owner;
    }

    /** Fills a fresh or reused call. */
    PendingCall init(
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
        this.attempt = 0;
        this.natsStartNs = 0;
        this.natsDoneNs = 0;
        this.awaitedAttempt = 0;
        this.awaitingReconnect = false;
        this.ended = false;
        this.reusable = true;
        this.answer = null;
        this.answerFailure = null;
        this.answerNs = 0;
        this.prev = null;
        this.next = null;
        return this;
    }

    /** Drops what the call refers to, so a pooled call keeps no session, payload or reply alive. */
    void clear()
    {
        session = null;
        subject = null;
        operation = null;
        downstream = null;
        headers = null;
        data = null;
        answer = null;
        answerFailure = null;
    }

    /**
     * The NATS completion of the first attempt, on a NATS thread (or at once on the duty thread in loopback): notes
     * the answer and its time, and queues the call for the duty thread.
     *
     * @param result  the reply or acknowledgement, null on failure.
     * @param failure the failure, or null.
     */
    @Override
    public void accept(final Object result, final Throwable failure)
    {
        answerNs = System.nanoTime();
        answer = result;
        answerFailure = failure;
        owner.answered(this);
    }
}
