package io.ipcgateway.shm.notify;

import io.ipcgateway.core.IpcException;
import org.agrona.concurrent.AtomicBuffer;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Opens {@link Notifier}s and chooses their primitive.
 * <p>
 * <b>Selection.</b> {@link NotifierKind#FUTEX} wherever it works: Linux, JDK 22+ (the jar's
 * {@code META-INF/versions/22} layer), native access granted ({@code --enable-native-access=ALL-UNNAMED}; with
 * {@code --illegal-native-access=deny} the FFM linker throws and we fall back) and an off-heap buffer. It has the
 * best tail latency of every mechanism measured here (p99 23-37 us with idle cores) and costs the idle consumer
 * no wake-ups at all. Everywhere else: {@link NotifierKind#UNIX_SOCKET}.
 * <p>
 * <b>Why a Unix-domain socket and not a named FIFO for the fallback.</b> Measured on this kind of host, a FIFO
 * had a slightly better p99 (50-80 us against 49-399 us with idle cores), but Java 17 cannot wait on a FIFO with a
 * timeout: a {@code FileChannel} is not selectable, and a blocking read can only be ended by closing the channel
 * or by a helper thread writing into it. Every wait must have a timeout, so the FIFO would need a watchdog thread
 * per consumer. A Unix-domain {@code SocketChannel} is selectable, so the consumer sleeps in
 * {@code Selector.select(timeout)} and many producer processes each hold their own connection; the fallback's
 * latency is in the same range as the FIFO's when a core is busy (p50 4-13 us).
 * <p>
 * <b>Configuration.</b> A concrete kind passed to {@link #open} wins. {@link NotifierKind#AUTO} consults the
 * system property {@value #NOTIFIER_PROP_NAME} ({@code auto|futex|unix-socket}, default {@code auto}) and then
 * detects. Forcing {@link NotifierKind#FUTEX} where it is unavailable fails at open with the reason.
 * <p>
 * <b>Mixed JVMs.</b> A producer that cannot call the futex (JDK 17-21, or native access denied) makes a futex
 * consumer that chose automatically switch to the socket before its next sleep, so both sides run at full speed;
 * a consumer that forces the futex refuses such a producer at open. See {@link NotifierDescriptor}.
 */
public final class Notifiers
{
    /** Area each channel header reserves for the notifier, in bytes, cache-line aligned (64). */
    public static final int AREA_LENGTH = NotifierDescriptor.AREA_LENGTH;

    /** System property that forces the kind chosen for {@link NotifierKind#AUTO}: auto, futex or unix-socket. */
    public static final String NOTIFIER_PROP_NAME = "ipc.notifier";

    /** Default of {@value #NOTIFIER_PROP_NAME}. */
    public static final String NOTIFIER_DEFAULT = "auto";

    /** Suffix of the side file (a Unix-domain socket) the socket fallback creates next to the channel file. */
    public static final String WAKE_SOCKET_SUFFIX = ".wake";

    private Notifiers()
    {
    }

    /**
     * Opens the notifier of one channel.
     *
     * @param buffer       the channel file's mapped header page (shared, read-write).
     * @param areaOffset   where the notifier area starts in {@code buffer}; a multiple of 64, with
     *                     {@link #AREA_LENGTH} bytes reserved and zero-filled when the file was created.
     * @param channelFile  the channel's file; the socket fallback creates {@code channelFile + ".wake"} next to
     *                     it (on the consumer side, which deletes it on close).
     * @param consumerSide {@code true} in the process that waits (the channel's one consumer).
     * @param requested    the kind wanted; {@link NotifierKind#AUTO} to choose as described above.
     * @return an open notifier; close it with the channel.
     * @throws IpcException when the area is misplaced, or a forced kind cannot work here.
     */
    public static Notifier open(
        final AtomicBuffer buffer,
        final int areaOffset,
        final Path channelFile,
        final boolean consumerSide,
        final NotifierKind requested)
    {
        return open(buffer, areaOffset, channelFile, consumerSide, requested, null);
    }

    /**
     * Opens the notifier of one channel; on the producer side, a consumer that sleeps on {@code sharedWake} (it wrote
     * its bit into the area, see {@link SharedWake}) is woken through it.
     *
     * @param buffer       the channel file's mapped header page (shared, read-write).
     * @param areaOffset   where the notifier area starts in {@code buffer}.
     * @param channelFile  the channel's file.
     * @param consumerSide {@code true} in the process that waits.
     * @param requested    the kind wanted; {@link NotifierKind#AUTO} to choose.
     * @param sharedWake   producer side: the word this producer offered its consumers, or {@code null}.
     * @return an open notifier; close it with the channel.
     * @throws IpcException when the area is misplaced, or a forced kind cannot work here.
     */
    public static Notifier open(
        final AtomicBuffer buffer,
        final int areaOffset,
        final Path channelFile,
        final boolean consumerSide,
        final NotifierKind requested,
        final SharedWake sharedWake)
    {
        checkArea(buffer, areaOffset, channelFile);
        final NotifierKind wanted = configuredKind(requested);
        final String futexProblem = futexProblem(buffer, areaOffset);
        final NotifierKind kind;
        if (wanted == NotifierKind.AUTO)
        {
            kind = futexProblem.isEmpty() ? NotifierKind.FUTEX : NotifierKind.UNIX_SOCKET;
        }
        else if (wanted == NotifierKind.FUTEX && !futexProblem.isEmpty())
        {
            throw new IpcException("futex notifier forced but unavailable: channel=" + channelFile
                + ", requested=" + requested + ", " + NOTIFIER_PROP_NAME + "=" + propertyValue()
                + ", reason=" + futexProblem + "; use " + NOTIFIER_PROP_NAME + "=auto to fall back");
        }
        else
        {
            kind = wanted;
        }

        final Path socketPath = wakeSocketPath(channelFile);
        final FutexPrimitive futex = futexProblem.isEmpty() ?
            new FutexPrimitive(buffer.addressOffset() + areaOffset + NotifierDescriptor.WAITER_OFFSET) : null;
        if (!consumerSide)
        {
            negotiateAsProducer(buffer, areaOffset, channelFile, futex != null, futexProblem);
            return new EventCountNotifier(buffer, areaOffset, kind, false, null, null, futex,
                new SocketWaker(socketPath), sharedWake);
        }
        // A futex consumer chosen automatically also listens on the socket, for producers that cannot call futex.
        final boolean acceptsSocket = kind == NotifierKind.UNIX_SOCKET || wanted == NotifierKind.AUTO;
        final SocketSleeper socketSleeper = acceptsSocket ? new SocketSleeper(socketPath, channelFile) : null;
        return new EventCountNotifier(buffer, areaOffset, kind, true, kind == NotifierKind.FUTEX ? futex : null,
            socketSleeper, futex, new SocketWaker(socketPath), null);
    }

    /**
     * A producer that cannot call the futex asks the consumer for the socket (see {@link NotifierDescriptor}), or
     * fails when the consumer accepts only the futex. Runs once per producer, when it opens the channel.
     */
    private static void negotiateAsProducer(
        final AtomicBuffer buffer,
        final int areaOffset,
        final Path channelFile,
        final boolean canFutex,
        final String futexProblem)
    {
        if (canFutex)
        {
            return;
        }
        final int consumerKind = buffer.getIntVolatile(areaOffset + NotifierDescriptor.CONSUMER_KIND_OFFSET);
        final int listens = buffer.getIntVolatile(areaOffset + NotifierDescriptor.CONSUMER_LISTENS_OFFSET);
        if (consumerKind == NotifierKind.UNIX_SOCKET.code())
        {
            return;
        }
        if (consumerKind == NotifierKind.FUTEX.code() && (listens & NotifierKind.UNIX_SOCKET.mask()) == 0)
        {
            throw new IpcException("cannot wake the consumer of channel=" + channelFile
                + ": it sleeps only on the futex (its process forces " + NOTIFIER_PROP_NAME + "=futex) and this "
                + "process cannot call the futex (" + futexProblem + "); run this process on JDK 22+ with "
                + "--enable-native-access=ALL-UNNAMED, or start the consumer with " + NOTIFIER_PROP_NAME
                + "=auto so it switches to the socket for producers like this one");
        }
        buffer.getAndAddInt(areaOffset + NotifierDescriptor.SOCKET_REQUESTS_OFFSET, 1);
    }

    /**
     * How the consumer of a channel sleeps now, as recorded in its notifier area (for observers and tests).
     *
     * @param buffer     the channel's mapped header page.
     * @param areaOffset where the notifier area starts in {@code buffer}.
     * @return the consumer's current kind, or {@code null} when no consumer has opened (or the code is unknown).
     */
    public static NotifierKind consumerKind(final AtomicBuffer buffer, final int areaOffset)
    {
        final int code = buffer.getIntVolatile(areaOffset + NotifierDescriptor.CONSUMER_KIND_OFFSET);
        return code == 0 ? null : NotifierKind.fromCode(code);
    }

    /**
     * What {@link NotifierKind#AUTO} resolves to on this JVM and OS for an off-heap buffer, taking
     * {@value #NOTIFIER_PROP_NAME} into account.
     *
     * @return {@link NotifierKind#FUTEX} or {@link NotifierKind#UNIX_SOCKET}.
     */
    public static NotifierKind autoKind()
    {
        final NotifierKind configured = configuredKind(NotifierKind.AUTO);
        if (configured != NotifierKind.AUTO)
        {
            return configured;
        }
        return futexAvailable() ? NotifierKind.FUTEX : NotifierKind.UNIX_SOCKET;
    }

    /**
     * What {@link NotifierKind#AUTO} resolves to and why, for logs, metrics and {@code bin/ipc}.
     *
     * @return one line of {@code key=value} pairs: the kind, the property, the JVM, the OS and the futex class
     *         that was loaded (base or the Java 22 layer, with its location).
     */
    public static String selectionReport()
    {
        final NotifierKind auto = autoKind();
        final String reason;
        if (!propertyValue().equalsIgnoreCase(NOTIFIER_DEFAULT))
        {
            reason = "forced by " + NOTIFIER_PROP_NAME
                + (auto == NotifierKind.FUTEX && !futexAvailable() ? " but futex unavailable: open will fail" : "");
        }
        else if (auto == NotifierKind.FUTEX)
        {
            reason = "futex works on this JVM";
        }
        else
        {
            reason = "fallback: " + futexUnavailableReason();
        }
        return "notifier=" + auto
            + ", reason=" + reason
            + ", " + NOTIFIER_PROP_NAME + "=" + propertyValue()
            + ", java=" + Runtime.version()
            + ", os=" + System.getProperty("os.name") + '/' + System.getProperty("os.arch")
            + ", futexClass=" + futexImplementation();
    }

    /**
     * Which futex implementation this JVM loaded: {@code ffm} (the jar's Java 22 layer) or {@code base} (Java 17
     * classes, futex unavailable), with the location the class came from. A multi-release jar whose layer is
     * ignored shows up here as {@code base} loaded from the jar's root.
     *
     * @return for example {@code ffm@jar:file:/.../ipc-shm.jar!/META-INF/versions/22/io/.../Futex.class}.
     */
    public static String futexImplementation()
    {
        return Futex.implementation() + '@' + Futex.class.getResource("Futex.class");
    }

    /**
     * The side file the socket fallback uses for a channel.
     *
     * @param channelFile the channel's file.
     * @return {@code channelFile + ".wake"}.
     */
    public static Path wakeSocketPath(final Path channelFile)
    {
        return channelFile.resolveSibling(channelFile.getFileName() + WAKE_SOCKET_SUFFIX);
    }

    private static void checkArea(final AtomicBuffer buffer, final int areaOffset, final Path channelFile)
    {
        if (buffer == null || channelFile == null || channelFile.getFileName() == null)
        {
            throw new IpcException("notifier needs a buffer and a channel file: buffer=" + buffer
                + ", channelFile=" + channelFile);
        }
        if (areaOffset < 0 || areaOffset % NotifierDescriptor.AREA_ALIGNMENT != 0
            || (long)areaOffset + AREA_LENGTH > buffer.capacity())
        {
            throw new IpcException("notifier area misplaced: channel=" + channelFile + ", areaOffset=" + areaOffset
                + ", areaLength=" + AREA_LENGTH + ", capacity=" + buffer.capacity()
                + "; the offset must be a multiple of " + NotifierDescriptor.AREA_ALIGNMENT + " inside the header");
        }
    }

    private static String futexProblem(final AtomicBuffer buffer, final int areaOffset)
    {
        if (!futexAvailable())
        {
            return futexUnavailableReason();
        }
        if (buffer.byteArray() != null)
        {
            return "buffer is on the heap, a futex needs shared off-heap memory";
        }
        if (((buffer.addressOffset() + areaOffset) & 3) != 0)
        {
            return "waiter word not 4-byte aligned: address=" + (buffer.addressOffset() + areaOffset);
        }
        return "";
    }

    private static boolean futexAvailable()
    {
        try
        {
            return Futex.isAvailable();
        }
        catch (final LinkageError | RuntimeException ex)
        {
            // The layer's static initialiser guards itself; this catches what escapes (e.g. a broken jar).
            return false;
        }
    }

    private static String futexUnavailableReason()
    {
        try
        {
            return Futex.unavailableReason();
        }
        catch (final LinkageError | RuntimeException ex)
        {
            return "futex class failed to load: " + ex;
        }
    }

    private static String propertyValue()
    {
        return System.getProperty(NOTIFIER_PROP_NAME, NOTIFIER_DEFAULT).trim().toLowerCase(Locale.ROOT);
    }

    private static NotifierKind configuredKind(final NotifierKind requested)
    {
        if (requested != null && requested != NotifierKind.AUTO)
        {
            return requested;
        }
        try
        {
            return NotifierKind.parse(propertyValue());
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IpcException("invalid setting: " + NOTIFIER_PROP_NAME + "=" + propertyValue()
                + "; accepted values are auto, futex, unix-socket", ex);
        }
    }
}
