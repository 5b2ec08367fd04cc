package io.ipcgateway.examples.gateway.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ipcgateway.examples.ChildJvm;
import io.ipcgateway.examples.CommandRunner;
import io.ipcgateway.examples.DemoCleanup;
import io.ipcgateway.examples.ExitCode;
import io.ipcgateway.examples.gateway.GatewayMain;
import io.ipcgateway.examples.gateway.GatewayStartException;
import io.ipcgateway.examples.nats.LocalNatsServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/ipc gateway-demo}: the IPC gateway end to end on this machine. Starts a {@code nats-server} on a free
 * loopback port, the gateway JVM ({@code bin/ipc gateway} with a generated configuration), a responder JVM connected
 * to NATS directly, and a client JVM that publishes, requests and subscribes through the gateway; prints a table;
 * then stops everything and removes its working folder (the service's shared-memory files, the configuration and
 * the NATS log), also on Ctrl-C. Exit codes: 0 done and clean, 1 a step failed or something was left behind (the
 * message says which), 2 bad usage.
 */
@Command(name = "ipc gateway-demo", mixinStandardHelpOptions = true, version = "ipc gateway-demo 0.1.0",
    description = "Run the IPC gateway end to end: nats-server, the gateway, a NATS responder and a local client " +
        "(publish, request, subscribe); print a table; leave nothing behind.")
public final class GatewayDemoMain implements Callable<Integer>
{
    /** The subject the responder answers. */
    public static final String ECHO_SUBJECT = "demo.echo";

    private static final int EXIT_AFTER_SIGTERM = 143;
    private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long CLIENT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(180);
    private static final long STOP_GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final Pattern RESULT = Pattern.compile("RESULT requests=(\\d+) requestsOk=(\\d+) p50Us=(\\d+) " +
        "p99Us=(\\d+) publishes=(\\d+) published=(\\d+) received=(\\d+)");
    private static final Pattern METRICS = Pattern.compile("METRICS url=(\\S+)");

    @Option(names = "--dir", paramLabel = "DIR", description = {"Folder in which the demo makes its working folder " +
        "(shared-memory files, configuration, NATS log), default /dev/shm."})
    private Path dir;

    @Option(names = "--requests", defaultValue = "1000", paramLabel = "N",
        description = "Requests the client makes (default: ${DEFAULT-VALUE}).")
    private int requests;

    @Option(names = "--publishes", defaultValue = "1000", paramLabel = "N", description = "One-way publishes the " +
        "client makes (default: ${DEFAULT-VALUE}); each comes back to its subscription.")
    private int publishes;

    @Option(names = "--nats-server", paramLabel = "PATH", description = "The nats-server binary (default: found on " +
        "the PATH or in /usr/sbin, /usr/local/sbin, /usr/local/bin, /usr/bin).")
    private Path natsServer;

    private PrintStream out = System.out;
    private PrintStream err = System.err;
    private final List<ChildJvm> children = new ArrayList<>();
    private final Thread cleanupHook = new Thread(this::cleanUpOnSignal, "gateway-demo-cleanup");
    private LocalNatsServer nats;
    private Path workDir;
    private boolean cleanedUp;
    private volatile boolean interrupted;

