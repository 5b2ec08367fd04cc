package io.ipcgateway.bench.load;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which CPUs the server JVM and the client JVMs of a run may use ({@code --pin 0/1}), applied with {@code taskset -c}
 * as the children start, the same for every transport. Unpinned ({@link #NONE}) by default: the kernel places the
 * threads, and on a machine with more runnable threads than cores it may put clients on the server's core.
 *
 * @param serverCpus CPU list of the server JVM in taskset's syntax (e.g. {@code 0}), or null when unpinned.
 * @param clientCpus CPU list of the client JVMs (e.g. {@code 1-3}), or null when unpinned.
 */
public record CpuPinning(String serverCpus, String clientCpus)
{
    /** No pinning. */
    public static final CpuPinning NONE = new CpuPinning(null, null);

    private static final Pattern CPU_LIST = Pattern.compile("[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*");
    private static final String TASKSET = "taskset";

    /**
     * Parses {@code --pin}.
     *
     * @param text {@code SERVER_CPUS/CLIENT_CPUS} in taskset's list syntax, or null for none.
     * @return the pinning.
     * @throws IllegalArgumentException naming the option and the expected form, or when {@code taskset} is not on
     *                                  the PATH.
     */
    public static CpuPinning parse(final String text)
    {
        if (text == null)
        {
            return NONE;
        }
        final String[] parts = text.split("/", -1);
        if (parts.length != 2 || !CPU_LIST.matcher(parts[0]).matches() || !CPU_LIST.matcher(parts[1]).matches())
        {
            throw new IllegalArgumentException("--pin: expected SERVER_CPUS/CLIENT_CPUS in taskset's list syntax, "
                + "e.g. 0/1 or 0/1-3, but was " + text);
        }
        // Checked here, once, so a compare run fails before its first run rather than in every one.
        requireTaskset();
        return new CpuPinning(parts[0], parts[1]);
    }

    /**
     * @return whether the children are pinned.
     */
    public boolean isPinned()
    {
        return serverCpus != null;
    }

    /**
     * What goes before the java command of a child.
     *
     * @param server whether the child is the server JVM.
     * @return {@code taskset -c CPUS}, or nothing when unpinned.
     */
    public List<String> launcherPrefix(final boolean server)
    {
        if (!isPinned())
        {
            return List.of();
        }
        return List.of(TASKSET, "-c", server ? serverCpus : clientCpus);
    }

    /**
     * @return e.g. {@code server on CPUs 0, clients on CPUs 1}, or {@code unpinned}.
     */
    public String describe()
    {
        return isPinned() ? "server on CPUs " + serverCpus + ", clients on CPUs " + clientCpus : "unpinned";
    }

    private static void requireTaskset()
    {
        final String path = System.getenv("PATH");
        if (path != null)
        {
            for (final String dir : path.split(File.pathSeparator))
            {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, TASKSET)))
                {
                    return;
                }
            }
        }
        throw new IllegalArgumentException("--pin needs taskset on the PATH (package util-linux): PATH=" + path);
    }
}
