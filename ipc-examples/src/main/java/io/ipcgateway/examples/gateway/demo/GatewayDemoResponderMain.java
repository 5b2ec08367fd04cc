package io.ipcgateway.examples.gateway.demo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The gateway demo's far side: a NATS service connected to nats-server directly with jnats (not through the
 * gateway), answering each request on {@code --subject} with {@code echo:PAYLOAD}. Prints {@code READY} once
 * subscribed; runs until SIGTERM or Ctrl-C, then closes its connection.
 */
@Command(name = "gateway-demo-responder", mixinStandardHelpOptions = true,
    description = "Answer NATS requests with echo:PAYLOAD (the gateway demo's responder).")
public final class GatewayDemoResponderMain implements Callable<Integer>
{
    @Option(names = "--nats", required = true, paramLabel = "URL", description = "The NATS server URL.")
    private String url;

    @Option(names = "--subject", defaultValue = GatewayDemoMain.ECHO_SUBJECT, paramLabel = "SUBJECT",
        description = "The subject to answer (default: ${DEFAULT-VALUE}).")
    private String subject;

    /**
     * Runs the responder.
     *
     * @param args the command line; {@code --help} describes it.
     */
    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new GatewayDemoResponderMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception
    {
        final Connection connection = Nats.connect(url);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            try
            {
                connection.close();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, "responder-close"));
        final Dispatcher dispatcher = connection.createDispatcher(message ->
        {
            if (message.getReplyTo() != null)
            {
                connection.publish(message.getReplyTo(),
                    ("echo:" + new String(message.getData(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
            }
        });
        dispatcher.subscribe(subject);
        connection.flush(Duration.ofSeconds(5));
        System.out.println("READY responder subject=" + subject + " pid=" + ProcessHandle.current().pid());
        System.out.flush();
        new CountDownLatch(1).await();
        return 0;
    }
}
