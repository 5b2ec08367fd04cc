package io.ipcgateway.examples;

import io.ipcgateway.core.Durations;
import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.shm.ClientContext;
import io.ipcgateway.shm.ShmClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code bin/ipc client}: loads an echo service from N threads sharing one connection, prints throughput,
 * latency percentiles and fairness, optionally as JSON, and fails if any message is unaccounted for. See
 * {@link ClientOptions#SUMMARY}.
 */
@Command(name = ClientOptions.COMMAND, description = ClientOptions.SUMMARY, sortOptions = false)
public final class LoadClientMain implements Callable<Integer>
{
    private static final long SHUTDOWN_SLACK_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final PrintStream out;
    private final PrintStream err;

    @Spec
    private CommandSpec spec;

    @Mixin
    private CommonOptions.RequiredService service;

    @Mixin
    private CommonOptions.Dir dir;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "1", converter = OptionValues.Size.class,
        description = "client threads sharing the connection, 1 to " + ClientOptions.MAX_CLIENTS
            + " (default: ${DEFAULT-VALUE})")
    private long clients;

    @Option(names = "--messages", paramLabel = "M", converter = OptionValues.Size.class,
        description = "messages in total over all clients (default: " + ClientOptions.DEFAULT_MESSAGES + ")")
    private Long messages;

    @Option(names = "--duration", paramLabel = "TIME", converter = OptionValues.Duration.class,
        description = "run for a time instead, e.g. 3s or 500ms (excludes --messages)")
    private Long durationNanos;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "64", converter = OptionValues.Size.class,
        description = "payload bytes per message, 1 to 1m, k and m suffixes allowed (default: ${DEFAULT-VALUE})")
    private long size;

    @Option(names = "--mode", paramLabel = "oneway|rr", defaultValue = "rr", converter = OptionValues.Mode.class,
        description = "one-way messages or request/response (default: ${DEFAULT-VALUE})")
    private LoadMode mode;

    @Option(names = "--idle", paramLabel = "spin|block", defaultValue = "block", converter = OptionValues.Idle.class,
        description = "how to wait for responses and back pressure; also yield, backoff (default: ${DEFAULT-VALUE})")
    private IdleMode idle;

    @Option(names = "--timeout", paramLabel = "TIME", defaultValue = "10s", converter = OptionValues.Duration.class,
        description = "longest wait to connect, for one response or for a full ring before failing"
            + " (default: ${DEFAULT-VALUE})")
    private long timeoutNanos;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the figures as JSON to FILE")
    private Path json;

    @Mixin
    private CommonOptions.Help help;

    private LoadClientMain(final PrintStream out, final PrintStream err)
    {
        this.out = out;
        this.err = err;
    }

    /**
     * Runs the load and exits with its {@link ExitCode}.
     *
     * @param args the command line; {@code --help} lists the options.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the load without exiting the JVM.
     *
     * @param args the command line.
     * @param out  where the figures go.
     * @param err  where errors go.
     * @return the exit code: {@link ExitCode#FAILED} when a message or response is missing.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        return CommandRunner.run(new LoadClientMain(out, err), args, out, err);
    }

    /**
     * The options as parsed, without running anything (for tests).
     *
     * @param args the command line.
     * @return the validated options.
     * @throws picocli.CommandLine.ParameterException when an option is missing or invalid, or --messages and
     *     --duration are both given.
     */
    static ClientOptions parse(final String... args)
    {
        final LoadClientMain command = new LoadClientMain(System.out, System.err);
        new CommandLine(command).parseArgs(args);
        return command.options();
    }

    @Override
    public Integer call() throws InterruptedException, IOException
    {
        return load(options(), out, err);
    }

    private ClientOptions options()
    {
        if (messages != null && durationNanos != null)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "give either --messages or --duration, not both");
        }
        final int clientCount = (int)OptionValues.inRange(spec, "--clients", clients, 1, ClientOptions.MAX_CLIENTS);
        final long messageCount = durationNanos != null ? 0 : OptionValues.inRange(spec, "--messages",
            messages == null ? ClientOptions.DEFAULT_MESSAGES : messages, clientCount, Long.MAX_VALUE / 2);
        final long duration = durationNanos == null ? 0 : OptionValues.durationInRange(spec, "--duration",
            durationNanos, TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.HOURS.toNanos(24));
        return new ClientOptions(
            service.service(),
            dir.dir(),
            clientCount,
            messageCount,
            duration,
            (int)OptionValues.inRange(spec, "--size", size, 1, ClientOptions.MAX_SIZE),
            mode,
            idle,
            OptionValues.durationInRange(spec, "--timeout", timeoutNanos, TimeUnit.MILLISECONDS.toNanos(10),
                TimeUnit.HOURS.toNanos(1)),
            json);
    }

    private int load(final ClientOptions options, final PrintStream out, final PrintStream err)
        throws InterruptedException, IOException
    {
        final ClientContext context = new ClientContext()
            .serviceName(options.service())
            .idleMode(options.idle())
            .connectTimeoutNs(options.timeoutNanos())
            .requestTimeoutNs(options.timeoutNanos());
        if (options.dir() != null)
        {
            context.baseDirectory(options.dir());
        }

        // Ctrl-C or SIGTERM: stop the client threads and let this thread close the connection (closing it under
        // threads still using its rings is unsafe) and print what was done, before the JVM exits.
        final AtomicReference<String> stop = new AtomicReference<>();
        final CountDownLatch finished = new CountDownLatch(1);
        final Thread hook = new Thread(() ->
        {
            stop.compareAndSet(null, "interrupted by a signal (Ctrl-C or SIGTERM)");
            try
            {
                finished.await(options.timeoutNanos() + SHUTDOWN_SLACK_NANOS, TimeUnit.NANOSECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, "ipc-client-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try
        {
            return loadAndReport(options, context, stop, out, err);
        }
        finally
        {
            finished.countDown();
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException ex)
            {
                // The JVM is already shutting down: the hook is running and waits for the countDown above.
            }
        }
    }

    private int loadAndReport(
        final ClientOptions options,
        final ClientContext context,
        final AtomicReference<String> stop,
        final PrintStream out,
        final PrintStream err) throws InterruptedException, IOException
    {
        final LoadReport report;
        try (ShmClient client = ShmClient.connect(context))
        {
            if (options.size() > client.maxMessageLength())
            {
                throw OptionValues.invalid(spec, "--size", "must be at most the service's maximum message length "
                    + client.maxMessageLength() + ", but was " + options.size());
            }
            out.printf(Locale.ROOT, "Connected to service '%s' (session %d); %d client thread%s sending %s...%n",
                options.service(), client.sessionId(), options.clients(), options.clients() == 1 ? "" : "s",
                options.timed() ? "for " + Durations.format(options.durationNanos()) :
                options.messages() + " messages");

            final LoadDriver.Result result = LoadDriver.run(options.clients(), options.messages(),
                options.durationNanos(), (clientIndex) -> EchoSenders.create(client, options.mode(), clientIndex,
                    options.size(), options.idle(), options.timeoutNanos()), stop);

            final long sent;
            final long confirmed;
            String problem = result.failure();
            if (options.mode() == LoadMode.RR)
            {
                sent = result.totalAttempts();
                confirmed = result.totalCompletions();
            }
            else
            {
                sent = result.totalCompletions();
                final long counted = EchoSenders.serverCount(client, options.timeoutNanos());
                if (counted < 0)
                {
                    confirmed = 0;
                    problem = (problem == null ? "" : problem + "; ") + "the server did not answer the count request: "
                        + OfferResult.describe(counted);
                }
                else
                {
                    confirmed = counted;
                }
            }
            report = new LoadReport(options.service(), options.mode(), options.idle(), options.clients(),
                options.size(), sent, confirmed, result.elapsedNanos(), LatencySummary.of(result.latency()),
                Fairness.of(result.completions()), problem);
        }

        out.print(report.toText());
        if (options.json() != null)
        {
            Files.writeString(options.json(), report.toJson(), StandardCharsets.UTF_8);
            out.println("  figures written to " + options.json());
        }
        if (!report.complete())
        {
            final String missing = report.missing() == 0 ? "" :
                report.missing() + " of " + report.sent() + " messages unconfirmed";
            err.printf(Locale.ROOT, "%s: FAILED: %s%s%s%n", ClientOptions.COMMAND, missing,
                missing.isEmpty() || report.failure() == null ? "" : "; ",
                report.failure() == null ? "" : report.failure());
            return ExitCode.FAILED;
        }
        return ExitCode.OK;
    }
}
