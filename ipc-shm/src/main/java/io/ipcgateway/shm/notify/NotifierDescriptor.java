package io.ipcgateway.shm.notify;

/**
 * Layout of the notifier area that every channel header page reserves ({@link #AREA_LENGTH} bytes at a
 * 64-byte aligned offset). The area starts zero-filled when the channel file is created.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Waiter word (0 awake, 1 sleeping)             |  futex word, 4-byte aligned
 *  +---------------------------------------------------------------+
 *  |                 Consumer kind (NotifierKind code)             |  written by the consumer on open
 *  +---------------------------------------------------------------+
 *  |                 Sleeps (consumer blocked)                     |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Wake-ups (producer woke the consumer)         |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Timeouts (a sleep ended by its timeout)       |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Consumer listens (NotifierKind mask bits)     |  written by the consumer on open
 *  +---------------------------------------------------------------+
 *  |                 Socket requests (producers without futex)     |  atomic add by such producers on open
 *  +---------------------------------------------------------------+
 *  |                 Shared wake bit (0: sleeps on the waiter word)|  written by the consumer (see SharedWake)
 *  +---------------------------------------------------------------+
 *  |                 Reserved, zero (20 bytes)                    ...
 *  +---------------------------------------------------------------+
 * </pre>
 * <p>
 * <b>Negotiation</b> (layout version 3 of the channel header): every producer must be able to wake the consumer
 * the way it sleeps, although a JDK 17 process (or JDK 22+ with {@code --illegal-native-access=deny}) cannot call
 * the futex. The consumer writes the kind it sleeps on and the mask of kinds it accepts ({@link NotifierKind#mask()}):
 * a consumer that chose the futex automatically also accepts the socket and listens on it from the start (no thread,
 * only the bound socket). A producer that cannot signal the consumer's kind adds one to the socket requests when it
 * opens (at connect, before its first record); the consumer sees the count before its next sleep, writes
 * {@link NotifierKind#UNIX_SOCKET} as its kind and sleeps on the socket from then on, which every producer can
 * signal. A consumer that accepts only the futex (forced with {@code ipc.notifier=futex}) makes such a producer
 * fail at open, naming what to change. The kind is written before the waiter word announces a sleep, so a producer
 * that wins the word reads the kind of that sleep.
 * <p>
 * The protocol (an event count, proven by the cross-process stress tests over millions of messages):
 * <ol>
 *   <li>Consumer: poll; spin briefly; store 1 into the waiter word with a volatile store (a StoreLoad barrier);
 *       poll again and, if there is work, clear the word and go on; else block with a timeout (a futex waits
 *       only while the word still holds 1); on waking, clear the word and poll.</li>
 *   <li>Producer: publish the record with a volatile store or an atomic claim; full fence; read the waiter word;
 *       only when it is non-zero and {@code getAndSet(0)} returned non-zero, wake the consumer.</li>
 * </ol>
 * Either the consumer's re-check sees the record, or the producer's read (ordered after its publication by the
 * fence) sees the announcement: both orders cannot miss each other. The counters are written only on the sleep
 * and wake paths, so they cost nothing while messages flow.
 */
public final class NotifierDescriptor
{
    /** Bytes the notifier needs in each channel header, a multiple of the cache line. */
    public static final int AREA_LENGTH = 64;

    /** Required alignment of the area's offset in the header page. */
    public static final int AREA_ALIGNMENT = 64;

    /** Offset of the waiter word (int): 1 while the consumer announces or sleeps, 0 otherwise. */
    public static final int WAITER_OFFSET = 0;

    /** Offset of the consumer's {@link NotifierKind#code()} (int), 0 until a consumer has opened. */
    public static final int CONSUMER_KIND_OFFSET = 4;

    /** Offset of the sleep counter (long): incremented by the consumer each time it actually blocks. */
    public static final int SLEEPS_OFFSET = 8;

    /** Offset of the wake-up counter (long): incremented atomically by a producer each time it wakes. */
    public static final int WAKEUPS_OFFSET = 16;

    /** Offset of the timeout counter (long): incremented by the consumer when a sleep ends by its timeout. */
    public static final int TIMEOUTS_OFFSET = 24;

    /**
     * Offset of the kinds the consumer accepts wake-ups from (int): {@link NotifierKind#mask()} bits, 0 until a
     * consumer has opened.
     */
    public static final int CONSUMER_LISTENS_OFFSET = 32;

    /**
     * Offset of the socket request count (int): producers that opened this channel and cannot call the futex add
     * one; a consumer on the futex that also accepts the socket switches to it for good before its next sleep.
     */
    public static final int SOCKET_REQUESTS_OFFSET = 36;

    /**
     * Offset of the shared wake bit (int): 0 while the consumer sleeps on its own waiter word; otherwise the single bit
     * with which it sleeps on its producer's {@link SharedWake} word, and a producer that wins the waiter word wakes
     * that bit there. Written by the consumer before it announces a sleep. The word was reserved (zero) before, so
     * the layout version is unchanged: a side built before it reads or leaves 0, the per-client wake-up.
     */
    public static final int SHARED_WAKE_BIT_OFFSET = 40;

    /** Waiter word value while nobody sleeps. */
    public static final int AWAKE = 0;

    /** Waiter word value while the consumer announces or sleeps. */
    public static final int SLEEPING = 1;

    private NotifierDescriptor()
    {
    }
}
