package io.ipcgateway.examples.gateway;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.impl.Headers;

/**
 * A NATS service connected to nats-server directly with jnats, as the gateway's far side in tests: answers requests on
 * {@code svc.echo} with {@code echo:PAYLOAD|trace=TRACE-ID} (the trace id from the request's headers, carried back
 * in the reply's headers too), and on {@code svc.slow} and {@code svc.slow.>} the same after sleeping
 * {@code --slow-ms}.
 * <p>
 * Arguments: {@code --nats URL [--slow-ms 0]}. Prints {@code READY} once subscribed; runs until killed.
 */
public final class NatsResponderMain
{
    private NatsResponderMain()
    {
    }

    /**
     * Runs the responder.
     *
     * @param args the options.
     * @throws Exception when NATS cannot be reached.
     */
    public static void main(final String[] args) throws Exception
    {
        final String url = option(args, "--nats", "nats://127.0.0.1:4222");
        final long slowMs = Long.parseLong(option(args, "--slow-ms", "0"));
        // Back soon after a restarted nats-server, as the gateways of the tests are (jnats' default waits 2 s).
        final Connection connection = Nats.connect(new Options.Builder().server(url)
            .reconnectWait(java.time.Duration.ofMillis(100)).maxReconnects(-1).build());
        final Dispatcher dispatcher = connection.createDispatcher(message ->
        {
            if (message.getReplyTo() == null)
            {
                return;
            }
            if (message.getSubject().startsWith("svc.slow") && slowMs > 0)
            {
                try
                {
                    Thread.sleep(slowMs);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
            final Headers in = message.getHeaders();
            final String trace = in == null ? null : in.getFirst(GatewayProtocol.TRACE_ID_HEADER);
            final Headers out = new Headers();
            if (trace != null)
            {
                out.add(GatewayProtocol.TRACE_ID_HEADER, trace);
            }
            final String body = "echo:" + new String(message.getData(), StandardCharsets.UTF_8) + "|trace=" + trace;
            connection.publish(message.getReplyTo(), out, body.getBytes(StandardCharsets.UTF_8));
        });
        dispatcher.subscribe("svc.echo");
        dispatcher.subscribe("svc.slow");
        dispatcher.subscribe("svc.slow.>");
        connection.flush(java.time.Duration.ofSeconds(5));
        System.out.println("READY responder pid=" + ProcessHandle.current().pid());
        System.out.flush();
        new CountDownLatch(1).await();
    }

    static String option(final String[] args, final String name, final String fallback)
    {
        for (int i = 0; i + 1 < args.length; i++)
        {
            if (name.equals(args[i]))
            {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
