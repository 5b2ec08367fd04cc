package io.ipcgateway.shm.notify;

/**
 * The producer half of a blocking primitive: wakes the consumer blocked in the matching {@link Sleeper}.
 * Called only after the producer won {@code getAndSet(0)} on the waiter word, so at most once per sleep.
 */
interface Waker extends AutoCloseable
{
    /**
     * Wakes the consumer; failures (consumer gone, socket closed) are absorbed, because the consumer's sleep is
     * bounded by its timeout anyway.
     *
     * @return {@code true} when the wake-up was delivered to the kernel, {@code false} when it could not be.
     */
    boolean wake();

    @Override
    void close();
}
