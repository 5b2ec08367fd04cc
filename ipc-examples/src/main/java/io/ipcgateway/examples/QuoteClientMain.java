package io.ipcgateway.examples;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.ipcgateway.core.CallException;
import io.ipcgateway.core.Codecs;
import io.ipcgateway.core.IpcException;
import io.ipcgateway.core.Jvm;
import io.ipcgateway.shm.CallResult;
import io.ipcgateway.shm.ClientContext;
import io.ipcgateway.shm.ShmClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The quote service's client: blocking typed calls, async calls, an error status, server pushes, and reconnecting
 * when the service is restarted. Every {@code --interval-ms} it asks for a quote both ways and for an unknown
 * symbol; pushes are counted as they arrive (on the client's receiver thread).
 * <p>
 * Options: {@code --service quotes}, {@code --dir DIR}, {@code --duration-ms 5000}, {@code --interval-ms 50}.
 * Prints one line per kind of outcome the first time it happens, {@code RECONNECTED} after each reconnect, and a
 * {@code SUMMARY} at the end; exits 0 when at least one call succeeded.
 */
@Command(name = "ipc quote-client", sortOptions = false, description = "The quote service's client: every interval"
    + " asks for a quote with a blocking call, an async call and a call for an unknown symbol, counts pushed price"
    + " changes, and reconnects when the service restarts. Prints CONNECTED, the first outcome of each kind,"
    + " RECONNECTED after each reconnect and a SUMMARY line; exits 0 when at least one call succeeded, else 1.")
public final class QuoteClientMain implements Callable<Integer>
{
    @Mixin
    private CommonOptions.QuoteService service;

    @Mixin
    private CommonOptions.Dir dir;

    @Option(names = "--duration-ms", paramLabel = "MS", defaultValue = "5000",
        description = "how long to run, in milliseconds (default: ${DEFAULT-VALUE})")
    private long durationMs;

    @Option(names = "--interval-ms", paramLabel = "MS", defaultValue = "50",
        description = "milliseconds between rounds of calls (default: ${DEFAULT-VALUE})")
    private long intervalMs;

    @Mixin
    private CommonOptions.Help help;

    @Spec
    private CommandSpec spec;

    private QuoteClientMain()
    {
    }

    /**
     * Runs the client for the given duration and exits: 0 when at least one call succeeded.
     *
     * @param args the options; {@code --help} lists them.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Parses the options and runs the client; its own lines go to standard output.
     *
     * @param args the options.
     * @param out  where help goes.
     * @param err  where errors go.
     * @return the exit code.
     */
    static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        return CommandRunner.run(new QuoteClientMain(), args, out, err);
    }

    /**
     * Runs the client for the given duration.
     *
     * @return {@link ExitCode#OK} when at least one call succeeded, else {@link ExitCode#FAILED}.
     * @throws InterruptedException when interrupted.
     */
    @Override
    public Integer call() throws InterruptedException
    {
        Jvm.check();
        OptionValues.inRange(spec, "--duration-ms", durationMs, 0, Long.MAX_VALUE / 1_000_000);
        OptionValues.inRange(spec, "--interval-ms", intervalMs, 0, Long.MAX_VALUE);
        final AtomicLong ticks = new AtomicLong();

        final ClientContext context = new ClientContext().serviceName(service.service())
            .receiverThread(true)   // delivers pushes and completes async calls
            .pushHandler((typeId, buffer, offset, length) ->
            {
                if (typeId == QuoteProtocol.TICK && ticks.incrementAndGet() == 1)
                {
                    System.out.println("TICK " + buffer.getStringWithoutLengthUtf8(offset, length));
                }
            });
        if (dir.dir() != null)
        {
            context.baseDirectory(dir.dir());
        }
        long ok = 0;
        long failed = 0;
        long errors = 0;
        long reconnectsSeen = 0;
        try (ShmClient client = ShmClient.connect(context))
        {
            System.out.println("CONNECTED session=" + client.sessionId());
            final long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durationMs);
            while (System.nanoTime() - end < 0)
            {
                try
                {
                    final long cents = client.call(QuoteProtocol.QUOTE, "AAPL", Codecs.utf8(), Codecs.int64());
                    final CompletableFuture<Long> async = client.callAsync(QuoteProtocol.QUOTE, "MSFT",
                        Codecs.utf8(), Codecs.int64(), Duration.ofSeconds(1));
                    final CallResult<Long> unknown = client.tryCall(QuoteProtocol.QUOTE, "NOPE", Codecs.utf8(),
                        Codecs.int64(), Duration.ofSeconds(1));
                    final long asyncCents = async.get(2, TimeUnit.SECONDS);
                    if (ok++ == 0)
                    {
                        System.out.printf(Locale.ROOT, "QUOTE AAPL %d ASYNC MSFT %d%n", cents, asyncCents);
                        System.out.printf(Locale.ROOT, "ERROR NOPE status=%d message=%s%n", unknown.status(),
                            unknown.errorMessage());
                    }
                    errors += unknown.status() == QuoteProtocol.UNKNOWN_SYMBOL ? 1 : 0;
                }
                catch (final IpcException | java.util.concurrent.ExecutionException
                    | java.util.concurrent.TimeoutException ex)
                {
                    // While the service restarts calls fail (PEER_DEAD, NOT_CONNECTED): the client reconnects.
                    if (failed++ == 0)
                    {
                        System.out.println("FAILED " + describe(ex));
                    }
                }
                if (client.reconnects() > reconnectsSeen)
                {
                    reconnectsSeen = client.reconnects();
                    System.out.println("RECONNECTED session=" + client.sessionId() + " reconnects=" + reconnectsSeen);
                }
                Thread.sleep(intervalMs);
            }
        }
        System.out.printf(Locale.ROOT, "SUMMARY ok=%d failed=%d errorStatuses=%d ticks=%d reconnects=%d%n", ok,
            failed, errors, ticks.get(), reconnectsSeen);
        return ok > 0 ? ExitCode.OK : ExitCode.FAILED;
    }

    private static String describe(final Exception ex)
    {
        final Throwable cause = ex instanceof java.util.concurrent.ExecutionException ? ex.getCause() : ex;
        return cause instanceof CallException ? "status=" + ((CallException)cause).status() :
            cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
