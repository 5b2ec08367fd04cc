package io.ipcgateway.examples;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.Codecs;
import io.ipcgateway.core.Jvm;
import io.ipcgateway.shm.ClientSession;
import io.ipcgateway.shm.ServerContext;
import io.ipcgateway.shm.ServerHandler;
import io.ipcgateway.shm.ShmServer;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A quote service, the example of the README: answers {@link QuoteProtocol#QUOTE} requests with a price or the
 * error status {@link QuoteProtocol#UNKNOWN_SYMBOL}, and pushes price changes to every client from a timer thread
 * through the thread-safe {@link ShmServer#pushToAll}. It has no shutdown hook of its own: SIGTERM closes the server
 * (its folder goes) and {@link ShmServer#awaitShutdown()} returns.
 * <p>
 * Options: {@code --service quotes}, {@code --dir DIR} (default base directory), {@code --tick-ms 100}.
 */
@Command(name = "ipc quote-server", sortOptions = false, description = "The quote service of the README's example:"
    + " answers quote requests with a price (or error status 404 for an unknown symbol) and pushes price changes to"
    + " every client on a timer. Prints a line starting with READY when clients can connect and runs until SIGTERM"
    + " or Ctrl-C, which removes its files.")
public final class QuoteServerMain implements Callable<Integer>
{
    @Mixin
    private CommonOptions.QuoteService service;

    @Mixin
    private CommonOptions.Dir dir;

    @Option(names = "--tick-ms", paramLabel = "MS", defaultValue = "100",
        description = "milliseconds between price pushes, at least 1 (default: ${DEFAULT-VALUE})")
    private long tickMs;

    @Mixin
    private CommonOptions.Help help;

    @Spec
    private CommandSpec spec;

    private QuoteServerMain()
    {
    }

    /**
     * Runs the service until SIGTERM or Ctrl-C.
     *
     * @param args the options; {@code --help} lists them.
     */
    public static void main(final String[] args)
    {
        final int code = run(args, System.out, System.err);
        if (code != ExitCode.OK)
        {
            System.exit(code);
        }
    }

    /**
     * Parses the options and runs the service; its own lines go to standard output.
     *
     * @param args the options.
     * @param out  where help goes.
     * @param err  where errors go.
     * @return the exit code.
     */
    static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        return CommandRunner.run(new QuoteServerMain(), args, out, err);
    }

    /**
     * Runs the service until SIGTERM's shutdown closes it.
     *
     * @return {@link ExitCode#OK}.
     * @throws InterruptedException when interrupted while waiting.
     */
    @Override
    public Integer call() throws InterruptedException
    {
        Jvm.check();
        OptionValues.inRange(spec, "--tick-ms", tickMs, 1, Long.MAX_VALUE);
        final Map<String, Long> prices = new ConcurrentHashMap<>(Map.of("AAPL", 18_725L, "MSFT", 41_530L));

        final ServerContext context = new ServerContext().serviceName(service.service());
        if (dir.dir() != null)
        {
            context.baseDirectory(dir.dir());
        }
        final ShmServer server = ShmServer.launch(context, new ServerHandler()
        {
            private final ExpandableArrayBuffer answer = new ExpandableArrayBuffer(16);

            @Override
            public void onRequest(final ClientSession session, final long correlationId, final int typeId,
                final DirectBuffer buffer, final int offset, final int length)
            {
                final String symbol = Codecs.utf8().decode(buffer, offset, length);
                final Long cents = typeId == QuoteProtocol.QUOTE ? prices.get(symbol) : null;
                if (cents == null)
                {
                    session.respondError(correlationId, QuoteProtocol.UNKNOWN_SYMBOL, "unknown symbol: " + symbol);
                    return;
                }
                final int answerLength = Codecs.int64().encode(cents, answer, 0);
                session.respond(correlationId, QuoteProtocol.QUOTE, answer, 0, answerLength);
            }
        });

        final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread thread = new Thread(r, "quote-ticker");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(() ->
        {
            final String symbol = ThreadLocalRandom.current().nextBoolean() ? "AAPL" : "MSFT";
            final long cents = prices.merge(symbol, ThreadLocalRandom.current().nextLong(-5, 6), Long::sum);
            // Any thread may push: the server copies the bytes and sends them on its duty cycle.
            server.pushToAll(QuoteProtocol.TICK, (symbol + " " + cents).getBytes(StandardCharsets.UTF_8));
        }, tickMs, tickMs, TimeUnit.MILLISECONDS);

        System.out.printf(Locale.ROOT, "READY service=%s dir=%s pid=%d%n", service.service(), server.serviceDirectory(),
            ProcessHandle.current().pid());
        System.out.flush();
        // Returns once SIGTERM's shutdown closed the server (the JVM may halt before the next line runs).
        server.awaitShutdown();
        timer.shutdownNow();
        return ExitCode.OK;
    }
}
