package io.ipcgateway.shm.notify;

import org.agrona.concurrent.AtomicBuffer;

import java.lang.invoke.VarHandle;
import java.util.function.BooleanSupplier;

import static io.ipcgateway.shm.notify.NotifierDescriptor.AWAKE;
import static io.ipcgateway.shm.notify.NotifierDescriptor.CONSUMER_KIND_OFFSET;
import static io.ipcgateway.shm.notify.NotifierDescriptor.CONSUMER_LISTENS_OFFSET;
import static io.ipcgateway.shm.notify.NotifierDescriptor.SHARED_WAKE_BIT_OFFSET;
import static io.ipcgateway.shm.notify.NotifierDescriptor.SLEEPING;
import static io.ipcgateway.shm.notify.NotifierDescriptor.SLEEPS_OFFSET;
import static io.ipcgateway.shm.notify.NotifierDescriptor.SOCKET_REQUESTS_OFFSET;
import static io.ipcgateway.shm.notify.NotifierDescriptor.TIMEOUTS_OFFSET;
import static io.ipcgateway.shm.notify.NotifierDescriptor.WAITER_OFFSET;
import static io.ipcgateway.shm.notify.NotifierDescriptor.WAKEUPS_OFFSET;

/**
 * The event-count protocol of {@link NotifierDescriptor} over one notifier area, with a pluggable blocking
 * primitive. A producer wakes with the primitive the consumer announced in the area, so producers and consumer
 * agree even when they resolved {@link NotifierKind#AUTO} differently (say, a JDK 17 producer and a JDK 25
 * consumer). A futex consumer that also accepts the socket switches to it before its next sleep once a producer
 * that cannot call the futex has asked for it (the negotiation in {@link NotifierDescriptor}).
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
    private final int socketRequestsIndex;
    private final int sharedBitIndex;
    /** Producer side: the word this producer wakes consumers through that asked for it, or null. */
    private final SharedWake producerShared;
    /** Consumer side: the shared word it sleeps on and its bit, or null / 0 (only the consumer thread writes). */
    private volatile SharedWake consumerShared;
    private volatile int consumerBit;
    private final boolean consumer;
    private final Sleeper socketSleeper;
    private final Waker futexWaker;
    private final Waker socketWaker;
    /** The consumer's current primitive; only the consumer thread changes it, others read it for reports. */
    private volatile NotifierKind kind;
    private Sleeper sleeper;
    private boolean switchable;

    /**
     * Creates a notifier over an area; the caller has validated the area and built the primitives.
     *
     * @param buffer        the mapped header page holding the area.
     * @param areaOffset    offset of the area in {@code buffer}.
     * @param kind          the resolved kind of this side (a consumer's first kind).
     * @param consumer      {@code true} on the consumer side, which writes its kind and accepted kinds.
     * @param futexSleeper  the consumer's futex primitive when it sleeps on the futex, else {@code null}.
     * @param socketSleeper the consumer's socket listener when it accepts the socket, else {@code null}.
     * @param futexWaker    wakes a futex consumer, or {@code null} when the futex is unavailable here.
     * @param socketWaker   wakes a socket consumer.
     * @param sharedWake    producer side: the shared word to wake consumers that sleep on it, or {@code null}.
     */
    EventCountNotifier(
        final AtomicBuffer buffer,
        final int areaOffset,
        final NotifierKind kind,
        final boolean consumer,
        final Sleeper futexSleeper,
        final Sleeper socketSleeper,
        final Waker futexWaker,
        final Waker socketWaker,
        final SharedWake sharedWake)
    {
        this.buffer = buffer;
        this.waiterIndex = areaOffset + WAITER_OFFSET;
        this.consumerKindIndex = areaOffset + CONSUMER_KIND_OFFSET;
        this.sleepsIndex = areaOffset + SLEEPS_OFFSET;
        this.wakeupsIndex = areaOffset + WAKEUPS_OFFSET;
        this.timeoutsIndex = areaOffset + TIMEOUTS_OFFSET;
        this.socketRequestsIndex = areaOffset + SOCKET_REQUESTS_OFFSET;
        this.sharedBitIndex = areaOffset + SHARED_WAKE_BIT_OFFSET;
        this.producerShared = consumer || futexWaker == null ? null : sharedWake;
        this.consumer = consumer;
        this.socketSleeper = socketSleeper;
        this.futexWaker = futexWaker;
        this.socketWaker = socketWaker;
        this.kind = kind;
        this.sleeper = kind == NotifierKind.FUTEX ? futexSleeper : socketSleeper;
        if (consumer)
        {
            if (sleeper == null)
            {
                throw new IllegalStateException("consumer without a primitive for its kind: kind=" + kind);
            }
            this.switchable = kind == NotifierKind.FUTEX && socketSleeper != null;
            int listens = kind.mask();
            if (socketSleeper != null)
            {
                listens |= NotifierKind.UNIX_SOCKET.mask();
            }
            // A consumer that died asleep may have left the word set; the new consumer is awake.
            buffer.putIntVolatile(waiterIndex, AWAKE);
            buffer.putIntVolatile(sharedBitIndex, 0);
            buffer.putIntVolatile(areaOffset + CONSUMER_LISTENS_OFFSET, listens);
            buffer.putIntVolatile(consumerKindIndex, kind.code());
            // A producer without the futex may have asked before this consumer opened.
            switchToSocketIfRequested();
        }
    }

    /**
     * Before a sleep: a producer that cannot call the futex asked for the socket, so sleep there from now on. The
     * kind is published before the waiter word announces the sleep, so a producer that wins the word reads it.
     */
    private void switchToSocketIfRequested()
    {
        if (switchable && buffer.getIntVolatile(socketRequestsIndex) != 0)
        {
            switchable = false;
            sleeper = socketSleeper;
            kind = NotifierKind.UNIX_SOCKET;
            consumerShared = null;
            consumerBit = 0;
            buffer.putIntVolatile(sharedBitIndex, 0);
            buffer.putIntVolatile(consumerKindIndex, NotifierKind.UNIX_SOCKET.code());
        }
    }

    @Override
    public boolean sleepOn(final SharedWake wake, final int bit)
    {
        if (!consumer)
        {
            throw new IllegalStateException("sleepOn called on a producer-side notifier: kind=" + kind);
        }
        if (wake == null || Integer.bitCount(bit) != 1)
        {
            throw new IllegalArgumentException("a shared wake needs a word and a single bit: wake=" + wake
                + ", bit=0x" + Integer.toHexString(bit));
        }
        switchToSocketIfRequested();
        if (kind != NotifierKind.FUTEX)
        {
            return false;
        }
        consumerShared = wake;
        consumerBit = bit;
        // Published before any later announcement of a sleep (a volatile store), so a producer that wins the waiter
        // word reads the bit of that sleep.
        buffer.putIntVolatile(sharedBitIndex, bit);
        return true;
    }

    /** The consumer cannot wait on the shared word (its mapping failed): back to its own waiter word for good. */
    private void leaveSharedWake()
    {
        consumerShared = null;
        consumerBit = 0;
        buffer.putIntVolatile(sharedBitIndex, 0);
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

    @Override
    public int signalCollecting()
    {
        VarHandle.fullFence();
        if (buffer.getInt(waiterIndex) != AWAKE && buffer.getAndSetInt(waiterIndex, AWAKE) != AWAKE)
        {
            final SharedWake shared = producerShared;
            if (shared != null && buffer.getIntVolatile(consumerKindIndex) == NotifierKind.FUTEX.code())
            {
                final int bit = buffer.getIntVolatile(sharedBitIndex);
                if (bit != 0)
                {
                    buffer.getAndAddLong(wakeupsIndex, 1L);
                    return bit;
                }
            }
            wake();
        }
        return 0;
    }

    private void wake()
    {
        buffer.getAndAddLong(wakeupsIndex, 1L);
        final int consumerKind = buffer.getIntVolatile(consumerKindIndex);
        if (consumerKind == NotifierKind.FUTEX.code() && futexWaker != null)
        {
            // The consumer's own side wakes its sleeping thread too (a client closing while its receiver sleeps):
            // that thread waits on the shared word, where a wake-up of the own waiter word would not reach it.
            final SharedWake shared = producerShared != null ? producerShared : consumerShared;
            final int bit = shared != null ? buffer.getIntVolatile(sharedBitIndex) : 0;
            if (bit != 0)
            {
                shared.wake(bit);
            }
            else
            {
                futexWaker.wake();
            }
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
        // Otherwise a futex consumer and a producer without the futex that asked for the socket when it opened: the
        // consumer switches before its next sleep, and until then its timeout bounds the delay.
    }

    @Override
    public boolean await(final BooleanSupplier recheck, final long timeoutNs)
    {
        if (!consumer)
        {
            throw new IllegalStateException("await called on a producer-side notifier: kind=" + kind);
        }
        switchToSocketIfRequested();
        final Sleeper sleeper = this.sleeper;
        // Volatile store: the announcement must be visible before the re-check reads the ring (StoreLoad).
        buffer.putIntVolatile(waiterIndex, SLEEPING);
        if (recheck.getAsBoolean())
        {
            buffer.putIntVolatile(waiterIndex, AWAKE);
            return false;
        }

        buffer.putLongOrdered(sleepsIndex, buffer.getLong(sleepsIndex) + 1L);
        final long deadlineNs = System.nanoTime() + Math.max(timeoutNs, MIN_TIMEOUT_NS);
        final SharedWake shared = consumerShared;
        if (shared != null)
        {
            awaitShared(shared, consumerBit, deadlineNs);
        }
        else
        {
            while (buffer.getIntVolatile(waiterIndex) == SLEEPING)
            {
                final long remainingNs = deadlineNs - System.nanoTime();
                if (remainingNs <= 0)
                {
                    break;
                }
                sleeper.sleep(remainingNs);
            }
        }

        // Whoever clears the word first owns the outcome: a producer (signalled) or this timeout.
        final boolean signalled = buffer.getAndSetInt(waiterIndex, AWAKE) == AWAKE;
        if (!signalled)
        {
            buffer.putLongOrdered(timeoutsIndex, buffer.getLong(timeoutsIndex) + 1L);
        }
        return signalled;
    }

    /**
     * Sleeps on the shared word until the producer cleared the waiter word or the deadline passed (see
     * {@link SharedWake} for why no wake-up is lost). The sequence is read before the waiter word is re-checked.
     */
    private void awaitShared(final SharedWake shared, final int bit, final long deadlineNs)
    {
        while (true)
        {
            final int sequence;
            try
            {
                sequence = shared.sequence();
            }
            catch (final InternalError ex)
            {
                // The producer's file was truncated under the mapping: sleep by the timeout, never touch it again.
                leaveSharedWake();
                break;
            }
            if (buffer.getIntVolatile(waiterIndex) != SLEEPING || deadlineNs - System.nanoTime() <= 0)
            {
                break;
            }
            if (!shared.await(sequence, deadlineNs, bit))
            {
                leaveSharedWake();
                break;
            }
        }
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
        if (socketSleeper != null)
        {
            socketSleeper.close();
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
        return "EventCountNotifier{kind=" + kind + ", side=" + (consumer ? "consumer" : "producer")
            + ", sleeps=" + sleeps() + ", wakeups=" + wakeups() + ", timeouts=" + timeouts() + '}';
    }
}
