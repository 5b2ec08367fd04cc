package io.ipcgateway.examples.gateway;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.ipcgateway.shm.ClientContext;

/**
 * A local client process for the gateway's fault tests, on {@link GatewayClient} only. It sends requests to
 * {@code --subject} in rounds of {@code --parallel} async requests ({@code --timeout-ms} each, {@code --pause-ms}
 * between rounds) until it sent {@code --count} (0: until {@code --stop-file} exists), counting every outcome by
 * {@link GatewayStatus} with the slowest time to that outcome, and prints a {@code PROGRESS} line of
 * {@code status.NAME=count maxms.NAME=ms} tokens for the statuses seen so far (plus {@code ok}, {@code badReplies},
 * {@code messages}, {@code reconnects}) every 200 ms and once more as {@code SUMMARY} before exiting 0.
 * <p>
 * {@code --subscribe PATTERN} subscribes first (prints {@code SUBSCRIBED}) and counts the messages. With
 * {@code --hold-subscriptions K} it subscribes to K subjects {@code hold.<pid>.<k>}, then with
 * {@code --hold-request SUBJECT} sends one request there, prints {@code INFLIGHT} and waits to be killed. With
 * {@code --publish-acked SUBJECT} it sends acknowledged publishes {@code 0, 1, 2...} one after the other instead of
 * requests, counts them as {@code sent} and {@code acked}, and before {@code SUMMARY} prints
 * {@code UNACKED seq,seq...}: the numbers whose publish was not acknowledged.
 * <p>
 * With {@code --publish SUBJECT} each round of requests also sends one one-way publish {@code p<N>} there. With
 * {@code --outcomes FILE} it writes, before {@code SUMMARY}, one line per call it made: {@code R m<N> STATUS} for each
 * request and {@code P p<N> STATUS} for each publish (the status {@link GatewayClient#publish} returned), so a test
 * can match them with the gateway's audit log one to one.
 */
public final class GatewayFaultClientMain
{
    private final Map<GatewayStatus, AtomicLong> counts = new EnumMap<>(GatewayStatus.class);
    private final Map<GatewayStatus, AtomicLong> slowestMs = new EnumMap<>(GatewayStatus.class);
    private final AtomicLong badReplies = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong sentPublishes = new AtomicLong();
    private final AtomicLong ackedPublishes = new AtomicLong();
    private final ConcurrentLinkedQueue<String> outcomes = new ConcurrentLinkedQueue<>();

    private GatewayFaultClientMain()
    {
        for (final GatewayStatus status : GatewayStatus.values())
        {
            counts.put(status, new AtomicLong());
            slowestMs.put(status, new AtomicLong());
        }
    }

    /**
     * Runs the client.
     *
     * @param args {@code --service S --dir D [--subject svc.echo] [--count N] [--timeout-ms T] [--pause-ms P]
     *             [--parallel K] [--stop-file F] [--subscribe PATTERN] [--hold-subscriptions K]
     *             [--hold-request SUBJECT] [--publish-acked SUBJECT] [--publish SUBJECT] [--outcomes FILE]}.
     * @throws Exception when interrupted.
     */
    public static void main(final String[] args) throws Exception
    {
        new GatewayFaultClientMain().run(args);
    }

