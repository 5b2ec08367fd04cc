package io.ipcgateway.examples.gateway;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.ipcgateway.shm.ClientContext;

/**
 * A local client process for the gateway's end-to-end test, using {@link GatewayClient} only: subscribes to
 * {@code --pattern} (prints {@code SUBSCRIBED}), sends {@code --requests} requests to {@code svc.echo} (half blocking,
 * half async, each with a trace id) and checks every reply, publishes {@code --publishes} one-way messages to
 * {@code local.c<index>} and {@code --acked} acknowledged ones to {@code orders.c<index>}, checks that an invalid
 * subject and a subject without responders get their statuses, then waits for {@code --expect-messages} messages on
 * its subscription and prints a {@code SUMMARY} line. Exits 0 when everything matched.
 */
public final class GatewayLoadClientMain
{
    private GatewayLoadClientMain()
    {
    }

    /**
     * Runs the client.
     *
     * @param args {@code --service S --dir D --index N --requests R --publishes P --acked A --expect-messages K
     *             --pattern events.>}.
     * @throws Exception when interrupted.
     */
    public static void main(final String[] args) throws Exception
    {
        final String service = NatsResponderMain.option(args, "--service", GatewayProtocol.DEFAULT_SERVICE);
        final String dir = NatsResponderMain.option(args, "--dir", null);
        final int index = Integer.parseInt(NatsResponderMain.option(args, "--index", "0"));
        final int requests = Integer.parseInt(NatsResponderMain.option(args, "--requests", "100"));
        final int publishes = Integer.parseInt(NatsResponderMain.option(args, "--publishes", "100"));
        final int acked = Integer.parseInt(NatsResponderMain.option(args, "--acked", "10"));
        final int expected = Integer.parseInt(NatsResponderMain.option(args, "--expect-messages", "0"));
        final String pattern = NatsResponderMain.option(args, "--pattern", "events.>");

        // Generous: eight JVMs start at once on a small shared machine.
        final ClientContext context = new ClientContext().serviceName(service)
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(60)).requestTimeoutNs(TimeUnit.SECONDS.toNanos(30));
        if (dir != null)
        {
            context.baseDirectory(Path.of(dir));
        }
        final AtomicLong messages = new AtomicLong();
        final AtomicLong badMessages = new AtomicLong();
        long requestsOk = 0;
        long badReplies = 0;
        long published = 0;
        long ackedOk = 0;
        try (GatewayClient client = GatewayClient.connect(context);
            Subscription subscription = client.subscribe(pattern, message ->
            {
                final String body = new String(message.payload(), StandardCharsets.UTF_8);
                if (message.subject().startsWith("events.") && body.startsWith("event-"))
                {
                    messages.incrementAndGet();
                }
                else
                {
                    badMessages.incrementAndGet();
                }
            }))
        {
            System.out.println("SUBSCRIBED client=" + index + " subscription=" + subscription.id());
            final Duration timeout = Duration.ofSeconds(20);
            final List<CompletableFuture<byte[]>> async = new ArrayList<>();
            final List<String> expectedAsync = new ArrayList<>();
            final GatewayHeaders headers = new GatewayHeaders();
            for (int i = 0; i < requests; i++)
            {
                final String body = "c" + index + "-r" + i;
                final String trace = "t" + index + "-" + i;
                headers.clear().traceId(trace);
                final byte[] payload = body.getBytes(StandardCharsets.UTF_8);
                final String expectedReply = "echo:" + body + "|trace=" + trace;
                if (i % 2 == 0)
                {
                    final byte[] reply = client.request("svc.echo", headers,
                        new org.agrona.concurrent.UnsafeBuffer(payload), 0, payload.length, timeout);
                    if (expectedReply.equals(new String(reply, StandardCharsets.UTF_8)))
                    {
                        requestsOk++;
                    }
                    else
                    {
                        badReplies++;
                        System.out.println("BAD REPLY " + new String(reply, StandardCharsets.UTF_8));
                    }
                }
                else
                {
                    async.add(client.requestAsync("svc.echo", headers, payload, timeout));
                    expectedAsync.add(expectedReply);
                }
            }
            for (int i = 0; i < async.size(); i++)
            {
                final String reply = new String(async.get(i).get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8);
                if (expectedAsync.get(i).equals(reply))
                {
                    requestsOk++;
                }
                else
                {
                    badReplies++;
                    System.out.println("BAD ASYNC REPLY " + reply);
                }
            }
            for (int i = 0; i < publishes; i++)
            {
                final byte[] payload = ("p" + i).getBytes(StandardCharsets.UTF_8);
                GatewayStatus status;
                while ((status = client.publish("local.c" + index, payload)) == GatewayStatus.BACK_PRESSURED)
                {
                    Thread.onSpinWait();
                }
                published += status == GatewayStatus.OK ? 1 : 0;
            }
            for (int i = 0; i < acked; i++)
            {
                client.publishAcked("orders.c" + index, ("order-" + i).getBytes(StandardCharsets.UTF_8), timeout);
                ackedOk++;
            }
            System.out.println("INVALID " + client.publish("bad subject", new byte[1]));
            try
            {
                client.request("nobody.home", new byte[1], Duration.ofSeconds(2));
                System.out.println("NORESPONDERS none");
            }
            catch (final GatewayException ex)
            {
                System.out.println("NORESPONDERS " + ex.status());
            }
            System.out.println("SENT client=" + index);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (messages.get() < expected && System.nanoTime() - deadline < 0)
            {
                Thread.sleep(10);
            }
            Thread.sleep(100);
        }
        System.out.printf(Locale.ROOT,
            "SUMMARY client=%d requestsOk=%d badReplies=%d published=%d acked=%d messages=%d badMessages=%d%n",
            index, requestsOk, badReplies, published, ackedOk, messages.get(), badMessages.get());
        System.out.flush();
        final boolean ok = requestsOk == requests && badReplies == 0 && published == publishes &&
            ackedOk == acked && messages.get() == expected && badMessages.get() == 0;
        System.exit(ok ? 0 : 1);
    }
}
