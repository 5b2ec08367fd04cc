package io.ipcgateway.shm;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.ipcgateway.core.CounterKind;
import io.ipcgateway.core.IpcCounters;
import io.ipcgateway.core.IpcException;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.core.PeerDeadException;
import io.ipcgateway.core.RequestTimeoutException;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * A client's requests in flight: one {@link RequestSlot} per request, found again by the correlation id its
 * response carries. Requesters claim and release slots; the thread holding the poll guard delivers responses,
 * expires async requests and fails every pending request when the server dies or the client closes.
 */
final class RequestTable
{
    /** What a {@link ResponseListener} gets without a response: nothing to read. */
    private static final DirectBuffer NO_RESPONSE = new UnsafeBuffer(new byte[0]);

    final RequestSlot[] slots;
    final int slotMask;
    private final AtomicInteger asyncInFlight = new AtomicInteger();
    private final String serviceName;
    private final ErrorHandler errorHandler;
    private final boolean blocking;
    private final AtomicCounter messagesReceived;
    private final AtomicCounter bytesReceived;
    private final AtomicCounter requestsTimedOut;
    private final AtomicCounter errors;

    RequestTable(
        final int maxInFlight,
        final String serviceName,
        final ErrorHandler errorHandler,
        final boolean blocking,
        final IpcCounters counters)
    {
        this.serviceName = serviceName;
        this.errorHandler = errorHandler;
        this.blocking = blocking;
        this.messagesReceived = counters.counter(CounterKind.MESSAGES_RECEIVED);
        this.bytesReceived = counters.counter(CounterKind.BYTES_RECEIVED);
        this.requestsTimedOut = counters.counter(CounterKind.REQUESTS_TIMED_OUT);
        this.errors = counters.counter(CounterKind.ERRORS);

        final int slotCount = BitUtil.findNextPositivePowerOfTwo(maxInFlight);
        this.slots = new RequestSlot[slotCount];
        for (int i = 0; i < slotCount; i++)
        {
            slots[i] = new RequestSlot(i);
        }
        this.slotMask = slotCount - 1;
    }

    /**
     * Requests sent and not yet answered, timed out or abandoned, counted now by scanning the slots.
     */
    int inFlightRequests()
    {
        int inFlight = 0;
        for (final RequestSlot slot : slots)
        {
            final int state = slot.state;
            if (state == RequestSlot.PENDING || state == RequestSlot.DELIVERING)
            {
                inFlight++;
            }
        }
        return inFlight;
    }

    void asyncStarted()
    {
        asyncInFlight.incrementAndGet();
    }

    boolean hasAsyncInFlight()
    {
        return asyncInFlight.get() > 0;
    }

    boolean cancel(final RequestSlot slot)
    {
        // Take the slot back from PENDING; fails only while a poller is delivering to it (then DONE follows).
        if (RequestSlot.STATE.compareAndSet(slot, RequestSlot.PENDING, RequestSlot.CLAIMING))
        {
            slot.release();
            return true;
        }
        return false;
    }

    @SuppressWarnings("deprecation")
    RequestSlot acquireSlot()
    {
        final RequestSlot[] slots = this.slots;
        // Each thread starts its search at its own slot, usually free again by its next request: one uncontended
        // CAS, no shared counter. Thread.getId() rather than threadId() for Java 17.
        final int start = (int)Thread.currentThread().getId() & slotMask;
        for (int i = 0; i <= slotMask; i++)
        {
            final RequestSlot slot = slots[(start + i) & slotMask];
            if (slot.tryClaim())
            {
                return slot;
            }
        }
        return null;
    }

    /**
     * The earliest deadline of the async requests in flight, by scanning the slots (not on the hot path: the client
     * watchdog, to know when to wake).
     *
     * @return the deadline, or {@code nowNs + Long.MAX_VALUE / 2} when none is pending.
     */
    long earliestAsyncDeadlineNs(final long nowNs)
    {
        long earliest = nowNs + Long.MAX_VALUE / 2;
        for (final RequestSlot slot : slots)
        {
            if (slot.isAsync() && slot.state == RequestSlot.PENDING && slot.deadlineNs - earliest < 0)
            {
                earliest = slot.deadlineNs;
            }
        }
        return earliest;
    }

