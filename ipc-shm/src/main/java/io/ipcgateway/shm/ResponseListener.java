package io.ipcgateway.shm;

import org.agrona.DirectBuffer;

/**
 * Receives the outcome of one request sent with
 * {@link ShmClient#requestAsync(int, DirectBuffer, int, int, long, ResponseListener, long)}: the allocation-free
 * asynchronous request. Called exactly once for every request whose send returned {@code OK}, never for one whose
 * send returned a negative code.
 * <p>
 * A response ({@code result == OK}) is handed over as a view into the client's inbox ring, valid only until this
 * method returns: copy what must outlive the call. It runs on the thread that reads the inbox (the client's receiver
 * thread, a thread blocked in {@link ShmClient#request}, or the application's {@link ShmClient#poll()}), so it must
 * be quick and must not block: every response behind it waits. A failure ({@code TIMED_OUT}, {@code PEER_DEAD},
 * {@code CLOSED}) comes with an empty buffer, on whichever thread found it: the polling thread, the client watchdog
 * (timeouts and a lost server when nobody polls) or the thread that closed the client. An exception it throws is
 * counted and reported to the client's error handler; the request is still complete.
 * <p>
 * One listener may serve many requests (the {@code context} tells them apart: a sequence number, an index into the
 * caller's own table, a send time), which is what keeps the path free of allocation.
 */
@FunctionalInterface
public interface ResponseListener
{
    /**
     * The outcome of one request.
     *
     * @param context the value given to {@code requestAsync} with this request.
     * @param result  {@link io.ipcgateway.core.OfferResult#OK} with the response; {@code TIMED_OUT} (no response
     *                within the timeout; a late one is dropped), {@code PEER_DEAD} (the service died, was restarted
     *                or closed while the request was pending) or {@code CLOSED} (this client was closed).
     * @param typeId  the response's type id ({@link CallResult#ERROR_TYPE_ID} for a server's error response), or -1
     *                without a response.
     * @param buffer  the buffer holding the response (an empty buffer without one).
     * @param offset  where the response starts in {@code buffer}.
     * @param length  its length, 0 without a response.
     */
    void onResponse(long context, long result, int typeId, DirectBuffer buffer, int offset, int length);
}
