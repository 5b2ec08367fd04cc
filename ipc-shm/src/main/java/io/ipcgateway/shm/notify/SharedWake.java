package io.ipcgateway.shm.notify;

import java.util.Locale;

import io.ipcgateway.core.IpcException;
import org.agrona.concurrent.AtomicBuffer;

/**
 * One futex word in the server file on which every sleeping client of the service waits with
 * {@code FUTEX_WAIT_BITSET} and a bit of its own, so the server wakes all the clients it answered in one duty-cycle
 * pass with one {@code FUTEX_WAKE_BITSET} instead of one {@code FUTEX_WAKE} per client (issue 16: with 32 sleeping
 * clients the server issued about 30 wake-ups in a row at the end of each pass, half its CPU).
 * <p>
 * The word is a sequence. A client's sleep (in {@link EventCountNotifier}) is the usual event count on its own
 * waiter word (announce {@link NotifierDescriptor#SLEEPING}, re-check the inbox), then, instead of a futex wait on
 * the waiter word: read the sequence, re-read the waiter word and stop if the server cleared it, else
 * {@code FUTEX_WAIT_BITSET(word, sequence read, bit)}. The server clears the client's waiter word
 * ({@code getAndSet}, as always), and at the end of the pass bumps the sequence (an atomic add) and then wakes the
 * mask of the bits it collected. No wake-up is lost: if the client's re-read saw the waiter word still set, the
 * server's clear, and so its bump, came after the client's read of the sequence, so the kernel's atomic compare
 * either finds the word moved (EAGAIN: the client loops, sees its waiter word cleared and returns) or queues the
 * client before the bump, and the wake that follows the bump matches its bit. Clients whose bits collide
 * (there are 32) are woken spuriously, re-check their waiter word and sleep again: at most once per
 * pass that wakes their bit; clients take their bits round-robin ({@link #nextBit()}), so they collide only beyond
32 clients. Every wait keeps the caller's deadline, so even a lost wake-up could only delay.
 * <p>
 * Negotiation: the server writes {@link #OFFERED} beside the word when it wakes this way (JDK 22+ with the futex,
 * {@value #MODE_PROP_NAME} not {@code per-client}); a client uses the word only when the server offered it and it can
 * call the futex itself and sleeps on the futex; it then writes its bit into its notifier area
 * ({@link NotifierDescriptor#SHARED_WAKE_BIT_OFFSET}), which the server reads after winning the client's waiter word.
 * Every other pairing (a JDK 17 side, the socket fallback, a side built before this word existed) keeps the
 * per-client wake-up unchanged.
 */
public final class SharedWake
{
    /**
     * System property choosing how the server wakes its sleeping clients: {@code bitset} (one wake-up syscall per
     * duty-cycle pass, the default) or {@code per-client} (one per client).
     */
    public static final String MODE_PROP_NAME = "ipc.shm.wake.batch";

    /** Default of {@link #MODE_PROP_NAME}. */
    public static final String MODE_DEFAULT = "bitset";

    /** Value of the offered word while the server wakes its clients through the shared word. */
    public static final int OFFERED = 1;

    /** Offset of the offered word relative to the sequence word. */
    public static final int OFFERED_DELTA = 4;

    /** Offset of the next-bit counter relative to the sequence word: clients take their bits round-robin. */
    public static final int NEXT_BIT_DELTA = 8;

    private final AtomicBuffer buffer;
    private final int sequenceIndex;
    private final Futex futex;
    private volatile boolean closed;

    private SharedWake(final AtomicBuffer buffer, final int sequenceIndex)
    {
        this.buffer = buffer;
        this.sequenceIndex = sequenceIndex;
        this.futex = Futex.at(buffer.addressOffset() + sequenceIndex);
    }

    /**
     * Server side: offers the shared word to the clients when this JVM can call the futex and the setting allows it.
     *
     * @param buffer        the server file's header.
     * @param sequenceIndex offset of the sequence word (4-byte aligned, the offered word follows it).
     * @return the word to wake through, or {@code null} when the server wakes each client on its own word.
     */
    public static SharedWake offer(final AtomicBuffer buffer, final int sequenceIndex)
    {
        if (!usable(buffer, sequenceIndex))
        {
            return null;
        }
        final SharedWake wake = new SharedWake(buffer, sequenceIndex);
        buffer.putIntVolatile(sequenceIndex + OFFERED_DELTA, OFFERED);
        return wake;
    }

