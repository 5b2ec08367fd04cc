package io.ipcgateway.shm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.MessageClaim;
import io.ipcgateway.core.OfferResult;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Child JVM programs for the tests of bad calls and of in-flight requests to a dying server: a client that makes one
 * bad call, and a server whose handler answers some request types with bad calls of its own.
 */
final class BadCallProcesses
{
    /** Echoed as it is. */
    static final int ECHO = 1;
    /** Never answered: the request stays in flight (the server prints {@code GOT 7}). */
    static final int SILENT = 7;
    /** Answered by a {@code respond} whose offset + length lies beyond the buffer, then by the code it returned. */
    static final int BAD_RESPOND = 9;
    /** Answered by a {@code push} whose offset + length lies beyond the buffer, then by the code it returned. */
    static final int BAD_PUSH = 10;
    /** The handler claims a response, then throws before commit or abort. */
    static final int CLAIM_THEN_THROW = 11;
    /** The handler claims a response and returns without completing it: the claim is left open for good. */
    static final int CLAIM_LEFT_OPEN = 12;

    private BadCallProcesses()
    {
    }

    /**
     * Reads a child's output lines on a daemon thread into a queue, so a test can wait for several lines in turn.
     */
    static final class Lines
    {
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuilder log = new StringBuilder();

        Lines(final Process process)
        {
            final BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            final Thread pump = new Thread(() ->
            {
                try
                {
                    String line;
                    while ((line = reader.readLine()) != null)
                    {
                        synchronized (log)
                        {
                            log.append(line).append('\n');
                        }
                        lines.add(line);
                    }
                }
                catch (final IOException ignore)
                {
                    // The process ended.
                }
            });
            pump.setDaemon(true);
            pump.start();
        }

        /** The next line starting with {@code prefix}, or null after {@code timeoutMs}. */
        String await(final String prefix, final long timeoutMs) throws InterruptedException
        {
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (true)
            {
                final long left = deadline - System.nanoTime();
                final String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
                if (line == null || line.startsWith(prefix))
                {
                    return line;
                }
            }
        }

        String log()
        {
            synchronized (log)
            {
                return log.toString();
            }
        }
    }

    /**
     * A client that makes one bad call: {@code dir service scenario}. Prints {@code CONNECTED}, makes the call,
     * prints {@code BAD <outcome>} (a result code's name or the exception's class), and stays alive (its client
     * open, except in {@code claimThenThrow}, which closes it as try-with-resources does) until stdin closes.
     */
    static final class BadClientMain
    {
        private BadClientMain()
        {
        }

        public static void main(final String[] args) throws Exception
        {
            final String scenario = args[2];
            final ShmClient client = ShmClient.connect(new ClientContext().baseDirectory(Paths.get(args[0]))
                .serviceName(args[1]).idleMode(IdleMode.BLOCK).errorHandler(ex -> { }));
            System.out.println("CONNECTED");
            System.out.flush();
            String outcome;
            try
            {
                outcome = call(client, scenario);
            }
            catch (final RuntimeException ex)
            {
                outcome = ex.getClass().getSimpleName();
            }
            System.out.println("BAD " + outcome);
            System.out.flush();
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null)
            {
                // Stay connected until the test is done.
            }
            client.close();
        }

        private static String call(final ShmClient client, final String scenario) throws InterruptedException
        {
            final UnsafeBuffer eight = new UnsafeBuffer(new byte[8]);
            switch (scenario)
            {
                case "offerBeyondBuffer":
                    return OfferResult.describe(client.offer(ECHO, eight, 4, 16));
                case "offerNegativeOffset":
                    return OfferResult.describe(client.offer(ECHO, eight, -4, 8));
                case "requestBeyondBuffer":
                    return OfferResult.describe(client.request(ECHO, eight, 4, 16, (t, b, o, l) -> { },
                        TimeUnit.SECONDS.toNanos(1)));
                case "requestAsyncBeyondBuffer":
                    try
                    {
                        client.requestAsync(ECHO, eight, 4, 16, TimeUnit.SECONDS.toNanos(1)).get(5, TimeUnit.SECONDS);
                        return "OK";
                    }
                    catch (final ExecutionException ex)
                    {
                        return ex.getCause().getMessage();
                    }
                    catch (final java.util.concurrent.TimeoutException ex)
                    {
                        return "no outcome in 5 s";
                    }
                case "fragmentedBeyondBuffer":
                {
                    // Longer than one record, so fragmented; longer than its buffer, which ends inside the first one.
                    final int length = client.maxClaimLength() * 3;
                    return OfferResult.describe(client.offer(ECHO, new UnsafeBuffer(new byte[100]), 0, length));
                }
                case "claimThenThrow":
                    try (ShmClient closing = client)
                    {
                        final MessageClaim claim = new MessageClaim();
                        if (closing.tryClaim(ECHO, 64, claim) != OfferResult.OK)
                        {
                            return "claim failed";
                        }
                        throw new IllegalStateException("the application's code failed while filling its claim");
                    }
                default:
                    throw new IllegalArgumentException("unknown scenario " + scenario);
            }
        }
    }

    /**
     * A server, {@code dir service}, that echoes {@link #ECHO}, never answers {@link #SILENT} (printing
     * {@code GOT 7}) and answers the other types above with its own bad calls. Prints {@code READY}, runs until
     * stdin closes (or it is killed).
     */
    static final class StrictServerMain
    {
        private StrictServerMain()
        {
        }

        public static void main(final String[] args) throws Exception
        {
            final UnsafeBuffer eight = new UnsafeBuffer(new byte[8]);
            final UnsafeBuffer code = new UnsafeBuffer(new byte[8]);
            final MessageClaim claim = new MessageClaim();
            final ServerContext context = new ServerContext().baseDirectory(Paths.get(args[0])).serviceName(args[1])
                .idleMode(IdleMode.BLOCK).errorHandler(ex -> System.out.println("ERROR " + ex));
            try (ShmServer server = ShmServer.launch(context, new ServerHandler()
            {
                public void onMessage(
                    final ClientSession session, final int typeId, final DirectBuffer b, final int o, final int l)
                {
                }

                public void onRequest(final ClientSession session, final long id, final int typeId,
                    final DirectBuffer b, final int o, final int l)
                {
                    switch (typeId)
                    {
                        case SILENT:
                            System.out.println("GOT " + typeId);
                            System.out.flush();
                            break;
                        case BAD_RESPOND:
                            code.putLong(0, session.respond(id, ECHO, eight, 4, 16));
                            session.respond(id, BAD_RESPOND, code, 0, 8);
                            break;
                        case BAD_PUSH:
                            code.putLong(0, session.push(ECHO, eight, 4, 16));
                            session.respond(id, BAD_PUSH, code, 0, 8);
                            break;
                        case CLAIM_THEN_THROW:
                            if (session.tryClaimResponse(id, CLAIM_THEN_THROW, 64, claim) == OfferResult.OK)
                            {
                                throw new IllegalStateException("handler failed while filling its claim");
                            }
                            break;
                        case CLAIM_LEFT_OPEN:
                            session.tryClaimResponse(id, CLAIM_LEFT_OPEN, 64, new MessageClaim());
                            break;
                        default:
                            session.respond(id, typeId, b, o, l);
                    }
                }
            }))
            {
                System.out.println("READY notifier=" + server.notifierKind());
                System.out.flush();
                final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                while (in.readLine() != null)
                {
                    // Run until the test closes stdin.
                }
            }
        }
    }
}
