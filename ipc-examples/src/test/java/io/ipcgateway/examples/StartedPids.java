package io.ipcgateway.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The processes a demo says it started (lines like {@code (server JVM started: pid 123)}), and the check that its
 * cleanup left none of them running.
 */
final class StartedPids
{
    private static final long GONE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private StartedPids()
    {
    }

    /**
     * The pids in an output, in the order printed.
     *
     * @param started a pattern whose group 1 is a pid.
     * @param output  the demo's output.
     * @return the pids.
     */
    static List<Long> in(final Pattern started, final String output)
    {
        final List<Long> pids = new ArrayList<>();
        final Matcher matcher = started.matcher(output);
        while (matcher.find())
        {
            pids.add(Long.parseLong(matcher.group(1)));
        }
        return pids;
    }

    /** Asserts that every process is gone, or goes within 10 s. */
    static void assertGone(final List<Long> pids) throws InterruptedException
    {
        final long deadline = System.nanoTime() + GONE_TIMEOUT_NANOS;
        for (final long pid : pids)
        {
            while (isAlive(pid) && System.nanoTime() < deadline)
            {
                Thread.sleep(50);
            }
            assertThat(isAlive(pid)).as("process %d is gone", pid).isFalse();
        }
    }

    private static boolean isAlive(final long pid)
    {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
