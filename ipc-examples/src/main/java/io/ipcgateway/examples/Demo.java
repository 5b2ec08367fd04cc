package io.ipcgateway.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One run of the demo: a working folder, a server JVM, two client JVM runs, a table, and cleanup that also
 * runs on Ctrl-C (from a shutdown hook).
 */
final class Demo
{
    /** The service the demo's server publishes. */
    static final String SERVICE = "demo-echo";

    /** How a JVM exits after running its shutdown hooks on SIGTERM: 128 + signal 15. */
    private static final int EXIT_AFTER_SIGTERM = 143;
    private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long STOP_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long CLIENT_SLACK_NANOS = TimeUnit.SECONDS.toNanos(40);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> FIGURES = new TypeReference<>()
    {
    };

    private final DemoOptions options;
    private final PrintStream out;
    private final PrintStream err;
    private final List<ChildJvm> children = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();
    private final Thread cleanupHook = new Thread(this::cleanUpOnSignal, "ipc-demo-cleanup");
    private Path workDir;
    private boolean cleanedUp;
    private volatile boolean interrupted;

    private record Row(LoadMode mode, Map<String, Object> figures)
    {
    }

    Demo(final DemoOptions options, final PrintStream out, final PrintStream err)
    {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    int run() throws IOException, InterruptedException
    {
        workDir = Files.createTempDirectory(options.dir(), "ipc-demo-");
        Runtime.getRuntime().addShutdownHook(cleanupHook);
        boolean ok = false;
        try
        {
            ok = runSteps();
        }
        finally
        {
            if (!interrupted)
            {
                final boolean clean = cleanUp();
                Runtime.getRuntime().removeShutdownHook(cleanupHook);
                ok &= clean;
            }
        }
        if (ok)
        {
            printNextSteps();
        }
        return ok ? ExitCode.OK : ExitCode.FAILED;
    }

    private boolean runSteps() throws InterruptedException, IOException
    {
        final double seconds = options.durationNanos() / 1e9;
        out.printf(Locale.ROOT, "IPC Gateway demo%n");
        out.printf(Locale.ROOT, "  An echo server and a load client run as two separate JVMs and talk through shared"
            + " memory.%n");
        out.printf(Locale.ROOT, "  Working folder: %s (removed at the end)%n%n", workDir);

        out.printf(Locale.ROOT, "[1/4] Starting the echo server (service '%s')...%n", SERVICE);
        final ChildJvm server = start("server", EchoServerMain.class, List.of(
            "--service", SERVICE, "--dir", workDir.toString(), "--idle", idleName()), "READY");
        if (!server.awaitReady(START_TIMEOUT_NANOS))
        {
            err.printf(Locale.ROOT, "%s: the server did not print READY within %d s; see its output above%n",
                DemoOptions.COMMAND, TimeUnit.NANOSECONDS.toSeconds(START_TIMEOUT_NANOS));
            return false;
        }
        out.printf(Locale.ROOT, "  The service's files are in %s%n%n", workDir.resolve(SERVICE));

        out.printf(Locale.ROOT, "[2/4] One-way: %s %d-byte messages for %.1f s;"
            + " then the client asks the server how many it received...%n", clientThreadsSend(), options.size(),
            seconds);
        boolean ok = runClient(LoadMode.ONEWAY);
        if (ok && !interrupted)
        {
            out.printf(Locale.ROOT, "%n[3/4] Request/response: %s %d-byte requests for %.1f s, each waiting for"
                + " its echo...%n", clientThreadsSend(), options.size(), seconds);
            ok = runClient(LoadMode.RR);
        }
        if (interrupted)
        {
            return false;
        }

        out.printf(Locale.ROOT, "%n[4/4] Stopping the server with SIGTERM, as Ctrl-C would...%n");
        final boolean polite = server.stop(STOP_GRACE_NANOS);
        forget(server);
        if (!polite)
        {
            err.printf(Locale.ROOT, "%s: the server did not stop within %d s of SIGTERM and was killed%n",
                DemoOptions.COMMAND, TimeUnit.NANOSECONDS.toSeconds(STOP_GRACE_NANOS));
            ok = false;
        }
        else if (server.exitCode() != ExitCode.OK && server.exitCode() != EXIT_AFTER_SIGTERM)
        {
            err.printf(Locale.ROOT, "%s: the server exited with code %d%n", DemoOptions.COMMAND, server.exitCode());
            ok = false;
        }
        final List<Path> leftovers = listFiles(workDir);
        if (leftovers.isEmpty())
        {
            out.printf(Locale.ROOT, "  The server removed its files: %s is empty.%n", workDir);
        }
        else
        {
            err.printf(Locale.ROOT, "%s: the server left files behind: %s%n", DemoOptions.COMMAND, leftovers);
            ok = false;
        }
        printTable();
        return ok;
    }

    private boolean runClient(final LoadMode mode) throws InterruptedException, IOException
    {
        final Path json = workDir.resolve(mode.cliName() + "-figures.json");
        final ChildJvm client = start("client", LoadClientMain.class, List.of(
            "--service", SERVICE, "--dir", workDir.toString(),
            "--clients", Integer.toString(options.clients()),
            "--duration", TimeUnit.NANOSECONDS.toMillis(options.durationNanos()) + "ms",
            "--size", Integer.toString(options.size()),
            "--mode", mode.cliName(),
            "--idle", idleName(),
            "--json", json.toString()), null);
        try
        {
            final boolean exited = client.awaitExit(options.durationNanos() + CLIENT_SLACK_NANOS);
            if (interrupted)
            {
                return false;
            }
            if (!exited)
            {
                err.printf(Locale.ROOT, "%s: the %s client did not finish in time and was stopped%n",
                    DemoOptions.COMMAND, mode.cliName());
                return false;
            }
            if (client.exitCode() != ExitCode.OK)
            {
                err.printf(Locale.ROOT, "%s: the %s client failed with exit code %d; see its output above%n",
                    DemoOptions.COMMAND, mode.cliName(), client.exitCode());
                return false;
            }
            rows.add(new Row(mode, JSON.readValue(json.toFile(), FIGURES)));
            return true;
        }
        finally
        {
            client.close();
            forget(client);
            Files.deleteIfExists(json);
        }
    }

    private ChildJvm start(final String label, final Class<?> mainClass, final List<String> args, final String ready)
        throws InterruptedException
    {
        synchronized (this)
        {
            if (interrupted)
            {
                // Ctrl-C came between two steps: start nothing more, the shutdown hook is cleaning up.
                throw new InterruptedException("interrupted before starting the " + label);
            }
            final ChildJvm child = ChildJvm.start(label, mainClass, args, ready, out);
            children.add(child);
            out.printf(Locale.ROOT, "  (%s JVM started: pid %d)%n", label, child.pid());
            return child;
        }
    }

    private synchronized void forget(final ChildJvm child)
    {
        children.remove(child);
    }

    private void printTable()
    {
        if (rows.isEmpty())
        {
            return;
        }
        out.printf(Locale.ROOT, "%nResults: %d client thread%s, %d-byte messages, %.1f s per run, idle %s."
            + " Latency in microseconds:%n  oneway measures the time to offer a message, rr the full round trip.%n%n",
            options.clients(), options.clients() == 1 ? "" : "s", options.size(), options.durationNanos() / 1e9,
            idleName());
        final String format = "  %-7s %12s %12s %9s %8s %8s %8s %8s %9s %9s %8s%n";
        out.printf(Locale.ROOT, format, "mode", "messages", "msg/s", "MB/s", "p50", "p90", "p99", "p99.9", "max",
            "fairness", "missing");
        for (final Row row : rows)
        {
            final Map<String, Object> f = row.figures();
            out.printf(Locale.ROOT, format, row.mode().cliName(),
                f.get("messagesConfirmed"),
                String.format(Locale.ROOT, "%,.0f", number(f, "messagesPerSecond")),
                String.format(Locale.ROOT, "%.1f", number(f, "megabytesPerSecond")),
                micros(f, "latencyP50Micros"), micros(f, "latencyP90Micros"), micros(f, "latencyP99Micros"),
                micros(f, "latencyP999Micros"), micros(f, "latencyMaxMicros"),
                options.clients() == 1 ? "-" : String.format(Locale.ROOT, "%.2f", number(f, "fairness")),
                f.get("messagesMissing"));
        }
        out.printf(Locale.ROOT, "%n  fairness = slowest client's completions / median client's (1.00 = even)%n");
    }

    private void printNextSteps()
    {
        out.printf(Locale.ROOT, "%nCleanup: both client JVMs and the server JVM exited, %s was removed.%n", workDir);
        out.printf(Locale.ROOT, "Try it by hand:  bin/ipc server --service echo%n"
            + "  and in a second terminal:  bin/ipc client --service echo --clients 4 --messages 100000 --mode rr%n");
    }

    private void cleanUpOnSignal()
    {
        interrupted = true;
        out.printf(Locale.ROOT, "%nInterrupted: stopping the child JVMs and removing %s...%n", workDir);
        if (cleanUp())
        {
            out.printf(Locale.ROOT, "Cleanup done: no child JVM left running, %s removed.%n", workDir);
        }
    }

    /**
     * Stops every child still running and deletes the working folder; runs once, from the main thread or from
     * the shutdown hook on Ctrl-C, whichever comes first.
     */
    private synchronized boolean cleanUp()
    {
        if (cleanedUp)
        {
            return true;
        }
        cleanedUp = true;
        final boolean stopped = DemoCleanup.stopChildren(children, STOP_GRACE_NANOS);
        return DemoCleanup.removeWorkDir(workDir, err, DemoOptions.COMMAND) && stopped;
    }

    private String clientThreadsSend()
    {
        return options.clients() == 1 ? "1 client thread sends" : options.clients() + " client threads send";
    }

    private String idleName()
    {
        return options.idle().name().toLowerCase(Locale.ROOT);
    }

    private static double number(final Map<String, Object> figures, final String name)
    {
        final Object value = figures.get(name);
        return value instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String micros(final Map<String, Object> figures, final String name)
    {
        return String.format(Locale.ROOT, "%.1f", number(figures, name));
    }

    private static List<Path> listFiles(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.walk(dir))
        {
            return files.filter((p) -> !p.equals(dir)).toList();
        }
    }
}
