package io.ipcgateway.examples;

import io.ipcgateway.core.Durations;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.shm.ClientContext;
import io.ipcgateway.shm.ShmClient;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code bin/ipc client}: loads an echo service from N threads sharing one connection, prints throughput,
 * latency percentiles and fairness, optionally as JSON, and fails if any message is unaccounted for. See
 * {@link ClientOptions#SUMMARY}.
 */
public final class LoadClientMain
{
    private static final long SHUTDOWN_SLACK_NANOS = TimeUnit.SECONDS.toNanos(2);

    private LoadClientMain()
    {
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
        return CommandRunner.run(ClientOptions.COMMAND, ClientOptions.SUMMARY, ClientOptions.OPTIONS, args, out, err,
            (commandLine) -> load(ClientOptions.from(commandLine), out, err));
    }

    private static int load(final ClientOptions options, final PrintStream out, final PrintStream err)
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

    private static int loadAndReport(
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
                throw new UsageException(ClientOptions.COMMAND + ": option --size must be at most the service's"
                    + " maximum message length " + client.maxMessageLength() + ", but was " + options.size());
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
