package io.ipcgateway.shm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Identity of processes, as written into channel headers: pid, start time (to defeat pid reuse) and uid.
 */
final class ProcessInfo
{
    /** Start time written when /proc is not available: identity then rests on the pid alone. */
    static final long UNKNOWN_START_TIME = -1;

    private static final long PID = ProcessHandle.current().pid();
    private static final long START_TIME = startTime(PID);
    private static final int UID = uid();
    private static final long PID_NAMESPACE = readPidNamespace();

    private ProcessInfo()
    {
    }

    static long pid()
    {
        return PID;
    }

    static long startTime()
    {
        return START_TIME;
    }

    static int currentUid()
    {
        return UID;
    }

    /**
     * This process's pid namespace: the inode number of {@code /proc/self/ns/pid} ({@code pid:[4026531836]}).
     *
     * @return the namespace id, or 0 when it cannot be read.
     */
    static long pidNamespace()
    {
        return PID_NAMESPACE;
    }

    /**
     * The liveness verdict on a peer: dead when its heartbeat is older than the timeout and, seen from here, its
     * process is gone too (see {@link #isOwnerAlive}).
     *
     * @param file              the peer's channel file.
     * @param nowNs             the monotonic time now.
     * @param livenessTimeoutNs how old a heartbeat may be.
     * @return true when the peer is dead.
     */
    static boolean isOwnerDead(final ChannelFile file, final long nowNs, final long livenessTimeoutNs)
    {
        return nowNs - file.heartbeatNs() > livenessTimeoutNs && !isOwnerAlive(file, nowNs, livenessTimeoutNs);
    }

    /**
     * Whether the process that owns a channel file is alive. In our pid namespace (or when either side does not know
     * its namespace) its pid and start time tell. In another one (a container) its pid names another process here,
     * or none, so only its heartbeat tells: alive while younger than the liveness timeout.
     *
     * @param file              the channel file.
     * @param nowNs             the monotonic time now.
     * @param livenessTimeoutNs how old a heartbeat may be.
     * @return true when the owner looks alive.
     */
    static boolean isOwnerAlive(final ChannelFile file, final long nowNs, final long livenessTimeoutNs)
    {
        final long namespace = file.ownerPidNamespace();
        if (namespace != 0 && PID_NAMESPACE != 0 && namespace != PID_NAMESPACE)
        {
            return nowNs - file.heartbeatNs() <= livenessTimeoutNs;
        }
        return isAlive(file.ownerPid(), file.ownerStartTime());
    }

    /**
     * The start time of a process in clock ticks since boot, field 22 of {@code /proc/PID/stat}.
     *
     * @param pid the process.
     * @return its start time, or {@link #UNKNOWN_START_TIME} when it does not exist or /proc is unavailable.
     */
    static long startTime(final long pid)
    {
        try
        {
            final String stat = new String(
                Files.readAllBytes(Paths.get("/proc", Long.toString(pid), "stat")), StandardCharsets.US_ASCII);
            // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
            final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return Long.parseLong(fields[19]);
        }
        catch (final IOException | RuntimeException ex)
        {
            return UNKNOWN_START_TIME;
        }
    }

    /**
     * Whether the process that wrote a header is still running: same pid and same start time.
     *
     * @param pid       owner pid from the header.
     * @param startTime owner start time from the header.
     * @return true when alive (or when it cannot be told, e.g. without /proc).
     */
    static boolean isAlive(final long pid, final long startTime)
    {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
        {
            return false;
        }
        return startTime == UNKNOWN_START_TIME || startTime(pid) == startTime || startTime(pid) == UNKNOWN_START_TIME;
    }

    /**
     * The uid owning a file, read without following links.
     *
     * @param file the file.
     * @return its uid, or -1 when the file system does not tell.
     */
    static int uidOf(final Path file)
    {
        try
        {
            return ((Number)Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS)).intValue();
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }

    private static long readPidNamespace()
    {
        try
        {
            final String link = Files.readSymbolicLink(Paths.get("/proc/self/ns/pid")).toString();
            final int open = link.indexOf('[');
            final int close = link.indexOf(']', open + 1);
            return open < 0 || close < 0 ? 0 : Long.parseLong(link.substring(open + 1, close));
        }
        catch (final IOException | RuntimeException ex)
        {
            return 0;
        }
    }

    private static int uid()
    {
        try
        {
            final Path self = Paths.get("/proc", Long.toString(PID));
            return ((Number)Files.getAttribute(self, "unix:uid", LinkOption.NOFOLLOW_LINKS)).intValue();
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }
}
