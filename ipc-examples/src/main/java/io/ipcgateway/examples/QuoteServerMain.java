package io.ipcgateway.examples;

import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Map;
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

/**
 * A quote service, the example of the README: answers {@link QuoteProtocol#QUOTE} requests with a price or the
 * error status {@link QuoteProtocol#UNKNOWN_SYMBOL}, and pushes price changes to every client from a timer thread
 * through the thread-safe {@link ShmServer#pushToAll}. It has no shutdown hook of its own: SIGTERM closes the server
 * (its folder goes) and {@link ShmServer#awaitShutdown()} returns.
 * <p>
 * Options: {@code --service quotes}, {@code --dir DIR} (default base directory), {@code --tick-ms 100}.
 */
public final class QuoteServerMain
{
    private QuoteServerMain()
    {
    }

    /**
     * Runs the service until SIGTERM or Ctrl-C.
     *
     * @param args the options.
     * @throws InterruptedException when interrupted while waiting.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        Jvm.check();
        final String service = QuoteProtocol.option(args, "--service", QuoteProtocol.DEFAULT_SERVICE);
        final String dir = QuoteProtocol.option(args, "--dir", null);
        final long tickMs = Long.parseLong(QuoteProtocol.option(args, "--tick-ms", "100"));
        final Map<String, Long> prices = new ConcurrentHashMap<>(Map.of("AAPL", 18_725L, "MSFT", 41_530L));

        final ServerContext context = new ServerContext().serviceName(service);
        if (dir != null)
        {
            context.baseDirectory(Paths.get(dir));
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

        System.out.printf(Locale.ROOT, "READY service=%s dir=%s pid=%d%n", service, server.serviceDirectory(),
            ProcessHandle.current().pid());
        System.out.flush();
        // Returns once SIGTERM's shutdown closed the server (the JVM may halt before the next line runs).
        server.awaitShutdown();
        timer.shutdownNow();
    }
}