    /**
     * Runs the demo and exits with its code.
     *
     * @param args the command line; {@code --help} describes it.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the demo without exiting the JVM.
     *
     * @param args the command line.
     * @param out  where the narration, the children's output and the table go.
     * @param err  where errors go.
     * @return the exit code.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        final GatewayDemoMain main = new GatewayDemoMain();
        main.out = out;
        main.err = err;
        return CommandRunner.run(main, args, out, err);
    }

    @Override
    public Integer call() throws IOException, InterruptedException
    {
        if (requests < 1 || publishes < 0)
        {
            err.println("ipc gateway-demo: --requests must be 1 or more and --publishes 0 or more");
            return ExitCode.USAGE;
        }
        final Path binary = natsServer != null ? natsServer : LocalNatsServer.findBinary();
        if (binary == null)
        {
            err.println("ipc gateway-demo: nats-server is not installed: it was looked for on the PATH and in " +
                LocalNatsServer.SEARCH_PATH + " (" + LocalNatsServer.HOW_TO_INSTALL + ", or pass --nats-server PATH)");
            return ExitCode.FAILED;
        }
        if (!Files.isRegularFile(binary) || !Files.isExecutable(binary))
        {
            err.println("ipc gateway-demo: --nats-server " + binary + " is not an executable file");
            return ExitCode.FAILED;
        }
        final Path parent = dir != null ? dir : Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") :
            Path.of(System.getProperty("java.io.tmpdir"));
        workDir = createWorkDir(parent);
        Runtime.getRuntime().addShutdownHook(cleanupHook);
        boolean ok = false;
        try
        {
            ok = runSteps(binary);
        }
        catch (final GatewayStartException ex)
        {
            err.println("ipc gateway-demo: " + ex.getMessage());
        }
        finally
        {
            if (!interrupted)
            {
                final boolean clean = cleanUp();
                Runtime.getRuntime().removeShutdownHook(cleanupHook);
                if (clean)
                {
                    out.printf(Locale.ROOT, "%nCleanup: everything the demo started exited, %s was removed.%n",
                        workDir);
                }
                ok &= clean;
            }
        }
        if (ok)
        {
            out.printf(Locale.ROOT, "By hand: nats-server -a 127.0.0.1 -p 4222, then bin/ipc gateway --config " +
                "docs/gateway-example.yml (see docs/gateway.md).%n");
        }
        return ok ? ExitCode.OK : ExitCode.FAILED;
    }

    private boolean runSteps(final Path binary) throws IOException, InterruptedException
    {
        // Short: the service's wake-up socket path must fit a Unix-domain socket's 107 bytes.
        final String service = "gwdemo";
        out.printf(Locale.ROOT, "IPC gateway demo%n  Local client JVM --shared memory--> gateway JVM --NATS--> " +
            "nats-server --> responder JVM, and back.%n  Working folder: %s (removed at the end)%n%n", workDir);

        out.printf(Locale.ROOT, "[1/5] Starting nats-server (%s) on a free loopback port...%n", binary);
        synchronized (this)
        {
            if (interrupted)
            {
                return false;
            }
            try
            {
                nats = LocalNatsServer.builder().binary(binary).log(workDir.resolve("nats-server.log"))
                    .serverName("ipc-gateway-demo").start();
            }
            catch (final IOException ex)
            {
                throw new GatewayStartException(ex.getMessage(), ex);
            }
        }
        out.printf(Locale.ROOT, "  (nats-server started: pid %d, %s)%n%n", nats.pid(), nats.url());

        final Path config = workDir.resolve("gateway.yml");
        Files.writeString(config, String.join("\n",
            "service: " + service,
            "directory: " + workDir,
            "nats:",
            "  url: " + nats.url(),
            "metrics:",
            "  enabled: true",
            "  port: 0",
            ""));
        out.printf(Locale.ROOT, "[2/5] Starting the gateway (service '%s', config %s)...%n", service, config);
        final StringBuilder gatewayOutput = new StringBuilder();
        final ChildJvm gateway = start("gateway", GatewayMain.class, List.of("--config", config.toString()), "READY",
            gatewayOutput);
        if (!gateway.awaitReady(START_TIMEOUT_NANOS))
        {
            err.println("ipc gateway-demo: the gateway exited or did not print READY in time; see its output above");
            return false;
        }
        out.printf(Locale.ROOT, "%n[3/5] Starting the responder (jnats, connected to nats-server directly, " +
            "answers %s)...%n", ECHO_SUBJECT);
        final ChildJvm responder = start("responder", GatewayDemoResponderMain.class,
            List.of("--nats", nats.url()), "READY");
        if (!responder.awaitReady(START_TIMEOUT_NANOS))
        {
            err.println("ipc gateway-demo: the responder exited or did not print READY in time; see its output " +
                "above");
            return false;
        }

        out.printf(Locale.ROOT, "%n[4/5] Running the client: subscribe to %s, %d one-way publishes to %s (each " +
            "comes back through NATS), %d requests to %s...%n", GatewayDemoClientMain.EVENTS_PATTERN, publishes,
            GatewayDemoClientMain.EVENTS_SUBJECT, requests, ECHO_SUBJECT);
        final StringBuilder clientOutput = new StringBuilder();
        final ChildJvm client = start("client", GatewayDemoClientMain.class, List.of("--service", service,
            "--dir", workDir.toString(), "--requests", Integer.toString(requests),
            "--publishes", Integer.toString(publishes)), null, clientOutput);
        final boolean exited = client.awaitExit(CLIENT_TIMEOUT_NANOS);
        if (interrupted)
        {
            return false;
        }
        if (!exited)
        {
            err.println("ipc gateway-demo: the client did not finish in time");
            return false;
        }
        final Matcher result;
        synchronized (clientOutput)
        {
            result = RESULT.matcher(clientOutput.toString());
        }
        final boolean clientOk = client.exitCode() == ExitCode.OK;
        if (!result.find())
        {
            err.println("ipc gateway-demo: the client exited with code " + client.exitCode() + " without a RESULT " +
                "line; see its output above");
            return false;
        }

        final String health = health(gatewayOutput);
        out.printf(Locale.ROOT, "%n[5/5] Stopping the responder, the gateway (SIGTERM: it drains, flushes NATS and " +
            "removes its files) and nats-server...%n");
        boolean ok = stopChild(responder) & stopChild(gateway);
        nats.close();
        ok &= !nats.isAlive();
        final Path serviceDir = workDir.resolve(service);
        if (Files.exists(serviceDir))
        {
            err.printf(Locale.ROOT, "ipc gateway-demo: the gateway left its service folder %s behind%n", serviceDir);
            ok = false;
        }
        else
        {
            out.printf(Locale.ROOT, "  The gateway removed its shared-memory files (%s is gone).%n", serviceDir);
        }
        printTable(result);
        out.printf(Locale.ROOT, "%n  The gateway's /health said %s after the run (its /metrics and /health are " +
            "described in docs/gateway.md).%n", health);
        if (!clientOk)
        {
            err.println("ipc gateway-demo: the client saw failures (exit code " + client.exitCode() + "); see above");
        }
        return ok && clientOk;
    }

    /** The gateway's {@code /health} status, read over HTTP from the URL of its METRICS line. */
    private static String health(final StringBuilder gatewayOutput)
    {
        final Matcher url;
        synchronized (gatewayOutput)
        {
            url = METRICS.matcher(gatewayOutput.toString());
        }
        if (!url.find())
        {
            return "nothing (no METRICS line)";
        }
        try
        {
            final HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url.group(1) + "/health")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
            return new ObjectMapper().readTree(response.body()).path("status").asText("?") + " (HTTP " +
                response.statusCode() + ", " + url.group(1) + "/health)";
        }
        catch (final IOException ex)
        {
            return "nothing (" + ex.getMessage() + ")";
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "nothing (interrupted)";
        }
    }

    private boolean stopChild(final ChildJvm child)
    {
        final boolean polite = child.stop(STOP_GRACE_NANOS);
        forget(child);
        if (!polite)
        {
            err.printf(Locale.ROOT, "ipc gateway-demo: the %s did not stop within %d s of SIGTERM and was killed%n",
                child.label(), TimeUnit.NANOSECONDS.toSeconds(STOP_GRACE_NANOS));
            return false;
        }
        if (child.exitCode() != ExitCode.OK && child.exitCode() != EXIT_AFTER_SIGTERM)
        {
            err.printf(Locale.ROOT, "ipc gateway-demo: the %s exited with code %d%n", child.label(), child.exitCode());
            return false;
        }
        return true;
    }

    private void printTable(final Matcher result)
    {
        out.printf(Locale.ROOT, "%nResults (one client; latency in microseconds, the full round trip client -> " +
            "gateway -> NATS -> responder and back):%n%n");
        final String format = "  %10s %10s %8s %8s %10s %10s%n";
        out.printf(Locale.ROOT, format, "requests", "answered", "p50", "p99", "publishes", "received");
        out.printf(Locale.ROOT, format, result.group(1), result.group(2), result.group(3), result.group(4),
            result.group(6), result.group(7));
        out.printf(Locale.ROOT, "%n  answered = correct replies; received = publishes that came back to the client's " +
            "subscription through NATS.%n");
    }

    private ChildJvm start(final String label, final Class<?> mainClass, final List<String> args, final String ready)
        throws InterruptedException
    {
        return start(label, mainClass, args, ready, null);
    }

    private ChildJvm start(final String label, final Class<?> mainClass, final List<String> args, final String ready,
        final StringBuilder capture) throws InterruptedException
    {
        synchronized (this)
        {
            if (interrupted)
            {
                throw new InterruptedException("interrupted before starting the " + label);
            }
            final PrintStream target = capture == null ? out : new PrintStream(new java.io.OutputStream()
            {
                @Override
                public void write(final int b)
                {
                    synchronized (capture)
                    {
                        capture.append((char)b);
                    }
                    out.write(b);
                }
            }, true, StandardCharsets.UTF_8);
            final ChildJvm child = ChildJvm.start(label, mainClass, args, ready, target);
            children.add(child);
            out.printf(Locale.ROOT, "  (%s JVM started: pid %d)%n", label, child.pid());
            return child;
        }
    }

    private synchronized void forget(final ChildJvm child)
    {
        children.remove(child);
    }

    private void cleanUpOnSignal()
    {
        interrupted = true;
        out.printf(Locale.ROOT, "%nInterrupted: stopping the child JVMs and nats-server, removing %s...%n", workDir);
        if (cleanUp())
        {
            out.printf(Locale.ROOT, "Cleanup done: nothing left running, %s removed.%n", workDir);
        }
        out.flush();
    }

    /** Stops whatever still runs and deletes the working folder; once, from the main thread or the Ctrl-C hook. */
    private synchronized boolean cleanUp()
    {
        if (cleanedUp)
        {
            return true;
        }
        cleanedUp = true;
        boolean ok = DemoCleanup.stopChildren(children, STOP_GRACE_NANOS);
        if (nats != null)
        {
            nats.close();
            ok &= !nats.isAlive();
        }
        return DemoCleanup.removeWorkDir(workDir, err, "ipc gateway-demo") && ok;
    }

    /** A new folder with a short name (socket paths under it must stay short), owner-only. */
    private static Path createWorkDir(final Path parent) throws IOException
    {
        final long pid = ProcessHandle.current().pid();
        for (int attempt = 0; ; attempt++)
        {
            final Path candidate = parent.resolve("gwdemo-" + pid + (attempt == 0 ? "" : "-" + attempt));
            try
            {
                return Files.createDirectory(candidate,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            catch (final FileAlreadyExistsException taken)
            {
                // A folder of an earlier demo with the same pid: take the next name.
            }
        }
    }
}