    /**
     * Whether an async request in flight has passed its deadline.
     *
     * @param nowNs the monotonic time now.
     * @return true when {@link #expireAsync} would expire one.
     */
    boolean hasExpiredAsync(final long nowNs)
    {
        return hasAsyncInFlight() && nowNs - earliestAsyncDeadlineNs(nowNs) >= 0;
    }

    /**
     * Completes the async requests past their deadline: a future with {@link RequestTimeoutException}, a listener
     * with {@code TIMED_OUT}; once another thread found the server lost or closed the client (the state is no longer
     * CONNECTED), with that verdict instead ({@code PEER_DEAD} or {@code CLOSED}). Safe from any thread:
     * each slot is taken back by a compare-and-set against its delivery.
     *
     * @param nowNs      the monotonic time now.
     * @param hint       appended to the exception's message (why nobody delivered a response), or empty.
     * @param connection the connection's state, read for each expired request.
     */
    void expireAsync(final long nowNs, final String hint, final ClientState connection)
    {
        for (final RequestSlot slot : slots)
        {
            if (slot.isAsync() && slot.state == RequestSlot.PENDING && nowNs - slot.deadlineNs >= 0 &&
                RequestSlot.STATE.compareAndSet(slot, RequestSlot.PENDING, RequestSlot.CLAIMING))
            {
                final long correlationId = slot.correlationId;
                final CompletableFuture<ShmResponse> future = slot.future;
                final ResponseListener listener = slot.listener;
                final long context = slot.listenerContext;
                if ((future == null && listener == null) || nowNs - slot.deadlineNs < 0)
                {
                    // The fields checked before the claim were those of an earlier use of the slot: not ours.
                    slot.state = RequestSlot.PENDING;
                    continue;
                }
                slot.release();
                asyncInFlight.decrementAndGet();
                // Read after the claim: a thread that found the server lost (or closed the client) changed the state
                // before failing the pending requests, so a slot this pass took from it gets the same verdict.
                final int state = connection.state;
                final long code = state == ClientState.CONNECTED ? OfferResult.TIMED_OUT :
                    state == ClientState.CLOSED ? OfferResult.CLOSED : OfferResult.PEER_DEAD;
                if (code == OfferResult.TIMED_OUT)
                {
                    requestsTimedOut.increment();
                }
                if (listener != null)
                {
                    notifyListener(listener, context, code, -1, NO_RESPONSE, 0, 0);
                }
                else if (future != null)
                {
                    future.completeExceptionally(code == OfferResult.TIMED_OUT ?
                        new RequestTimeoutException("no response in time: service=" + serviceName + " correlationId="
                        + correlationId + ": raise the timeout or check that the server keeps up" + hint) :
                        code == OfferResult.CLOSED ? new IpcException("client closed: service=" + serviceName) :
                        new PeerDeadException("service lost while the request was pending: service=" + serviceName
                        + " (" + ClientState.describe(state) + "): reconnect when it is back"));
                }
            }
        }
    }

    /**
     * Fails every pending request: async ones complete (a listener with {@code PEER_DEAD} for a
     * {@link PeerDeadException}, else {@code CLOSED}; a future with {@code cause}), blocked requesters are woken to
     * see the state change and return their code. Safe from any thread: each slot is taken by a compare-and-set.
     *
     * @param cause why.
     */
    void failPendingRequests(final RuntimeException cause)
    {
        final long code = cause instanceof PeerDeadException ? OfferResult.PEER_DEAD : OfferResult.CLOSED;
        for (final RequestSlot slot : slots)
        {
            final CompletableFuture<ShmResponse> future = slot.future;
            final ResponseListener listener = slot.listener;
            if ((future != null || listener != null) &&
                RequestSlot.STATE.compareAndSet(slot, RequestSlot.PENDING, RequestSlot.CLAIMING))
            {
                // Read again under the claim: the fields read before it may belong to an earlier use of the slot.
                final CompletableFuture<ShmResponse> claimedFuture = slot.future;
                final ResponseListener claimedListener = slot.listener;
                final long context = slot.listenerContext;
                if (claimedFuture == null && claimedListener == null)
                {
                    // A blocking request now uses the slot: its own thread takes it back; wake it to look.
                    slot.state = RequestSlot.PENDING;
                    if (slot.parked)
                    {
                        LockSupport.unpark(slot.waiter);
                    }
                    continue;
                }
                slot.release();
                asyncInFlight.decrementAndGet();
                if (claimedListener != null)
                {
                    notifyListener(claimedListener, context, code, -1, NO_RESPONSE, 0, 0);
                }
                else if (claimedFuture != null)
                {
                    claimedFuture.completeExceptionally(cause);
                }
            }
            else if (slot.parked)
            {
                // A blocked requester sees the state change and returns its code.
                LockSupport.unpark(slot.waiter);
            }
        }
    }