    /**
     * Client side: joins the word when the server offered it and this JVM can call the futex.
     *
     * @param buffer        the server file's header.
     * @param sequenceIndex offset of the sequence word.
     * @return the word to sleep on, or {@code null} to sleep on the client's own waiter word.
     */
    public static SharedWake join(final AtomicBuffer buffer, final int sequenceIndex)
    {
        if (buffer.getIntVolatile(sequenceIndex + OFFERED_DELTA) != OFFERED || !usable(buffer, sequenceIndex))
        {
            return null;
        }
        return new SharedWake(buffer, sequenceIndex);
    }

    /**
     * Whether the setting asks for the shared word (not whether the futex is available).
     *
     * @return {@code true} unless {@value #MODE_PROP_NAME} is {@code per-client}.
     * @throws IpcException when the setting holds another value.
     */
    public static boolean configured()
    {
        final String mode = System.getProperty(MODE_PROP_NAME, MODE_DEFAULT).trim().toLowerCase(Locale.ROOT);
        switch (mode)
        {
            case "bitset":
                return true;
            case "per-client":
                return false;
            default:
                throw new IpcException("invalid setting: " + MODE_PROP_NAME + "=" + mode
                    + "; accepted values are bitset, per-client");
        }
    }

    private static boolean usable(final AtomicBuffer buffer, final int sequenceIndex)
    {
        if (!configured() || buffer.byteArray() != null || ((buffer.addressOffset() + sequenceIndex) & 3) != 0)
        {
            return false;
        }
        try
        {
            return Futex.isAvailable();
        }
        catch (final LinkageError | RuntimeException ex)
        {
            return false;
        }
    }

    /**
     * Client side: takes the next of the 32 bits round-robin from a counter beside the word, so up to 32 clients of
     * the service never share a bit (random session ids would give 32 clients about 22 distinct bits, and every
     * collision is a spurious wake-up).
     *
     * @return a single-bit mask.
     */
    public int nextBit()
    {
        return 1 << (buffer.getAndAddInt(sequenceIndex + NEXT_BIT_DELTA, 1) & 31);
    }

    /**
     * The bit a client of a session could wait with: sessions 32 apart share one.
     *
     * @param sessionId the client's session id.
     * @return a single-bit mask.
     */
    public static int bitOf(final int sessionId)
    {
        return 1 << (sessionId & 31);
    }

    /**
     * Wakes every client asleep on the word with a bit in {@code mask}: bumps the sequence, then one syscall.
     * Any thread may call it; after {@link #close()} it does nothing.
     *
     * @param mask the bits of the clients to wake, non-zero.
     */
    public void wake(final int mask)
    {
        if (!closed)
        {
            // An atomic add: ordered after the caller's getAndSet of each client's waiter word, before the wake.
            buffer.getAndAddInt(sequenceIndex, 1);
            futex.wakeBitset(Integer.MAX_VALUE, mask);
        }
    }

    /**
     * The sequence, read with a volatile read before re-checking the waiter word.
     *
     * @return the current sequence.
     */
    int sequence()
    {
        return buffer.getIntVolatile(sequenceIndex);
    }

    /**
     * Blocks while the sequence still holds {@code sequence}, until a wake-up of {@code bit} or the deadline.
     * Called by one consumer thread per instance (the futex's scratch memory is per instance).
     *
     * @param sequence   the value read before the waiter word was re-checked.
     * @param deadlineNs absolute deadline on {@link System#nanoTime()}'s clock.
     * @param bit        the consumer's bit.
     * @return {@code true} normally, {@code false} when the word cannot be waited on (fall back to the own word).
     */
    boolean await(final int sequence, final long deadlineNs, final int bit)
    {
        final int result = futex.awaitBitset(sequence, deadlineNs, bit);
        return result == Futex.OK || result == Futex.EAGAIN || result == Futex.EINTR || result == Futex.ETIMEDOUT;
    }

    /**
     * Stops waking through the word: the server file is lost (truncated by another process) and must not be touched.
     */
    public void close()
    {
        closed = true;
    }

    @Override
    public String toString()
    {
        return "SharedWake{sequence=" + (closed ? "closed" : Integer.toString(sequence())) + '}';
    }
}
