package io.ipcgateway.shm.notify;

/**
 * Sleeps and wakes on the waiter word itself with {@code FUTEX_WAIT}/{@code FUTEX_WAKE} (shared variants, so a
 * waiter in another process is woken).
 */
final class FutexPrimitive implements Sleeper, Waker
{
    private final Futex futex;

    FutexPrimitive(final long waiterWordAddress)
    {
        futex = Futex.at(waiterWordAddress);
    }

    @Override
    public void sleep(final long timeoutNs)
    {
        // The kernel blocks only while the word still holds SLEEPING, checked atomically with queueing the waiter:
        // a producer that cleared the word before this call makes it return at once (EAGAIN).
        futex.await(NotifierDescriptor.SLEEPING, timeoutNs);
    }

    @Override
    public boolean wake()
    {
        return futex.wake(1) >= 0;
    }

    @Override
    public void close()
    {
    }
}
