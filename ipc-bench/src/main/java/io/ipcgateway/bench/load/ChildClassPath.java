package io.ipcgateway.bench.load;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarFile;

import io.ipcgateway.bench.transport.Transports;

/**
 * The class path and extra JVM flags of a run's child JVMs, by transport. Chronicle Queue needs JVM flags of its own
 * and starts background machinery when loaded, so it is kept out of every other transport's JVMs: their class path
 * is this JVM's without the jars that hold Chronicle's classes ({@code net/openhft/...}: chronicle-*, affinity,
 * posix, compiler), so nothing in them can load Chronicle even by accident; only a {@code chronicle} run's JVMs get
 * those jars, and Chronicle's flags.
 * <p>
 * Chronicle's own third-party dependencies that hold no {@code net/openhft} classes (jna, jnr, asm, slf4j-api) stay
 * on every class path: without Chronicle nothing loads them.
 */
public final class ChildClassPath
{
    /**
     * Chronicle Queue 5.25's JVM flags on JDK 17+, from its Java 17 support notes (chronicle.software,
     * "chronicle-support-java-17"), the same as the audit bench's Chronicle fork; its usage analytics and start-up
     * banner switched off.
     */
    public static final List<String> CHRONICLE_JVM_FLAGS = List.of(
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
        "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-opens=java.base/java.io=ALL-UNNAMED",
        "--add-opens=java.base/java.util=ALL-UNNAMED",
        "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "-Dchronicle.analytics.disable=true",
        "-Dchronicle.announcer.disable=true",
        "-Djvm.resource.tracing=false");
    private static final String CHRONICLE_PACKAGE = "net/openhft/";
    private static final Map<String, Boolean> HOLDS_CHRONICLE = new ConcurrentHashMap<>();

    private ChildClassPath()
    {
    }

    /**
     * The extra JVM flags of a transport's child JVMs.
     *
     * @param transport the transport's name.
     * @return Chronicle's flags for {@code chronicle}, else none.
     */
    public static List<String> jvmFlags(final String transport)
    {
        return Transports.CHRONICLE.equals(transport) ? CHRONICLE_JVM_FLAGS : List.of();
    }

    /**
     * The class path of a transport's child JVMs.
     *
     * @param transport the transport's name.
     * @return this JVM's class path for {@code chronicle}, else that class path without Chronicle's jars.
     */
    public static String of(final String transport)
    {
        final String classPath = System.getProperty("java.class.path");
        return Transports.CHRONICLE.equals(transport) ? classPath : withoutChronicle(classPath);
    }

    /**
     * A class path without the jars that hold Chronicle's classes.
     *
     * @param classPath entries separated by {@link File#pathSeparator}.
     * @return the same entries in the same order, less every jar with classes under {@code net/openhft/}.
     */
    public static String withoutChronicle(final String classPath)
    {
        final List<String> kept = new ArrayList<>();
        for (final String entry : entries(classPath))
        {
            if (!HOLDS_CHRONICLE.computeIfAbsent(entry, ChildClassPath::holdsChronicle))
            {
                kept.add(entry);
            }
        }
        return String.join(File.pathSeparator, kept);
    }

    /**
     * Whether a class path entry is a jar with Chronicle's classes in it; folders (ours, in a build) never are.
     *
     * @param entry a class path entry.
     * @return true for a jar holding {@code net/openhft/} entries.
     */
    static boolean holdsChronicle(final String entry)
    {
        final File file = new File(entry);
        if (!file.isFile() || !entry.endsWith(".jar"))
        {
            return false;
        }
        try (JarFile jar = new JarFile(file))
        {
            return jar.stream().anyMatch(e -> e.getName().startsWith(CHRONICLE_PACKAGE));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read class path entry " + entry, ex);
        }
    }

    /**
     * The entries of a class path, for messages and tests.
     *
     * @param classPath entries separated by {@link File#pathSeparator}.
     * @return the entries.
     */
    static List<String> entries(final String classPath)
    {
        return Arrays.stream(classPath.split(File.pathSeparator)).filter(e -> !e.isEmpty()).toList();
    }
}
