package io.ipcgateway.examples;

import java.nio.file.Paths;
import java.time.Duration;
import java.util.Locale;
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

/**
 * The quote service's client: blocking typed calls, async calls, an error status, server pushes, and reconnecting
 * when the service is restarted. Every {@code --interval-ms} it asks for a quote both ways and for an unknown
 * symbol; pushes are counted as they arrive (on the client's receiver thread).
 * <p>
 * Options: {@code --service quotes}, {@code --dir DIR}, {@code --duration-ms 5000}, {@code --interval-ms 50}.
 * Prints one line per kind of outcome the first time it happens, {@code RECONNECTED} after each reconnect, and a
 * {@code SUMMARY} at the end; exits 0 when at least one call succeeded.
 */
public final class QuoteClientMain
{
    private QuoteClientMain()
    {
    }

    /**
     * Runs the client for the given duration.
     *
     * @param args the options.
     * @throws Exception when interrupted.
     */
    public static void main(final String[] args) throws Exception
    {
        Jvm.check();
        final String service = QuoteProtocol.option(args, "--service", QuoteProtocol.DEFAULT_SERVICE);
        final String dir = QuoteProtocol.option(args, "--dir", null);
        final long durationMs = Long.parseLong(QuoteProtocol.option(args, "--duration-ms", "5000"));
        final long intervalMs = Long.parseLong(QuoteProtocol.option(args, "--interval-ms", "50"));
        final AtomicLong ticks = new AtomicLong();

        final ClientContext context = new ClientContext().serviceName(service)
            .receiverThread(true)   // delivers pushes and completes async calls
            .pushHandler((typeId, buffer, offset, length) ->
            {
                if (typeId == QuoteProtocol.TICK && ticks.incrementAndGet() == 1)
                {
                    System.out.println("TICK " + buffer.getStringWithoutLengthUtf8(offset, length));
                }
            });
        if (dir != null)
        {
            context.baseDirectory(Paths.get(dir));
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
        System.exit(ok > 0 ? 0 : 1);
    }

    private static String describe(final Exception ex)
    {
        final Throwable cause = ex instanceof java.util.concurrent.ExecutionException ? ex.getCause() : ex;
        return cause instanceof CallException ? "status=" + ((CallException)cause).status() :
            cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
