package io.ipcgateway.shm.notify;

/**
 * The consumer half of a blocking primitive: blocks the calling thread until a {@link Waker} fires or a timeout
 * elapses. It may return early (spurious wake-ups); the caller re-checks the waiter word and loops.
 */
interface Sleeper extends AutoCloseable
{
    /**
     * Blocks while the waiter word holds {@link NotifierDescriptor#SLEEPING}, for at most {@code timeoutNs}.
     *
     * @param timeoutNs the longest sleep in nanoseconds, positive.
     */
    void sleep(long timeoutNs);

    @Override
    void close();
}
