package io.ipcgateway.shm.notify;

import java.util.Locale;

/**
 * The blocking primitive behind a {@link Notifier}.
 */
public enum NotifierKind
{
    /**
     * Choose at open time: {@link #FUTEX} when it works on this JVM and OS, else {@link #UNIX_SOCKET};
     * the system property {@value Notifiers#NOTIFIER_PROP_NAME} can force either. See
     * {@link Notifiers#selectionReport()}.
     */
    AUTO(0),

    /**
     * A Linux futex on the waiter word itself ({@code FUTEX_WAIT}/{@code FUTEX_WAKE}, shared variants), called
     * through the Foreign Function and Memory API. Needs Linux, JDK 22+ and native access for the unnamed module.
     */
    FUTEX(1),

    /**
     * The portable fallback: the consumer listens on a Unix-domain socket next to the channel file
     * ({@code <channel file>.wake}) and producers write one byte to wake it. See {@link Notifiers} for why this
     * was chosen over a named FIFO.
     */
    UNIX_SOCKET(2);

    private final int code;

    NotifierKind(final int code)
    {
        this.code = code;
    }

    /**
     * The code the consumer writes into the shared notifier area so producers know how to wake it.
     *
     * @return a small positive number for a concrete kind, 0 for {@link #AUTO}.
     */
    public int code()
    {
        return code;
    }

    /**
     * This kind as a bit in the consumer's mask of accepted kinds ({@link NotifierDescriptor#CONSUMER_LISTENS_OFFSET}).
     *
     * @return {@code 1 << code()} for a concrete kind, 0 for {@link #AUTO}.
     */
    public int mask()
    {
        return code == 0 ? 0 : 1 << code;
    }

    /**
     * The kind with the given code.
     *
     * @param code a value of {@link #code()}.
     * @return the kind, or {@code null} when the code is unknown.
     */
    public static NotifierKind fromCode(final int code)
    {
        for (final NotifierKind kind : values())
        {
            if (kind.code == code)
            {
                return kind;
            }
        }
        return null;
    }

    /**
     * Parses a configuration value: {@code auto}, {@code futex}, {@code unix-socket} (or {@code socket},
     * {@code uds}), case-insensitive.
     *
     * @param value the configured value.
     * @return the kind.
     * @throws IllegalArgumentException naming the value and the accepted ones when it is not recognised.
     */
    public static NotifierKind parse(final String value)
    {
        final String v = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        switch (v)
        {
            case "auto":
                return AUTO;
            case "futex":
                return FUTEX;
            case "unix-socket":
            case "socket":
            case "uds":
                return UNIX_SOCKET;
            default:
                throw new IllegalArgumentException(
                    "unknown notifier kind: value=" + value + ", accepted=auto|futex|unix-socket");
        }
    }
}
