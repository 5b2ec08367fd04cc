package io.ipcgateway.core;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Checks, once per JVM, that Agrona can reach the JDK internals it needs.
 * <p>
 * Agrona 2.x fails at first use with a bare {@link IllegalAccessError} from {@code org.agrona.UnsafeApi}
 * unless the JVM runs with {@value #ADD_OPENS_FLAG}. Every entry point of IPC Gateway calls
 * {@link #ensureAgronaAccess()} so users get an error that names the flag and where to put it instead.
 */
public final class JvmAccess
{
    /** The flag Agrona 2.x needs on the {@code java} command line. */
    public static final String ADD_OPENS_FLAG = "--add-opens java.base/jdk.internal.misc=ALL-UNNAMED";

    private static volatile boolean checked;

    private JvmAccess()
    {
    }

    /**
     * Touches Agrona's unsafe access path and translates a failure into a {@link JvmAccessException}.
     *
     * @throws JvmAccessException when the JVM lacks {@value #ADD_OPENS_FLAG}.
     */
    public static void ensureAgronaAccess()
    {
        if (checked)
        {
            return;
        }
        try
        {
            final UnsafeBuffer probe = new UnsafeBuffer(new byte[Long.BYTES]);
            probe.putLongVolatile(0, 1L);
            checked = true;
        }
        catch (final LinkageError | RuntimeException ex)
        {
            throw new JvmAccessException(missingFlagMessage(), ex);
        }
    }

    /**
     * The message given when Agrona cannot reach the JDK internals.
     *
     * @return what is missing and where to add it.
     */
    static String missingFlagMessage()
    {
        return "Agrona cannot access jdk.internal.misc: start the JVM with " + ADD_OPENS_FLAG
            + " (add it to the java command, to JAVA_TOOL_OPTIONS, or to Maven Surefire/Failsafe <argLine>;"
            + " bin/ipc passes it already)";
    }
}
