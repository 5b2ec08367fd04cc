package io.ipcgateway.examples.gateway;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

import io.ipcgateway.core.IpcException;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerState;
import io.ipcgateway.shm.ClientSession;
import io.ipcgateway.shm.ServerHandler;
import io.ipcgateway.shm.ShmServer;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The gateway's ingress, on the shared-memory service's duty thread: decodes each frame, checks it, applies the rate
 * limits, the downstream's circuit breaker and bulkhead, hands it to NATS, audits it and answers the local client. It
 * never blocks: NATS answers (replies, JetStream acks, subscription messages) and retries come back to the duty
 * thread, where the local response or push is sent (a client's inbox has one writer, the duty thread).
 * <p>
 * The request path allocates nothing of its own once warm: subjects come from a {@link SubjectCache}, calls from a
 * pool of {@link PendingCall}s, and a first attempt's NATS answer is the call itself put on a many-to-one queue the
 * duty thread drains; {@link ShmServer#execute} (a queue node per task) runs one drain per batch of answers, not one
 * task per answer. What remains is what jnats needs: the payload as a {@code byte[]}, its message and future.
 * <p>
 * Requests and acknowledged publishes drive the breaker (timeouts, no responders and NATS unavailable are failures;
 * the NATS leg's duration decides slow calls); one-way publishes only obey it (refused while it is open). A call
 * counts once, by its last attempt: attempts that are retried (idempotent requests, and an attempt lost with its
 * connection and sent again after the reconnect) give their permission back without an outcome.
 * <p>
 * The gateway answers every call in flight itself when NATS will not: at once with
 * {@link GatewayStatus#NATS_UNAVAILABLE} when the call's connection is lost (except a request to an idempotent
 * downstream with attempts left: it waits for the connection to come back and is sent again, within its own deadline,
 * and gets {@link GatewayStatus#NATS_UNAVAILABLE} at its deadline if the connection does not come back), and with
 * {@link GatewayStatus#NATS_TIMEOUT} once its deadline passed (a scan every {@link #DEADLINE_SCAN_NS} ns; the NATS
 * client's own timeouts may fire seconds late). A NATS answer that comes after that is dropped and counted
 * ({@link GatewayStats#lateNatsAnswers()}).
 */
final class GatewayHandler implements ServerHandler
{
    private static final byte[] NO_BYTES = new byte[0];
    /** How often the duty thread looks for calls past their deadline: 10 ms. */
    static final long DEADLINE_SCAN_NS = 10_000_000L;
    /** Answers queued for the duty thread before one goes through {@link ShmServer#execute} on its own. */
    static final int ANSWER_QUEUE_CAPACITY = 16 * 1024;
    /** Most calls kept for reuse. */
    static final int MAX_POOLED_CALLS = 4096;
    /** {@link #retryWaitNs}: the call may not be retried (not an idempotent request, or attempts used up). */
    private static final long NOT_RETRIED = -1;
    /** {@link #retryWaitNs}: the call's deadline comes before its next attempt could. */
    private static final long NO_TIME_TO_RETRY = -2;

    private final GatewayConfig config;
    private final NatsEgress nats;
    private final GatewayStats stats;
    private final Downstreams downstreams;
    private final ClientRateLimits limits;
    private final GatewayAudit audit;
    private final ScheduledExecutorService retryTimer;
    private final GatewaySpool spool;
    private final SubscriptionTable<Subscription> subscriptions = new SubscriptionTable<>();
    private final GatewayFrame frame = new GatewayFrame();
    private final ExpandableDirectByteBuffer out = new ExpandableDirectByteBuffer(4096);
    private final UnsafeBuffer view = new UnsafeBuffer(NO_BYTES);
    private final GatewayHeaders outHeaders = new GatewayHeaders();
    private final int maxSubjectLength;
    private final long maxPayload;
    private final long defaultRequestTimeoutNs;
    private final long publishTimeoutNs;
    private final Runnable expireOverdue = this::expireOverdue;
    private final SubjectCache subjects = new SubjectCache();
    /** Calls ready for reuse (duty thread only). */
    private final ArrayDeque<PendingCall> callPool = new ArrayDeque<>();
    /** First attempts' NATS answers, from NATS threads to the duty thread. */
    private final ManyToOneConcurrentArrayQueue<PendingCall> answers =
        new ManyToOneConcurrentArrayQueue<>(ANSWER_QUEUE_CAPACITY);
    /** True while a drain of {@link #answers} is queued on the duty thread and has not started. */
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    private final Runnable drainAnswers = this::drainAnswers;
    private volatile ShmServer server;
    private boolean draining;
    /** Calls in flight (duty thread only), linked through {@link PendingCall#next}. */
    private PendingCall inFlight;

    GatewayHandler(
        final GatewayConfig config,
        final NatsEgress nats,
        final GatewayStats stats,
        final Downstreams downstreams,
        final ClientRateLimits limits,
        final GatewayAudit audit,
        final ScheduledExecutorService retryTimer,
        final GatewaySpool spool)
    {
        this.config = config;
        this.nats = nats;
        this.stats = stats;
        this.downstreams = downstreams;
        this.limits = limits;
        this.audit = audit;
        this.retryTimer = retryTimer;
        this.spool = spool;
        this.maxSubjectLength = config.limits().maxSubjectLength();
        this.maxPayload = config.limits().maxPayloadBytes();
        this.defaultRequestTimeoutNs = config.nats().requestTimeoutNs();
        this.publishTimeoutNs = config.jetstream().publishTimeoutNs();
    }

    void attach(final ShmServer server)
    {
        this.server = server;
        nats.onConnectionLost(index -> onDutyThread(() -> failConnectionLost(index)));
        nats.onConnectionRestored(index -> onDutyThread(() -> resendAfterReconnect(index)));
        // Skipped while nothing is in flight, so an idle duty thread is not woken for nothing.
        retryTimer.scheduleAtFixedRate(() ->
        {
            if (stats.inFlight() > 0)
            {
                onDutyThread(expireOverdue);
            }
        }, DEADLINE_SCAN_NS, DEADLINE_SCAN_NS, TimeUnit.NANOSECONDS);
    }

    /** Runs a task on the duty thread unless the service is closed (then there is nobody left to answer). */
    private void onDutyThread(final Runnable task)
    {
        try
        {
            server.execute(task);
        }
        catch (final IpcException closed)
        {
            // The service is closed: its clients are gone.
        }
    }

    /** From now on new work is refused with {@link GatewayStatus#SHUTTING_DOWN}; work in flight finishes. */
    void startDraining()
    {
        draining = true;
    }

    @Override
    public void onMessage(
        final ClientSession session, final int typeId, final DirectBuffer buffer, final int offset, final int length)
    {
        final long receivedNs = System.nanoTime();
        if (typeId != GatewayProtocol.PUBLISH || !frame.wrap(buffer, offset, length))
        {
            stats.record("_malformed", GatewayOperation.PUBLISH, GatewayStatus.MALFORMED_FRAME);
            return;
        }
        final String subject = frame.subject(subjects);
        GatewayStatus status = check(subject);
        if (status == GatewayStatus.OK)
        {
            status = draining ? GatewayStatus.SHUTTING_DOWN : limits.tryAcquire(session);
        }
        if (status == GatewayStatus.OK)
        {
            final Downstream downstream = downstreams.of(subject);
            if (mustSpool(subject, downstream))
            {
                spoolPublish(session, 0, subject, GatewayOperation.PUBLISH, receivedNs);
                return;
            }
            status = publishNow(subject, downstream);
        }
        stats.record(status == GatewayStatus.INVALID_SUBJECT ? "_invalid" : subject, GatewayOperation.PUBLISH,
            status);
        final long elapsed = System.nanoTime() - receivedNs;
        audit.write(GatewayAuditRecord.PUBLISH_IN, session, 0, GatewayOperation.PUBLISH, subject, status, elapsed,
            frame.buffer(), frame.payloadOffset(), frame.payloadLength());
        stats.recordLocalLeg(elapsed);
    }

    @Override
    public void onRequest(
        final ClientSession session,
        final long correlationId,
        final int typeId,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        final long receivedNs = System.nanoTime();
        if (!frame.wrap(buffer, offset, length))
        {
            fail(session, correlationId, "_malformed", GatewayOperation.REQUEST, GatewayStatus.MALFORMED_FRAME,
                "frame lengths do not fit: length=" + length);
            return;
        }
        switch (typeId)
        {
            case GatewayProtocol.PUBLISH_ACKED -> startCall(session, correlationId, receivedNs,
                GatewayOperation.PUBLISH_ACKED);
            case GatewayProtocol.REQUEST -> startCall(session, correlationId, receivedNs, GatewayOperation.REQUEST);
            case GatewayProtocol.SUBSCRIBE -> subscribe(session, correlationId);
            case GatewayProtocol.UNSUBSCRIBE -> unsubscribe(session, correlationId);
            default -> fail(session, correlationId, "_malformed", GatewayOperation.REQUEST,
                GatewayStatus.MALFORMED_FRAME, "unknown type id=" + typeId);
        }
    }

    @Override
    public void onDisconnect(final ClientSession session)
    {
        final List<Subscription> toClose = subscriptions.removeSession(session);
        for (final Subscription subscription : toClose)
        {
            nats.unsubscribe(subscription);
        }
        limits.onDisconnect(session);
        updateSubscriptionGauges();
    }

    /** Closes every NATS subscription (the service is closing). */
    void closeSubscriptions()
    {
        for (final Subscription subscription : subscriptions.clear())
        {
            try
            {
                nats.unsubscribe(subscription);
            }
            catch (final IllegalStateException ex)
            {
                // The connection is closed already.
            }
        }
        updateSubscriptionGauges();
    }

    /** A one-way (or core NATS "acknowledged") publish: obeys the breaker, never waits. */
    private GatewayStatus publishNow(final String subject, final Downstream downstream)
    {
        final CircuitBreakerState state = downstream.breaker.state();
        if (state == CircuitBreakerState.OPEN || state == CircuitBreakerState.FORCED_OPEN)
        {
            return GatewayStatus.BREAKER_OPEN;
        }
        if (!nats.isConnected(subject))
        {
            return GatewayStatus.NATS_UNAVAILABLE;
        }
        try
        {
            nats.publish(subject, natsHeaders(), frame.buffer(), frame.payloadOffset(), frame.payloadLength());
            return GatewayStatus.OK;
        }
        catch (final RuntimeException ex)
        {
            return NatsFailures.statusOf(ex);
        }
    }

    /**
     * Whether a publish goes to the spool: spooling is on, and NATS is down, the breaker is open, or earlier
     * publishes are still spooled (their order is kept).
     */
    private boolean mustSpool(final String subject, final Downstream downstream)
    {
        if (spool == null)
        {
            return false;
        }
        final CircuitBreakerState state = downstream.breaker.state();
        return spool.active() || !nats.isConnected(subject) || state == CircuitBreakerState.OPEN ||
            state == CircuitBreakerState.FORCED_OPEN;
    }

    /** Hands a publish to the spool; the outcome comes back to the duty thread. */
    private void spoolPublish(
        final ClientSession session, final long correlationId, final String subject, final GatewayOperation op,
        final long receivedNs)
    {
        final byte[] payload = frame.payloadBytes();
        stats.addInFlight(1);
        spool.append(subject, frame.headerBlockBytes(), payload, status ->
        {
            try
            {
                server.execute(() -> spooled(session, correlationId, subject, op, receivedNs, payload, status));
            }
            catch (final IpcException closed)
            {
                stats.addInFlight(-1);
            }
        });
    }

    /** On the duty thread: the spool's answer to a publish. */
    private void spooled(
        final ClientSession session,
        final long correlationId,
        final String subject,
        final GatewayOperation op,
        final long receivedNs,
        final byte[] payload,
        final GatewayStatus status)
    {
        stats.addInFlight(-1);
        if (status == GatewayStatus.OK)
        {
            stats.recordSpooled();
        }
        final long elapsed = System.nanoTime() - receivedNs;
        if (op == GatewayOperation.PUBLISH)
        {
            stats.record(subject, op, status);
            view.wrap(payload);
            audit.write(GatewayAuditRecord.PUBLISH_IN, session, 0, op, subject, status, elapsed, view, 0,
                payload.length);
            return;
        }
        if (status == GatewayStatus.OK)
        {
            session.respond(correlationId, GatewayProtocol.OK_TYPE, out, 0, 0);
            succeeded(session, correlationId, subject, op, receivedNs, null);
        }
        else
        {
            finish(session, correlationId, subject, op, receivedNs, status, status == GatewayStatus.SPOOL_FULL ?
                "NATS is unavailable and the spool is full (spool.maxMessages / spool.maxBytes)" :
                "the spool could not store the message: " + status);
        }
    }

    private void startCall(
        final ClientSession session, final long correlationId, final long receivedNs, final GatewayOperation op)
    {
        final String subject = frame.subject(subjects);
        audit.write(GatewayAuditRecord.REQUEST_IN, session, correlationId, op, subject, GatewayStatus.OK, 0,
            frame.buffer(), frame.payloadOffset(), frame.payloadLength());
        GatewayStatus status = check(subject);
        if (status == GatewayStatus.OK)
        {
            status = draining ? GatewayStatus.SHUTTING_DOWN : limits.tryAcquire(session);
        }
        if (status != GatewayStatus.OK)
        {
            finish(session, correlationId, subject, op, receivedNs, status, describe(status, subject));
            return;
        }
        final Downstream downstream = downstreams.of(subject);
        if (op == GatewayOperation.PUBLISH_ACKED && mustSpool(subject, downstream))
        {
            spoolPublish(session, correlationId, subject, op, receivedNs);
            return;
        }
        if (op == GatewayOperation.PUBLISH_ACKED && !config.jetstream().isDurable(subject))
        {
            // Core NATS has no acknowledgement: accepted once the connection has it (see docs).
            status = publishNow(subject, downstream);
            if (status == GatewayStatus.OK)
            {
                session.respond(correlationId, GatewayProtocol.OK_TYPE, out, 0, 0);
                succeeded(session, correlationId, subject, op, receivedNs, null);
                stats.recordLocalLeg(System.nanoTime() - receivedNs);
            }
            else
            {
                finish(session, correlationId, subject, op, receivedNs, status, describe(status, subject));
            }
            return;
        }
        final long timeoutNs;
        if (op == GatewayOperation.REQUEST)
        {
            timeoutNs = frame.argument() > 0 ? frame.argument() * 1_000_000L : defaultRequestTimeoutNs;
        }
        else
        {
            timeoutNs = publishTimeoutNs;
        }
        final PendingCall pooled = callPool.pollFirst();
        final PendingCall call = (pooled != null ? pooled : new PendingCall(this)).init(session, correlationId,
            subject, op, receivedNs, downstream, natsHeaders(), frame.payloadBytes(), timeoutNs,
            nats.connectionIndex(subject));
        stats.addInFlight(1);
        link(call);
        send(call);
    }

    /** One attempt of a call: breaker, bulkhead, NATS. */
    private void send(final PendingCall call)
    {
        if (call.ended)
        {
            return; // its deadline passed while it waited to be retried
        }
        final Downstream downstream = call.downstream;
        call.attempt++;
        if (!downstream.breaker.tryAcquirePermission())
        {
            end(call, GatewayStatus.BREAKER_OPEN, "circuit breaker of downstream=" + downstream.name + " is " +
                downstream.breaker.state());
            return;
        }
        if (!downstream.bulkhead.tryAcquirePermission())
        {
            downstream.breaker.releasePermission();
            end(call, GatewayStatus.BULKHEAD_FULL, "bulkhead of downstream=" + downstream.name + " is full: " +
                "maxConcurrentCalls=" + downstream.bulkhead.config().maxConcurrentCalls());
            return;
        }
        if (!nats.isConnected(call.subject))
        {
            downstream.bulkhead.onComplete();
            failedAttempt(call, 0, GatewayStatus.NATS_UNAVAILABLE, "NATS is not connected");
            return;
        }
        final long remainingNs = call.deadlineNs - System.nanoTime();
        call.natsStartNs = System.nanoTime();
        final int attempt = call.attempt;
        call.awaitedAttempt = attempt;
        // The first attempt's answer is the call itself (no allocation of ours); a retry's answer may meet a late
        // answer of an earlier attempt, so it carries its attempt number in a task of its own (rare: off the hot path).
        final boolean firstAttempt = attempt == 1 && call.reusable;
        final BiConsumer<Object, Throwable> done = firstAttempt ? call :
            (result, failure) -> handBack(call, attempt, result, failure);
        try
        {
            if (call.operation == GatewayOperation.REQUEST)
            {
                nats.request(call.subject, call.headers, call.data, Math.max(1_000_000L, remainingNs), done);
            }
            else
            {
                nats.publishDurable(call.subject, call.headers, call.data, Math.max(1_000_000L, remainingNs))
                    .whenComplete(done);
            }
        }
        catch (final RuntimeException ex)
        {
            complete(call, attempt, System.nanoTime(), null, ex);
        }
    }

    /**
     * On a NATS thread (or the duty thread in loopback): a first attempt's answer is in {@code call}; queue it for the
     * duty thread, and queue one drain unless one is queued already.
     */
    void answered(final PendingCall call)
    {
        if (!answers.offer(call))
        {
            // More answers waiting than the queue holds: this one goes alone (allocates, never lost).
            handBack(call, 1, call.answer, call.answerFailure);
            return;
        }
        if (!drainQueued.get() && drainQueued.compareAndSet(false, true))
        {
            try
            {
                server.execute(drainAnswers);
            }
            catch (final IpcException closed)
            {
                drainQueued.set(false);
                PendingCall lost;
                while ((lost = answers.poll()) != null)
                {
                    lost.downstream.bulkhead.onComplete();
                    stats.addInFlight(-1);
                }
            }
        }
    }

    /** On the duty thread: every queued first-attempt answer. */
    private void drainAnswers()
    {
        // Cleared first: an answer queued after this line queues a drain of its own, so none is left behind.
        drainQueued.set(false);
        PendingCall call;
        while ((call = answers.poll()) != null)
        {
            final Object answer = call.answer;
            call.answer = null;
            complete(call, 1, call.answerNs, answer instanceof Message ? (Message)answer : null,
                call.answerFailure);
        }
    }

    /** Back to the pool when no NATS answer can still come for the call. */
    private void release(final PendingCall call)
    {
        if (call.reusable && callPool.size() < MAX_POOLED_CALLS)
        {
            call.clear();
            callPool.addFirst(call);
        }
    }

    /** On a NATS thread: note the time and queue the answer for the duty thread. */
    private void handBack(final PendingCall call, final int attempt, final Object result, final Throwable failure)
    {
        final long doneNs = System.nanoTime();
        try
        {
            server.execute(() ->
                complete(call, attempt, doneNs, result instanceof Message ? (Message)result : null, failure));
        }
        catch (final IpcException closed)
        {
            call.downstream.bulkhead.onComplete();
            stats.addInFlight(-1);
        }
    }

    /** On the duty thread: account for the attempt, then answer, or retry. */
    private void complete(
        final PendingCall call, final int attempt, final long doneNs, final Message reply, final Throwable failure)
    {
        if (call.ended || attempt != call.awaitedAttempt)
        {
            stats.recordLateNatsAnswer(); // the gateway answered it already: never answer twice
            return;
        }
        call.awaitedAttempt = 0;
        call.natsDoneNs = doneNs;
        final Downstream downstream = call.downstream;
        downstream.bulkhead.onComplete();
        final long natsLeg = call.natsDoneNs - call.natsStartNs;
        stats.recordNatsLeg(natsLeg);
        if (failure != null)
        {
            final GatewayStatus status = NatsFailures.statusOf(failure);
            if (isDownstreamFailure(status))
            {
                failedAttempt(call, natsLeg, status, NatsFailures.describe(failure));
            }
            else
            {
                downstream.breaker.releasePermission();
                end(call, status, NatsFailures.describe(failure));
            }
            return;
        }
        downstream.breaker.onSuccess(natsLeg, TimeUnit.NANOSECONDS);
        final long result;
        if (call.operation == GatewayOperation.REQUEST)
        {
            final int frameLength = encodeMessage(0, reply);
            result = call.session.respond(call.correlationId, GatewayProtocol.REPLY, out, 0, frameLength);
        }
        else
        {
            result = call.session.respond(call.correlationId, GatewayProtocol.OK_TYPE, out, 0, 0);
        }
        if (result == OfferResult.TOO_LARGE)
        {
            end(call, GatewayStatus.PAYLOAD_TOO_LARGE, "the reply is larger than the client accepts");
            return;
        }
        retire(call);
        succeeded(call.session, call.correlationId, call.subject, call.operation, call.receivedNs,
            reply == null ? null : reply.getData());
        final long now = System.nanoTime();
        stats.recordLocalLeg((call.natsStartNs - call.receivedNs) + (now - call.natsDoneNs));
        release(call);
    }

    /**
     * An attempt failed downstream (timeout, no responders, NATS unavailable) and holds the breaker's permission: the
     * breaker counts a call once, by its last attempt. So an attempt that will be retried gives its permission back
     * without an outcome (the retry asks for a new one), and only the attempt that ends the call records the failure.
     * A call that fails, is retried and then succeeds counts as one success: the breaker never opens on calls that
     * succeeded.
     */
    private void failedAttempt(final PendingCall call, final long natsLegNs, final GatewayStatus status,
        final String message)
    {
        final Downstream downstream = call.downstream;
        final long waitNs = retryWaitNs(call);
        if (waitNs < 0)
        {
            downstream.breaker.onError(natsLegNs, TimeUnit.NANOSECONDS);
            end(call, status, message + (call.attempt > 1 ? " (after " + call.attempt + " attempts)" : "") +
                (waitNs == NO_TIME_TO_RETRY ? " (no time left to retry)" : ""));
            return;
        }
        downstream.breaker.releasePermission();
        retry(call, waitNs, status, message);
    }

    /** How long to wait before the call's next attempt, or {@link #NOT_RETRIED} / {@link #NO_TIME_TO_RETRY}. */
    private static long retryWaitNs(final PendingCall call)
    {
        final Downstream downstream = call.downstream;
        if (call.operation != GatewayOperation.REQUEST || !downstream.idempotent ||
            call.attempt >= downstream.maxAttempts)
        {
            return NOT_RETRIED;
        }
        final long waitNs = downstream.backoff.nanosBeforeRetry(call.attempt);
        return System.nanoTime() + waitNs + 1_000_000L >= call.deadlineNs ? NO_TIME_TO_RETRY : waitNs;
    }

    private void retry(final PendingCall call, final long waitNs, final GatewayStatus status, final String message)
    {
        call.reusable = false;
        try
        {
            retryTimer.schedule(() ->
            {
                try
                {
                    server.execute(() -> send(call));
                }
                catch (final IpcException closed)
                {
                    stats.addInFlight(-1);
                }
            }, waitNs, TimeUnit.NANOSECONDS);
            stats.recordRetry();
        }
        catch (final java.util.concurrent.RejectedExecutionException closing)
        {
            end(call, status, message + " (not retried: the gateway is closing)");
        }
    }

    private static boolean isDownstreamFailure(final GatewayStatus status)
    {
        return status == GatewayStatus.NATS_TIMEOUT || status == GatewayStatus.NO_RESPONDERS ||
            status == GatewayStatus.NATS_UNAVAILABLE;
    }

    /** Ends a call in flight with a failure. */
    private void end(final PendingCall call, final GatewayStatus status, final String message)
    {
        retire(call);
        finish(call.session, call.correlationId, call.subject, call.operation, call.receivedNs, status, message);
        release(call);
    }

    /**
     * On the duty thread: answers every call past its deadline (NATS_TIMEOUT, or NATS_UNAVAILABLE for one still
     * waiting for its connection to come back), and sends again the calls whose connection is back (in case its
     * RECONNECTED event is late or was missed).
     */
    private void expireOverdue()
    {
        final long now = System.nanoTime();
        PendingCall call = inFlight;
        while (call != null)
        {
            final PendingCall next = call.next;
            if (now - call.deadlineNs >= 0)
            {
                if (call.awaitingReconnect)
                {
                    call.awaitingReconnect = false;
                    end(call, GatewayStatus.NATS_UNAVAILABLE, "the NATS connection was lost while the call was in " +
                        "flight and did not come back within the call's timeout of " +
                        (call.deadlineNs - call.receivedNs) / 1_000_000L + " ms");
                }
                else
                {
                    abandon(call, now, GatewayStatus.NATS_TIMEOUT, "no answer from NATS within the call's timeout " +
                        "of " + (call.deadlineNs - call.receivedNs) / 1_000_000L + " ms");
                }
            }
            else if (call.awaitingReconnect && nats.isConnected(call.subject))
            {
                call.awaitingReconnect = false;
                send(call);
            }
            call = next;
        }
    }

    /**
     * On the duty thread: every call waiting on a lost connection either waits for it to come back (a request to an
     * idempotent downstream with attempts left and time before its deadline) or is answered with NATS_UNAVAILABLE.
     */
    private void failConnectionLost(final int connection)
    {
        final long now = System.nanoTime();
        PendingCall call = inFlight;
        while (call != null)
        {
            final PendingCall next = call.next;
            if (call.connection == connection && call.awaitedAttempt != 0)
            {
                if (retriesAfterReconnect(call, now))
                {
                    awaitReconnect(call, now);
                }
                else
                {
                    abandon(call, now, GatewayStatus.NATS_UNAVAILABLE,
                        "the NATS connection was lost while the call was in flight" + (call.attempt > 1 ?
                        " (after " + call.attempt + " attempts)" : ""));
                }
            }
            call = next;
        }
    }

    /** On the duty thread: the connection is back; the calls that waited for it are sent again. */
    private void resendAfterReconnect(final int connection)
    {
        PendingCall call = inFlight;
        while (call != null)
        {
            final PendingCall next = call.next;
            if (call.connection == connection && call.awaitingReconnect && nats.isConnected(call.subject))
            {
                call.awaitingReconnect = false;
                send(call);
            }
            call = next;
        }
    }

    private static boolean retriesAfterReconnect(final PendingCall call, final long now)
    {
        return call.operation == GatewayOperation.REQUEST && call.downstream.idempotent &&
            call.attempt < call.downstream.maxAttempts && call.deadlineNs - now > 1_000_000L;
    }

    /**
     * The call's attempt is lost with its connection: its late answer will be dropped, and it is sent again once the
     * connection is back. The lost attempt does not count against the breaker: the call counts once, by the outcome
     * of its last attempt (see {@link #failedAttempt}).
     */
    private void awaitReconnect(final PendingCall call, final long now)
    {
        call.reusable = false; // the lost attempt's completion may still run: never hand this call out again
        call.awaitedAttempt = 0;
        call.awaitingReconnect = true;
        stats.recordNatsLeg(now - call.natsStartNs);
        call.downstream.bulkhead.onComplete();
        call.downstream.breaker.releasePermission();
        stats.recordRetry();
    }

    /** Ends a call NATS has not answered: its attempt counts as a NATS failure, its late answer will be dropped. */
    private void abandon(final PendingCall call, final long now, final GatewayStatus status, final String message)
    {
        if (call.awaitedAttempt != 0)
        {
            call.reusable = false; // its answer may still come
            call.awaitedAttempt = 0;
            final long natsLeg = now - call.natsStartNs;
            stats.recordNatsLeg(natsLeg);
            call.downstream.bulkhead.onComplete();
            call.downstream.breaker.onError(natsLeg, TimeUnit.NANOSECONDS);
        }
        end(call, status, message);
    }

    private void link(final PendingCall call)
    {
        call.next = inFlight;
        if (inFlight != null)
        {
            inFlight.prev = call;
        }
        inFlight = call;
    }

    /** The call is answered: out of the list, out of the in-flight count, and never answered again. */
    private void retire(final PendingCall call)
    {
        call.ended = true;
        if (call.prev != null)
        {
            call.prev.next = call.next;
        }
        else
        {
            inFlight = call.next;
        }
        if (call.next != null)
        {
            call.next.prev = call.prev;
        }
        call.prev = null;
        call.next = null;
        stats.addInFlight(-1);
    }

    private void succeeded(
        final ClientSession session, final long correlationId, final String subject, final GatewayOperation op,
        final long receivedNs, final byte[] replyData)
    {
        stats.record(subject, op, GatewayStatus.OK);
        if (replyData != null)
        {
            view.wrap(replyData);
        }
        audit.write(GatewayAuditRecord.RESPONSE_OUT, session, correlationId, op, subject, GatewayStatus.OK,
            System.nanoTime() - receivedNs, replyData == null ? null : view, 0, replyData == null ? 0 :
            replyData.length);
    }

    private void finish(
        final ClientSession session,
        final long correlationId,
        final String subject,
        final GatewayOperation operation,
        final long receivedNs,
        final GatewayStatus status,
        final String message)
    {
        fail(session, correlationId, subject, operation, status, message);
        audit.write(GatewayAuditRecord.RESPONSE_OUT, session, correlationId, operation, subject, status,
            System.nanoTime() - receivedNs, null, 0, 0);
    }

    private void subscribe(final ClientSession session, final long correlationId)
    {
        final String pattern = frame.subject();
        final int id = frame.argument();
        if (!SubjectRules.isValidPattern(pattern, maxSubjectLength))
        {
            fail(session, correlationId, "_invalid", GatewayOperation.SUBSCRIBE, GatewayStatus.INVALID_SUBJECT,
                SubjectRules.describeProblem(pattern, maxSubjectLength, true));
            return;
        }
        if (draining)
        {
            fail(session, correlationId, pattern, GatewayOperation.SUBSCRIBE, GatewayStatus.SHUTTING_DOWN,
                "the gateway is shutting down");
            return;
        }
        if (subscriptions.add(session, id, pattern))
        {
            try
            {
                subscriptions.attach(pattern, nats.subscribe(pattern, message -> onNatsMessage(pattern, message)));
            }
            catch (final RuntimeException ex)
            {
                subscriptions.remove(session, id);
                fail(session, correlationId, pattern, GatewayOperation.SUBSCRIBE, NatsFailures.statusOf(ex),
                    NatsFailures.describe(ex));
                return;
            }
        }
        updateSubscriptionGauges();
        stats.record(pattern, GatewayOperation.SUBSCRIBE, GatewayStatus.OK);
        session.respond(correlationId, GatewayProtocol.OK_TYPE, out, 0, 0);
    }

    private void unsubscribe(final ClientSession session, final long correlationId)
    {
        final String pattern = frame.subject();
        final Subscription last = subscriptions.remove(session, frame.argument());
        if (last != null)
        {
            nats.unsubscribe(last);
        }
        updateSubscriptionGauges();
        stats.record(SubjectRules.isValidPattern(pattern, maxSubjectLength) ? pattern : "_invalid",
            GatewayOperation.UNSUBSCRIBE, GatewayStatus.OK);
        session.respond(correlationId, GatewayProtocol.OK_TYPE, out, 0, 0);
    }

    /** On the NATS dispatcher's thread: queue the message for the duty thread. */
    private void onNatsMessage(final String pattern, final Message message)
    {
        if (message.isStatusMessage())
        {
            return;
        }
        try
        {
            server.execute(() -> deliver(pattern, message));
        }
        catch (final IpcException closed)
        {
            // The service is closing: nobody to deliver to.
        }
    }

    /** On the duty thread: push one NATS message to every local subscriber of its pattern. */
    private void deliver(final String pattern, final Message message)
    {
        final List<SubscriptionTable.Subscriber> subscribers = subscriptions.subscribers(pattern);
        if (subscribers.isEmpty())
        {
            return;
        }
        final int frameLength = encodeMessage(0, message);
        final String subject = message.getSubject();
        final byte[] data = message.getData() == null ? NO_BYTES : message.getData();
        view.wrap(data);
        for (int i = 0; i < subscribers.size(); i++)
        {
            final SubscriptionTable.Subscriber subscriber = subscribers.get(i);
            out.putInt(GatewayFrame.ARGUMENT_OFFSET, subscriber.subscriptionId());
            final long result = subscriber.session().push(GatewayProtocol.MESSAGE, out, 0, frameLength);
            final GatewayStatus status = result == OfferResult.OK ? GatewayStatus.OK :
                result == OfferResult.TOO_LARGE ? GatewayStatus.PAYLOAD_TOO_LARGE : GatewayStatus.BACK_PRESSURED;
            stats.record(subject, GatewayOperation.DELIVER, status);
            audit.write(GatewayAuditRecord.MESSAGE_OUT, subscriber.session(), subscriber.subscriptionId(),
                GatewayOperation.DELIVER, subject, status, 0, view, 0, data.length);
        }
    }

    private int encodeMessage(final int argument, final Message message)
    {
        outHeaders.clear();
        final Headers headers = message.getHeaders();
        if (headers != null)
        {
            headers.forEach((name, values) ->
            {
                for (final String value : values)
                {
                    try
                    {
                        outHeaders.add(name, value);
                    }
                    catch (final IllegalArgumentException ex)
                    {
                        // A header the local protocol cannot carry: dropped.
                    }
                }
            });
        }
        final byte[] data = message.getData() == null ? NO_BYTES : message.getData();
        final String subject = message.getSubject();
        final String replyTo = message.getReplyTo();
        out.checkLimit(GatewayFrame.frameLength(subject, replyTo, outHeaders, data.length));
        final int head = GatewayFrame.encodeHead(out, 0, argument, subject, replyTo, outHeaders);
        out.putBytes(head, data);
        return head + data.length;
    }

    private Headers natsHeaders()
    {
        if (!frame.hasHeaders())
        {
            return null;
        }
        final Headers headers = new Headers();
        frame.readHeaders(headers::add);
        return headers;
    }

    private GatewayStatus check(final String subject)
    {
        if (!SubjectRules.isValidSubject(subject, maxSubjectLength))
        {
            return GatewayStatus.INVALID_SUBJECT;
        }
        if (frame.payloadLength() > maxPayload)
        {
            return GatewayStatus.PAYLOAD_TOO_LARGE;
        }
        return GatewayStatus.OK;
    }

    private String describe(final GatewayStatus problem, final String subject)
    {
        return switch (problem)
        {
            case INVALID_SUBJECT -> SubjectRules.describeProblem(subject, maxSubjectLength, false);
            case PAYLOAD_TOO_LARGE -> "payload length=" + frame.payloadLength() + " is over limits.maxPayload=" +
                maxPayload;
            case RATE_LIMITED -> "over the rate limit (rateLimits)";
            case SHUTTING_DOWN -> "the gateway is shutting down";
            case BREAKER_OPEN -> "circuit breaker of downstream=" + downstreams.of(subject).name + " is open";
            case NATS_UNAVAILABLE -> "NATS is not connected";
            default -> problem.name();
        };
    }

    private void fail(
        final ClientSession session,
        final long correlationId,
        final String subject,
        final GatewayOperation operation,
        final GatewayStatus status,
        final String message)
    {
        final String key = status == GatewayStatus.INVALID_SUBJECT ? "_invalid" : subject;
        stats.record(key, operation, status);
        session.respondError(correlationId, status.code(), message);
    }

    private void updateSubscriptionGauges()
    {
        stats.subscriptions(subscriptions.patternCount(), subscriptions.subscriberCount());
    }
}
