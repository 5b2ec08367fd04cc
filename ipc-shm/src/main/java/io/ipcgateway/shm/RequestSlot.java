package io.ipcgateway.shm;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.ipcgateway.core.MessageHandler;

/**
 * One request in flight: the correlation id the response must carry and where to deliver it. Owned by the
 * requesting thread from {@link #CLAIMING} to {@link #FREE}; the polling thread moves it from {@link #PENDING} through
 * {@link #DELIVERING} to {@link #DONE}. Correlation ids carry a generation so a late response to a timed-out
 * request never reaches the next request using the slot.
 */
final class RequestSlot
{
    static final int FREE = 0;
    static final int CLAIMING = 1;
    static final int PENDING = 2;
    static final int DELIVERING = 3;
    static final int DONE = 4;

    static final AtomicIntegerFieldUpdater<RequestSlot> STATE =
        AtomicIntegerFieldUpdater.newUpdater(RequestSlot.class, "state");

    final int index;
    volatile int state;
    volatile boolean parked;
    long correlationId;
    int generation;
    MessageHandler handler;
    CompletableFuture<ShmResponse> future;
    /** The allocation-free async request's listener and the caller's value for it. */
    ResponseListener listener;
    long listenerContext;
    long deadlineNs;
    Thread waiter;
    long result;
    /** Whether the requesting thread counted itself in the {@link WaitGate}; that thread's own field. */
    boolean waitCounted;

    // Padding: slots of different threads sit next to each other; keep their hot fields on separate cache lines.
    long p01;
    long p02;
    long p03;
    long p04;
    long p05;
    long p06;
    long p07;
    long p08;

    RequestSlot(final int index)
    {
        this.index = index;
    }

    boolean tryClaim()
    {
        return state == FREE && STATE.compareAndSet(this, FREE, CLAIMING);
    }

    /**
     * Fills the slot for a blocking request (handler) or an async one (future or listener), then publishes it as
     * PENDING (the volatile write orders the fields before it).
     */
    void prepare(
        final MessageHandler handler,
        final CompletableFuture<ShmResponse> future,
        final ResponseListener listener,
        final long listenerContext,
        final long deadlineNs)
    {
        generation++;
        this.correlationId = ((long)generation << 32) | index;
        this.handler = handler;
        this.future = future;
        this.listener = listener;
        this.listenerContext = listenerContext;
        this.deadlineNs = deadlineNs;
        this.waiter = handler != null ? Thread.currentThread() : null;
        this.result = 0;
        // Release order publishes the fields; the request frame is written after this (a CAS), so a poller only
        // looks at the slot once it has read the response to that frame.
        STATE.lazySet(this, PENDING);
    }

    /**
     * Whether an async request (future or listener) uses the slot: one the poller or the watchdog expires.
     */
    boolean isAsync()
    {
        return future != null || listener != null;
    }

    void release()
    {
        handler = null;
        future = null;
        listener = null;
        waiter = null;
        STATE.lazySet(this, FREE);
    }

    static int indexOf(final long correlationId)
    {
        return (int)correlationId;
    }
}
