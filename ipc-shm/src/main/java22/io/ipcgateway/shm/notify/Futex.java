package io.ipcgateway.shm.notify;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Linux futex calls on a 4-byte word in shared memory: the Java 22 version (from the jar's
 * {@code META-INF/versions/22}), which calls {@code syscall(SYS_futex, ...)} through the Foreign Function and
 * Memory API.
 * <p>
 * Only the shared operations ({@code FUTEX_WAIT}, {@code FUTEX_WAKE} and their {@code _BITSET} forms) are used: the {@code *_PRIVATE} ones key the
 * wait queue by process and never wake a waiter in another process. {@code syscall} is variadic, so the downcall
 * declares its first argument as the only fixed one; every variadic argument is passed as a 64-bit integer, as
 * the kernel reads them from full registers. The static initialiser catches every failure (no Linux, unknown
 * architecture, native access denied: JDK 25 with {@code --illegal-native-access=deny} throws
 * {@link IllegalCallerException}) and reports the futex as unavailable with the reason, so the notifier falls back.
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

    private static final long FUTEX_WAIT = 0;
    private static final long FUTEX_WAKE = 1;
    private static final long FUTEX_WAIT_BITSET = 9;
    private static final long FUTEX_WAKE_BITSET = 10;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private static final MethodHandle WAIT;
    private static final MethodHandle WAKE;
    private static final MethodHandle WAIT_BITSET;
    private static final MethodHandle WAKE_BITSET;
    private static final VarHandle ERRNO;
    private static final StructLayout CAPTURE_LAYOUT;
    private static final long SYS_FUTEX;
    private static final String UNAVAILABLE_REASON;

    static
    {
        MethodHandle wait = null;
        MethodHandle wake = null;
        MethodHandle waitBitset = null;
        MethodHandle wakeBitset = null;
        VarHandle errno = null;
        StructLayout captureLayout = null;
        long sysFutex = -1;
        String reason;
        try
        {
            sysFutex = futexSyscallNumber();
            if (sysFutex < 0)
            {
                reason = "futex needs Linux on x86_64 or aarch64: os=" + System.getProperty("os.name")
                    + ", arch=" + System.getProperty("os.arch");
            }
            else
            {
                final Linker linker = Linker.nativeLinker();
                final SymbolLookup libc = linker.defaultLookup();
                final MemorySegment syscall = libc.find("syscall").orElseThrow(
                    () -> new UnsupportedOperationException("libc has no syscall symbol"));
                captureLayout = Linker.Option.captureStateLayout();
                errno = captureLayout.varHandle(MemoryLayout.PathElement.groupElement("errno"));
                // long syscall(long number, ...): (number, uaddr, op, val, timeout*)
                wait = linker.downcallHandle(
                    syscall,
                    FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                    Linker.Option.firstVariadicArg(1),
                    Linker.Option.captureCallState("errno"));
                // (number, uaddr, op, count)
                wake = linker.downcallHandle(
                    syscall,
                    FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                    Linker.Option.firstVariadicArg(1));
                // (number, uaddr, op, val, timeout* (absolute, CLOCK_MONOTONIC), uaddr2 (unused), val3 = bitset)
                waitBitset = linker.downcallHandle(
                    syscall,
                    FunctionDescriptor.of(
                        JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                    Linker.Option.firstVariadicArg(1),
                    Linker.Option.captureCallState("errno"));
                // (number, uaddr, op, count, timeout* (unused), uaddr2 (unused), val3 = bitset)
                wakeBitset = linker.downcallHandle(
                    syscall,
                    FunctionDescriptor.of(
                        JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                    Linker.Option.firstVariadicArg(1));
                reason = probe(wake, sysFutex);
            }
        }
        catch (final Throwable ex)
        {
            // IllegalCallerException when native access is denied, or an ExceptionInInitializerError wrapping it.
            final Throwable cause = ex instanceof ExceptionInInitializerError && ex.getCause() != null ?
                ex.getCause() : ex;
            reason = "futex call unavailable: " + cause
                + "; start the JVM with --enable-native-access=ALL-UNNAMED (and not --illegal-native-access=deny)";
            wait = null;
            wake = null;
            waitBitset = null;
            wakeBitset = null;
        }
        WAIT = wait;
        WAKE = wake;
        WAIT_BITSET = waitBitset;
        WAKE_BITSET = wakeBitset;
        ERRNO = errno;
        CAPTURE_LAYOUT = captureLayout;
        SYS_FUTEX = sysFutex;
        UNAVAILABLE_REASON = reason;
    }

    private final long address;
    private final MemorySegment errnoState;
    private final MemorySegment timespec;

    private Futex(final long address)
    {
        if (!isAvailable())
        {
            throw new UnsupportedOperationException(UNAVAILABLE_REASON);
        }
        if ((address & 3) != 0)
        {
            throw new IllegalArgumentException("futex word must be 4-byte aligned: address=" + address);
        }
        this.address = address;
        // Per instance, reused by every wait: await is called by the channel's one consumer thread.
        final Arena arena = Arena.ofAuto();
        this.errnoState = arena.allocate(CAPTURE_LAYOUT);
        this.timespec = arena.allocate(2 * Long.BYTES, Long.BYTES);
    }

    private static long futexSyscallNumber()
    {
        final String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        final String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.startsWith("linux"))
        {
            return -1;
        }
        switch (arch)
        {
            case "amd64":
            case "x86_64":
                return 202;
            case "aarch64":
            case "arm64":
                return 98;
            default:
                return -1;
        }
    }

    private static String probe(final MethodHandle wake, final long sysFutex) throws Throwable
    {
        // FUTEX_WAKE on a word nobody waits on must return 0: proves the symbol, the ABI and the syscall number.
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment word = arena.allocate(JAVA_INT);
            final long woken = (long)wake.invokeExact(sysFutex, word.address(), FUTEX_WAKE, 1L);
            return woken == 0 ? "" : "futex probe failed: FUTEX_WAKE returned " + woken;
        }
    }

    /**
     * Whether futex calls work in this JVM.
     *
     * @return {@code true} when the downcalls were linked and a probe call succeeded.
     */
    static boolean isAvailable()
    {
        return UNAVAILABLE_REASON.isEmpty();
    }

    /**
     * Why the futex is unavailable, or an empty string when it is available.
     *
     * @return a reason naming what failed and what would enable the futex.
     */
    static String unavailableReason()
    {
        return UNAVAILABLE_REASON;
    }

    /**
     * Which implementation of this class was loaded, for selection reports and tests.
     *
     * @return {@code "ffm"} here, {@code "base"} in the Java 17 version.
     */
    static String implementation()
    {
        return "ffm";
    }

    /**
     * Binds futex calls to the word at a native address.
     *
     * @param address native address of a 4-byte aligned int in a shared, read-write mapping.
     * @return the bound futex.
     * @throws UnsupportedOperationException when the futex is unavailable, with {@link #unavailableReason()}.
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
        timespec.set(JAVA_LONG, 0, timeoutNs / NANOS_PER_SECOND);
        timespec.set(JAVA_LONG, Long.BYTES, timeoutNs % NANOS_PER_SECOND);
        final long result;
        try
        {
            result = (long)WAIT.invokeExact(
                errnoState, SYS_FUTEX, address, FUTEX_WAIT, (long)expected, timespec.address());
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("futex wait failed: address=" + address, ex);
        }
        return result == 0 ? OK : (int)ERRNO.get(errnoState, 0L);
    }

    /**
     * {@code FUTEX_WAKE}: wakes up to {@code count} threads blocked on the word, in any process.
     *
     * @param count how many waiters to wake at most.
     * @return how many were woken, or -1 on error.
     */
    int wake(final int count)
    {
        try
        {
            return (int)(long)WAKE.invokeExact(SYS_FUTEX, address, FUTEX_WAKE, (long)count);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("futex wake failed: address=" + address, ex);
        }
    }

    /**
     * {@code FUTEX_WAIT_BITSET}: blocks while the word holds {@code expected}, until a {@link #wakeBitset} whose mask
     * shares a bit with {@code bitset}, or until the deadline.
     *
     * @param expected   the value the word must still hold for the call to block.
     * @param deadlineNs absolute deadline on {@link System#nanoTime()}'s clock (CLOCK_MONOTONIC on Linux, the clock
     *                   this operation's timeout is read against).
     * @param bitset     the waiter's bits, non-zero.
     * @return {@link #OK}, {@link #EAGAIN}, {@link #EINTR}, {@link #ETIMEDOUT} or another errno.
     */
    int awaitBitset(final int expected, final long deadlineNs, final int bitset)
    {
        timespec.set(JAVA_LONG, 0, deadlineNs / NANOS_PER_SECOND);
        timespec.set(JAVA_LONG, Long.BYTES, deadlineNs % NANOS_PER_SECOND);
        final long result;
        try
        {
            result = (long)WAIT_BITSET.invokeExact(errnoState, SYS_FUTEX, address, FUTEX_WAIT_BITSET,
                (long)expected, timespec.address(), 0L, (long)bitset);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("futex wait bitset failed: address=" + address, ex);
        }
        return result == 0 ? OK : (int)ERRNO.get(errnoState, 0L);
    }

    /**
     * {@code FUTEX_WAKE_BITSET}: wakes up to {@code count} threads blocked on the word, in any process, whose wait
     * bitset shares a bit with {@code bitset}. Thread-safe: it uses no per-instance scratch memory.
     *
     * @param count  how many waiters to wake at most.
     * @param bitset the bits to wake, non-zero.
     * @return how many were woken, or -1 on error.
     */
    int wakeBitset(final int count, final int bitset)
    {
        try
        {
            return (int)(long)WAKE_BITSET.invokeExact(
                SYS_FUTEX, address, FUTEX_WAKE_BITSET, (long)count, 0L, 0L, (long)bitset);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("futex wake bitset failed: address=" + address, ex);
        }
    }
}
