package io.ipcgateway.core;

/**
 * What an application calls first, before it touches any Agrona buffer itself: {@link #check()} fails with a
 * {@link JvmAccessException} that names the missing flag instead of the bare {@link IllegalAccessError} Agrona 2.x
 * throws from deep inside its first buffer.
 * <pre>{@code
 * public static void main(String[] args)
 * {
 *     Jvm.check();                                   // names the flag when it is missing
 *     UnsafeBuffer buffer = new UnsafeBuffer(...);   // safe from here on
 * }
 * }</pre>
 * IPC Gateway's own entry points ({@code ShmServer.launch}, {@code ShmClient.connect}, ...) run the same check.
 */
public final class Jvm
{
    /**
     * Every flag a JVM running IPC Gateway should get: the first is required (Agrona), the second lets the futex
     * notifier call native code without a warning on JDK 22 and newer.
     */
    public static final String REQUIRED_FLAGS = JvmAccess.ADD_OPENS_FLAG + " --enable-native-access=ALL-UNNAMED";

    private Jvm()
    {
    }

    /**
     * Checks, once per JVM (later calls cost one volatile read), that Agrona can reach the JDK internals it needs.
     *
     * @throws JvmAccessException naming {@value JvmAccess#ADD_OPENS_FLAG} and where to put it, when it is missing.
     */
    public static void check()
    {
        JvmAccess.ensureAgronaAccess();
    }
}
