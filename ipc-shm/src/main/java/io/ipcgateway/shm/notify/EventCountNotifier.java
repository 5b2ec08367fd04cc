package io.ipcgateway.shm.notify;

import org.agrona.concurrent.AtomicBuffer;

import java.lang.invoke.VarHandle;
import java.util.function.BooleanSupplier;

import static io.ipcgateway.shm.notify.NotifierDescriptor.AWAKE;
import static io.ipcgateway.shm.notify.NotifierDescriptor.CONSUMER_KIND_OFFSET;
import static io.ipcgateway.shm.notify.NotifierDescriptor.SLEEPING;
import static io.ipcgateway.shm.notify.NotifierDescriptor.SLEEPS_OFFSET;
import static io.ipcgateway.shm.notify.NotifierDescriptor.TIMEOUTS_OFFSET;
import static io.ipcgateway.shm.notify.NotifierDescriptor.WAITER_OFFSET;
import static io.ipcgateway.shm.notify.NotifierDescriptor.WAKEUPS_OFFSET;

/**
 * The event-count protocol of {@link NotifierDescriptor} over one notifier area, with a pluggable blocking
 * primitive. A producer wakes with the primitive the consumer announced in the area, so producers and consumer
 * agree even when they resolved {@link NotifierKind#AUTO} differently (say, a JDK 17 producer and a JDK 25
 * consumer using the socket).
 */
final class EventCountNotifier implements Notifier
{
    /** The shortest sleep: below this a timeout would only add syscalls. */
    static final long MIN_TIMEOUT_NS = 1_000L;

    private final AtomicBuffer buffer;
    private final int waiterIndex;
    private final int consumerKindIndex;
    private final int sleepsIndex;
    private final int wakeupsIndex;
    private final int timeoutsIndex;
    private final NotifierKind kind;
    private final Sleeper sleeper;
    private final Waker futexWaker;
    private final Waker socketWaker;

    /**
     * Creates a notifier over an area; the caller has validated the area and built the primitives.
     *
     * @param buffer      the mapped header page holding the area.
     * @param areaOffset  offset of the area in {@code buffer}.
     * @param kind        the resolved kind of this side.
     * @param sleeper     the consumer's primitive, or {@code null} on a producer.
     * @param futexWaker  wakes a futex consumer, or {@code null} when the futex is unavailable here.
     * @param socketWaker wakes a socket consumer.
     */
    EventCountNotifier(
        final AtomicBuffer buffer,
        final int areaOffset,
        final NotifierKind kind,
        final Sleeper sleeper,
        final Waker futexWaker,
        final Waker socketWaker)
    {
        this.buffer = buffer;
        this.waiterIndex = areaOffset + WAITER_OFFSET;
        this.consumerKindIndex = areaOffset + CONSUMER_KIND_OFFSET;
        this.sleepsIndex = areaOffset + SLEEPS_OFFSET;
        this.wakeupsIndex = areaOffset + WAKEUPS_OFFSET;
        this.timeoutsIndex = areaOffset + TIMEOUTS_OFFSET;
        this.kind = kind;
        this.sleeper = sleeper;
        this.futexWaker = futexWaker;
        this.socketWaker = socketWaker;
        if (sleeper != null)
        {
            // A consumer that died asleep may have left the word set; the new consumer is awake.
            buffer.putIntVolatile(waiterIndex, AWAKE);
            buffer.putIntVolatile(consumerKindIndex, kind.code());
        }
    }

    @Override
    public void signal()
    {
        // StoreLoad between the caller's publication and the read of the waiter word: without it the read may be
        // satisfied before the record is visible, and both sides miss each other (a lost wake-up).
        VarHandle.fullFence();
        if (buffer.getInt(waiterIndex) != AWAKE && buffer.getAndSetInt(waiterIndex, AWAKE) != AWAKE)
        {
            wake();
        }
    }

    @Override
    public void signalAfterAtomicCommit()
    {
        if (buffer.getIntVolatile(waiterIndex) != AWAKE && buffer.getAndSetInt(waiterIndex, AWAKE) != AWAKE)
        {
            wake();
        }
    }

    private void wake()
    {
        buffer.getAndAddLong(wakeupsIndex, 1L);
        final int consumerKind = buffer.getIntVolatile(consumerKindIndex);
        if (consumerKind == NotifierKind.FUTEX.code() && futexWaker != null)
        {
            futexWaker.wake();
        }
        else if (consumerKind == NotifierKind.UNIX_SOCKET.code())
        {
            socketWaker.wake();
        }
        else if (kind == NotifierKind.FUTEX && futexWaker != null)
        {
            futexWaker.wake();
        }
        else if (kind == NotifierKind.UNIX_SOCKET)
        {
            socketWaker.wake();
        }
        // Otherwise a futex consumer and a producer without the futex: the consumer's timeout bounds the delay.
    }

    @Override
    public boolean await(final BooleanSupplier recheck, final long timeoutNs)
    {
        if (sleeper == null)
        {
            throw new IllegalStateException("await called on a producer-side notifier: kind=" + kind);
        }
        // Volatile store: the announcement must be visible before the re-check reads the ring (StoreLoad).
        buffer.putIntVolatile(waiterIndex, SLEEPING);
        if (recheck.getAsBoolean())
        {
            buffer.putIntVolatile(waiterIndex, AWAKE);
            return false;
        }

        buffer.putLongOrdered(sleepsIndex, buffer.getLong(sleepsIndex) + 1L);
        final long deadlineNs = System.nanoTime() + Math.max(timeoutNs, MIN_TIMEOUT_NS);
        while (buffer.getIntVolatile(waiterIndex) == SLEEPING)
        {
            final long remainingNs = deadlineNs - System.nanoTime();
            if (remainingNs <= 0)
            {
                break;
            }
            sleeper.sleep(remainingNs);
        }

        // Whoever clears the word first owns the outcome: a producer (signalled) or this timeout.
        final boolean signalled = buffer.getAndSetInt(waiterIndex, AWAKE) == AWAKE;
        if (!signalled)
        {
            buffer.putLongOrdered(timeoutsIndex, buffer.getLong(timeoutsIndex) + 1L);
        }
        return signalled;
    }

    @Override
    public NotifierKind kind()
    {
        return kind;
    }

    @Override
    public long sleeps()
    {
        return buffer.getLongVolatile(sleepsIndex);
    }

    @Override
    public long wakeups()
    {
        return buffer.getLongVolatile(wakeupsIndex);
    }

    @Override
    public long timeouts()
    {
        return buffer.getLongVolatile(timeoutsIndex);
    }

    @Override
    public void close()
    {
        if (sleeper != null)
        {
            sleeper.close();
        }
        if (futexWaker != null)
        {
            futexWaker.close();
        }
        socketWaker.close();
    }

    @Override
    public String toString()
    {
        return "EventCountNotifier{kind=" + kind + ", side=" + (sleeper != null ? "consumer" : "producer")
            + ", sleeps=" + sleeps() + ", wakeups=" + wakeups() + ", timeouts=" + timeouts() + '}';
    }
}