    /**
     * Takes back the slot of an async request whose send failed. False when a failure pass (server lost, client
     * closed) took it first: that pass completes the request, so its caller must not report it a second time.
     */
    boolean cancelAsync(final RequestSlot slot)
    {
        if (RequestSlot.STATE.compareAndSet(slot, RequestSlot.PENDING, RequestSlot.CLAIMING))
        {
            slot.release();
            asyncInFlight.decrementAndGet();
            return true;
        }
        return false;
    }

    /**
     * Moves a PENDING slot to DELIVERING. Only the thread that owns a blocking request takes its slot back (on
     * timeout or disconnect), so when that thread is the poller, as in a single thread's round trips, nobody else can
     * race it and a plain write does; any other slot needs the compare-and-set against its owner's cancel.
     */
    private static boolean startDelivery(final RequestSlot slot)
    {
        if (slot.waiter == Thread.currentThread())
        {
            RequestSlot.STATE.lazySet(slot, RequestSlot.DELIVERING);
            return true;
        }
        return RequestSlot.STATE.compareAndSet(slot, RequestSlot.PENDING, RequestSlot.DELIVERING);
    }

    /**
     * Hands a response to the request it answers.
     *
     * @return false when the correlation id names no slot (the caller reports the invalid frame).
     */
    boolean deliver(
        final int typeId, final long correlationId, final DirectBuffer buffer, final int offset, final int length)
    {
        final int index = RequestSlot.indexOf(correlationId);
        if (index < 0 || index > slotMask)
        {
            return false;
        }
        final RequestSlot slot = slots[index];
        if (slot.state != RequestSlot.PENDING || !startDelivery(slot))
        {
            return true; // A late response to a request that timed out: dropped.
        }
        if (slot.correlationId != correlationId)
        {
            slot.state = RequestSlot.PENDING;
            return true; // A late response to an earlier use of this slot.
        }
        messagesReceived.incrementRelease();
        bytesReceived.getAndAddRelease(length);
        final ResponseListener listener = slot.listener;
        if (listener != null)
        {
            // Released before the call: the listener may send the next request, which then finds this slot free.
            final long context = slot.listenerContext;
            slot.release();
            asyncInFlight.decrementAndGet();
            notifyListener(listener, context, OfferResult.OK, typeId, buffer, offset, length);
            return true;
        }
        final CompletableFuture<ShmResponse> future = slot.future;
        if (future != null)
        {
            final ShmResponse response = new ShmResponse(typeId, buffer, offset, length);
            slot.release();
            asyncInFlight.decrementAndGet();
            future.complete(response);
            return true;
        }
        long result = OfferResult.OK;
        try
        {
            slot.handler.onMessage(typeId, buffer, offset, length);
        }
        catch (final Throwable ex)
        {
            errors.increment();
            errorHandler.onError(ex);
            result = OfferResult.OK;
        }
        final Thread waiter = slot.waiter;
        slot.result = result;
        if (blocking && waiter != Thread.currentThread())
        {
            // Full fence before reading 'parked': the waiter sets 'parked' then re-checks the state before parking.
            slot.state = RequestSlot.DONE;
            if (slot.parked)
            {
                LockSupport.unpark(waiter);
            }
        }
        else
        {
            // Waiters never park outside BLOCK mode, and a poller delivering its own response is not parked:
            // publishing the result needs release order only.
            RequestSlot.STATE.lazySet(slot, RequestSlot.DONE);
        }
        return true;
    }

    private void notifyListener(
        final ResponseListener listener, final long context, final long result, final int typeId,
        final DirectBuffer buffer, final int offset, final int length)
    {
        try
        {
            listener.onResponse(context, result, typeId, buffer, offset, length);
        }
        catch (final Throwable ex)
        {
            errors.increment();
            errorHandler.onError(ex);
        }
    }
}
