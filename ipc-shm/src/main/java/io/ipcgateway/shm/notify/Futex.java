package io.ipcgateway.shm.notify;

/**
 * Linux futex calls on a 4-byte word in shared memory: the base (Java 17) version, which reports the futex as
 * unavailable.
 * <p>
 * The {@code META-INF/versions/22} layer of the ipc-shm jar holds another version of this class that calls
 * {@code syscall(SYS_futex, ...)} through the Foreign Function and Memory API. A JVM older than 22, or a class
 * path that bypasses the multi-release jar (such as {@code target/classes}), loads this one and the notifier
 * falls back to {@link NotifierKind#UNIX_SOCKET}. Both versions have the same members.
 */
final class Futex
{
    /** Result of {@link #await(int, long)} when the call returned without error (woken, or spuriously). */
    static final int OK = 0;

    /** errno when the word no longer held the expected value, so the call did not block. */
    static final int EAGAIN = 11;

    /** errno when the call was interrupted by a signal handler. */
    static final int EINTR = 4;

    /** errno when the timeout elapsed. */
    static final int ETIMEDOUT = 110;

    private Futex(final long address)
    {
        throw new UnsupportedOperationException(unavailableReason());
    }

    /**
     * Whether futex calls work in this JVM.
     *
     * @return always {@code false} in the base version.
     */
    static boolean isAvailable()
    {
        return false;
    }

    /**
     * Why the futex is unavailable, or an empty string when it is available.
     *
     * @return a reason naming the JVM version and what would enable the futex.
     */
    static String unavailableReason()
    {
        return "futex needs JDK 22+ and the ipc-shm jar's META-INF/versions/22 layer; this JVM is "
            + Runtime.version().feature() + " or runs the base classes (e.g. from target/classes)";
    }

    /**
     * Which implementation of this class was loaded, for selection reports and tests.
     *
     * @return {@code "base"} here, {@code "ffm"} in the Java 22 layer.
     */
    static String implementation()
    {
        return "base";
    }

    /**
     * Binds futex calls to the word at a native address.
     *
     * @param address native address of a 4-byte aligned int in a shared, read-write mapping.
     * @return never: the base version throws.
     * @throws UnsupportedOperationException always, with {@link #unavailableReason()}.
     */
    static Futex at(final long address)
    {
        return new Futex(address);
    }

    /**
     * {@code FUTEX_WAIT}: blocks while the word holds {@code expected}, at most {@code timeoutNs}.
     *
     * @param expected  the value the word must still hold for the call to block.
     * @param timeoutNs relative timeout in nanoseconds (positive).
     * @return {@link #OK}, {@link #EAGAIN}, {@link #EINTR}, {@link #ETIMEDOUT} or another errno.
     */
    int await(final int expected, final long timeoutNs)
    {
        throw new UnsupportedOperationException(unavailableReason());
    }

    /**
     * {@code FUTEX_WAKE}: wakes up to {@code count} threads blocked on the word, in any process.
     *
     * @param count how many waiters to wake at most.
     * @return how many were woken, or a negative errno.
     */
    int wake(final int count)
    {
        throw new UnsupportedOperationException(unavailableReason());
    }

    /**
     * {@code FUTEX_WAIT_BITSET}: blocks while the word holds {@code expected}, until a wake whose mask shares a bit
     * with {@code bitset}, or until the deadline.
     *
     * @param expected   the value the word must still hold for the call to block.
     * @param deadlineNs absolute deadline on {@link System#nanoTime()}'s clock.
     * @param bitset     the waiter's bits, non-zero.
     * @return never: the base version throws.
     */
    int awaitBitset(final int expected, final long deadlineNs, final int bitset)
    {
        throw new UnsupportedOperationException(unavailableReason());
    }

    /**
     * {@code FUTEX_WAKE_BITSET}: wakes up to {@code count} threads blocked on the word whose bitset shares a bit with
     * {@code bitset}.
     *
     * @param count  how many waiters to wake at most.
     * @param bitset the bits to wake, non-zero.
     * @return never: the base version throws.
     */
    int wakeBitset(final int count, final int bitset)
    {
        throw new UnsupportedOperationException(unavailableReason());
    }
}
