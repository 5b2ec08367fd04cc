package io.ipcgateway.shm.notify;

import io.ipcgateway.core.IpcException;

/**
 * Sleeps and wakes on the waiter word itself with {@code FUTEX_WAIT}/{@code FUTEX_WAKE} (shared variants, so a
 * waiter in another process is woken).
 */
final class FutexPrimitive implements Sleeper, Waker
{
    private final Futex futex;
    private final long address;

    FutexPrimitive(final long waiterWordAddress)
    {
        futex = Futex.at(waiterWordAddress);
        address = waiterWordAddress;
    }

    @Override
    public void sleep(final long timeoutNs)
    {
        // The kernel blocks only while the word still holds SLEEPING, checked atomically with queueing the waiter:
        // a producer that cleared the word before this call makes it return at once (EAGAIN).
        final int result = futex.await(NotifierDescriptor.SLEEPING, timeoutNs);
        if (result != Futex.OK && result != Futex.EAGAIN && result != Futex.EINTR && result != Futex.ETIMEDOUT)
        {
            // Anything else (EFAULT, EINVAL, ENOSYS) returns at once every time: fail rather than spin hot.
            throw new IpcException("futex wait failed: errno=" + result + ", address=" + address
                + "; the waiter word must be in a shared read-write mapping; set ipc.notifier=unix-socket to avoid it");
        }
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
