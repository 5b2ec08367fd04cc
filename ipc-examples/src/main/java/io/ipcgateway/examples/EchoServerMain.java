package io.ipcgateway.examples;

import io.ipcgateway.shm.ServerContext;
import io.ipcgateway.shm.ShmServer;

import java.io.PrintStream;
import java.nio.file.Files;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.ipcgateway.core.IdleMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bin/ipc server}: runs the {@linkplain EchoHandler echo service} until SIGINT or SIGTERM, then removes
 * its files. See {@link ServerOptions#SUMMARY}.
 */
@Command(name = ServerOptions.COMMAND, description = ServerOptions.SUMMARY, sortOptions = false)
public final class EchoServerMain implements Callable<Integer>
{
    /** Printed, in a line of its own, once clients can connect; scripts and the demo wait for it. */
    public static final String READY = "READY";

    private final PrintStream out;
    private final CountDownLatch stop;

    @Spec
    private CommandSpec spec;

    @Mixin
    private CommonOptions.RequiredService service;

    @Mixin
    private CommonOptions.Dir dir;

    @Option(names = "--idle", paramLabel = "spin|block", defaultValue = "block", converter = OptionValues.Idle.class,
        description = "how to wait for messages: spin burns a core, block sleeps; also yield, backoff"
            + " (default: ${DEFAULT-VALUE})")
    private IdleMode idle;

    @Option(names = "--metrics-port", paramLabel = "PORT", description = "serve Prometheus /metrics and JSON /health"
        + " on 127.0.0.1:PORT; 0 picks a free port (default: no endpoint)")
    private Integer metricsPort;

    @Mixin
    private CommonOptions.Help help;

    private EchoServerMain(final PrintStream out, final CountDownLatch stop)
    {
        this.out = out;
        this.stop = stop;
    }

    /**
     * Runs the server until the JVM is asked to stop.
     *
     * @param args the command line; {@code --help} lists the options.
     */
    public static void main(final String[] args)
    {
        final int code = run(args, System.out, System.err, new CountDownLatch(1));
        if (code != ExitCode.OK)
        {
            System.exit(code);
        }
    }

    /**
     * Runs the server until {@code stop} is released or the JVM shuts down (Ctrl-C, SIGTERM), whichever comes
     * first; either way the server is closed and its files removed before this returns or the JVM exits.
     *
     * @param args the command line.
     * @param out  where READY and the log lines go.
     * @param err  where errors go.
     * @param stop released to stop the server from within the JVM.
     * @return the exit code.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err, final CountDownLatch stop)
    {
        return CommandRunner.run(new EchoServerMain(out, stop), args, out, err);
    }

    /**
     * The options as parsed, without running anything (for tests).
     *
     * @param args the command line.
     * @return the validated options.
     * @throws picocli.CommandLine.ParameterException when an option is missing or invalid.
     */
    static ServerOptions parse(final String... args)
    {
        final EchoServerMain command = new EchoServerMain(System.out, new CountDownLatch(1));
        new CommandLine(command).parseArgs(args);
        return command.options();
    }

    @Override
    public Integer call() throws InterruptedException
    {
        return serve(options(), out, stop);
    }

    private ServerOptions options()
    {
        return new ServerOptions(service.service(), dir.dir(), idle, metricsPort == null ? ServerOptions.NO_METRICS :
            (int)OptionValues.inRange(spec, "--metrics-port", metricsPort, 0, 65535));
    }

    private static int serve(final ServerOptions options, final PrintStream out, final CountDownLatch stop)
        throws InterruptedException
    {
        final ServerContext context = new ServerContext()
            .serviceName(options.service())
            .idleMode(options.idle());
        if (options.dir() != null)
        {
            context.baseDirectory(options.dir());
        }
        final EchoHandler handler = new EchoHandler(out);
        final ServerMetrics metrics = options.metricsPort() == ServerOptions.NO_METRICS ? null : new ServerMetrics();
        final ShmServer server = ShmServer.launch(context, metrics == null ? handler : metrics.timed(handler));
        final Runnable closeOnce = new Runnable()
        {
            private boolean closed;

            @Override
            public synchronized void run()
            {
                if (!closed)
                {
                    closed = true;
                    if (metrics != null)
                    {
                        metrics.close();
                    }
                    close(server, handler, out);
                }
            }
        };
        final Thread hook = new Thread(closeOnce, "ipc-server-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (metrics != null)
        {
            final int port = metrics.start(
                options.metricsPort(), server.serviceDirectory().getParent(), options.service());
            out.printf(Locale.ROOT, "METRICS http://127.0.0.1:%d/metrics and http://127.0.0.1:%d/health%n",
                port, port);
        }

        out.printf(Locale.ROOT, "%s service=%s dir=%s idle=%s notifier=%s pid=%d%n", READY, options.service(),
            server.serviceDirectory(), options.idle().name().toLowerCase(Locale.ROOT),
            server.notifierKind() == null ? "none" : server.notifierKind().name().toLowerCase(Locale.ROOT),
            ProcessHandle.current().pid());
        out.println("Echoing requests and counting one-way messages; stop with Ctrl-C (SIGINT) or SIGTERM.");

        stop.await();
        Runtime.getRuntime().removeShutdownHook(hook);
        closeOnce.run();
        return ExitCode.OK;
    }

    private static void close(final ShmServer server, final EchoHandler handler, final PrintStream out)
    {
        server.close();
        out.printf(Locale.ROOT, "stopped: sessions=%d oneWayMessages=%d requests=%d responsesDropped=%d;"
            + " service folder %s %s%n", handler.sessionsServed(), handler.messages(), handler.requests(),
            handler.responsesDropped(), server.serviceDirectory(),
            Files.exists(server.serviceDirectory()) ? "still holds other processes' files" : "removed");
        out.flush();
    }
}