    private void run(final String[] args) throws Exception
    {
        final String service = NatsResponderMain.option(args, "--service", GatewayProtocol.DEFAULT_SERVICE);
        final String dir = NatsResponderMain.option(args, "--dir", null);
        final String subject = NatsResponderMain.option(args, "--subject", "svc.echo");
        final long count = Long.parseLong(NatsResponderMain.option(args, "--count", "0"));
        final long timeoutMs = Long.parseLong(NatsResponderMain.option(args, "--timeout-ms", "5000"));
        final long pauseMs = Long.parseLong(NatsResponderMain.option(args, "--pause-ms", "10"));
        final int parallel = Integer.parseInt(NatsResponderMain.option(args, "--parallel", "1"));
        final String stopFile = NatsResponderMain.option(args, "--stop-file", null);
        final String pattern = NatsResponderMain.option(args, "--subscribe", null);
        final int holdSubscriptions = Integer.parseInt(NatsResponderMain.option(args, "--hold-subscriptions", "0"));
        final String holdRequest = NatsResponderMain.option(args, "--hold-request", null);
        final String publishAcked = NatsResponderMain.option(args, "--publish-acked", null);
        final String publishSubject = NatsResponderMain.option(args, "--publish", null);
        final String outcomesFile = NatsResponderMain.option(args, "--outcomes", null);

        // Generous: JVMs start at once on a small shared machine.
        final ClientContext context = new ClientContext().serviceName(service)
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(60));
        if (dir != null)
        {
            context.baseDirectory(Path.of(dir));
        }
        try (GatewayClient client = GatewayClient.connect(context))
        {
            final long pid = ProcessHandle.current().pid();
            if (pattern != null)
            {
                client.subscribe(pattern, message -> messages.incrementAndGet());
                System.out.println("SUBSCRIBED pid=" + pid + " pattern=" + pattern);
            }
            if (holdSubscriptions > 0 || holdRequest != null)
            {
                hold(client, pid, holdSubscriptions, holdRequest);
                return;
            }
            final Thread reporter = new Thread(() -> report(client), "progress");
            reporter.setDaemon(true);
            reporter.start();
            final Duration timeout = Duration.ofMillis(timeoutMs);
            if (publishAcked != null)
            {
                publishAcked(client, publishAcked, count, timeout, pauseMs, stopFile);
                System.out.println("SUMMARY " + progress(client));
                System.out.flush();
                System.exit(0);
            }
            long sent = 0;
            while ((count == 0 || sent < count) && (stopFile == null || !Files.exists(Path.of(stopFile))))
            {
                final List<CompletableFuture<?>> round = new ArrayList<>(parallel);
                for (int i = 0; i < parallel && (count == 0 || sent < count); i++, sent++)
                {
                    round.add(send(client, subject, "m" + sent, timeout));
                    if (publishSubject != null)
                    {
                        final GatewayStatus published =
                            client.publish(publishSubject, ("p" + sent).getBytes(StandardCharsets.UTF_8));
                        outcomes.add("P p" + sent + " " + published.name());
                    }
                }
                for (final CompletableFuture<?> call : round)
                {
                    call.join();
                }
                Thread.sleep(pauseMs);
            }
            if (outcomesFile != null)
            {
                Files.write(Path.of(outcomesFile), outcomes);
            }
            System.out.println("SUMMARY " + progress(client));
            System.out.flush();
        }
        System.exit(0);
    }

    private CompletableFuture<Void> send(
        final GatewayClient client, final String subject, final String body, final Duration timeout)
    {
        final long startNs = System.nanoTime();
        CompletableFuture<byte[]> reply;
        try
        {
            reply = client.requestAsync(subject, body.getBytes(StandardCharsets.UTF_8), timeout);
        }
        catch (final RuntimeException ex)
        {
            reply = CompletableFuture.failedFuture(ex);
        }
        return reply.handle((bytes, failure) ->
        {
            final long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            final GatewayStatus status;
            if (failure == null)
            {
                status = GatewayStatus.OK;
                if (!new String(bytes, StandardCharsets.UTF_8).startsWith("echo:" + body))
                {
                    badReplies.incrementAndGet();
                }
            }
            else
            {
                final Throwable cause = failure instanceof CompletionException && failure.getCause() != null ?
                    failure.getCause() : failure;
                status = cause instanceof GatewayException ex ? ex.status() : GatewayStatus.INTERNAL;
                if (status == GatewayStatus.INTERNAL)
                {
                    System.out.println("UNEXPECTED " + cause);
                }
            }
            counts.get(status).incrementAndGet();
            slowestMs.get(status).accumulateAndGet(ms, Math::max);
            outcomes.add("R " + body + " " + status.name());
            return null;
        });
    }

    private void publishAcked(
        final GatewayClient client,
        final String subject,
        final long count,
        final Duration timeout,
        final long pauseMs,
        final String stopFile) throws InterruptedException
    {
        final StringBuilder unacked = new StringBuilder();
        for (long seq = 0; (count == 0 || seq < count) && (stopFile == null || !Files.exists(Path.of(stopFile)));
            seq++)
        {
            final long startNs = System.nanoTime();
            GatewayStatus status;
            try
            {
                client.publishAcked(subject, Long.toString(seq).getBytes(StandardCharsets.UTF_8), timeout);
                status = GatewayStatus.OK;
                ackedPublishes.incrementAndGet();
            }
            catch (final GatewayException ex)
            {
                status = ex.status();
                unacked.append(unacked.length() == 0 ? "" : ",").append(seq);
            }
            sentPublishes.incrementAndGet();
            counts.get(status).incrementAndGet();
            slowestMs.get(status).accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs),
                Math::max);
            Thread.sleep(pauseMs);
        }
        System.out.println("UNACKED " + unacked);
    }

    private void hold(final GatewayClient client, final long pid, final int subscriptions, final String request)
        throws InterruptedException
    {
        for (int k = 0; k < subscriptions; k++)
        {
            client.subscribe("hold." + pid + "." + k, message -> messages.incrementAndGet());
        }
        System.out.println("HOLDING pid=" + pid + " subscriptions=" + subscriptions);
        if (request != null)
        {
            client.requestAsync(request, "held".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(60));
            System.out.println("INFLIGHT pid=" + pid + " subject=" + request);
        }
        System.out.flush();
        new CountDownLatch(1).await();
    }

    private void report(final GatewayClient client)
    {
        while (true)
        {
            try
            {
                Thread.sleep(200);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            System.out.println("PROGRESS " + progress(client));
        }
    }

    private String progress(final GatewayClient client)
    {
        final StringBuilder line = new StringBuilder();
        line.append("ok=").append(counts.get(GatewayStatus.OK).get())
            .append(" badReplies=").append(badReplies.get())
            .append(" messages=").append(messages.get())
            .append(" reconnects=").append(client.reconnects())
            .append(" sent=").append(sentPublishes.get())
            .append(" acked=").append(ackedPublishes.get());
        for (final GatewayStatus status : GatewayStatus.values())
        {
            if (counts.get(status).get() == 0)
            {
                continue;
            }
            line.append(" status.").append(status.name()).append('=').append(counts.get(status).get())
                .append(" maxms.").append(status.name()).append('=').append(slowestMs.get(status).get());
        }
        return line.toString();
    }
}
