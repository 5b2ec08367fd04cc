package io.ipcgateway.examples.gateway.demo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.ipcgateway.core.Jvm;
import io.ipcgateway.examples.gateway.GatewayClient;
import io.ipcgateway.examples.gateway.GatewayException;
import io.ipcgateway.examples.gateway.GatewayStatus;
import io.ipcgateway.examples.gateway.Subscription;
import io.ipcgateway.shm.ClientContext;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The gateway demo's local client: connects to the gateway over shared memory ({@link GatewayClient}), subscribes to
 * {@code demo.events.>}, publishes {@code --publishes} one-way messages to {@code demo.events.tick} (NATS brings them
 * back to its own subscription through the gateway), then makes {@code --requests} requests to the responder on
 * {@code demo.echo} and times each. Ends with one line the demo reads:
 * {@code RESULT requests=N requestsOk=N p50Us=X p99Us=X publishes=N published=N received=N}; exit code 0 when
 * every request was answered correctly and every publish came back.
 */
@Command(name = "gateway-demo-client", mixinStandardHelpOptions = true,
    description = "Publish, request and subscribe through the gateway (the gateway demo's client).")
public final class GatewayDemoClientMain implements Callable<Integer>
{
    /** The subscription pattern. */
    static final String EVENTS_PATTERN = "demo.events.>";
    /** The subject publishes go to. */
    static final String EVENTS_SUBJECT = "demo.events.tick";

    private static final long DELIVERY_WAIT_NANOS = TimeUnit.SECONDS.toNanos(20);

    @Option(names = "--service", required = true, description = "The gateway's shared-memory service.")
    private String service;

    @Option(names = "--dir", paramLabel = "DIR", description = "The service's base directory.")
    private Path dir;

    @Option(names = "--requests", defaultValue = "1000", description = "Requests to make (default: ${DEFAULT-VALUE}).")
    private int requests;

    @Option(names = "--publishes", defaultValue = "1000",
        description = "One-way publishes to make (default: ${DEFAULT-VALUE}).")
    private int publishes;

    /**
     * Runs the client.
     *
     * @param args the command line; {@code --help} describes it.
     */
    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new GatewayDemoClientMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception
    {
        Jvm.check();
        final ClientContext context = new ClientContext().serviceName(service)
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(30));
        if (dir != null)
        {
            context.baseDirectory(dir);
        }
        final AtomicLong received = new AtomicLong();
        final Histogram micros = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        long requestsOk = 0;
        long published = 0;
        try (GatewayClient client = GatewayClient.connect(context);
            Subscription subscription = client.subscribe(EVENTS_PATTERN, message -> received.incrementAndGet()))
        {
            System.out.println("SUBSCRIBED pattern=" + subscription.pattern());
            for (int i = 0; i < publishes; i++)
            {
                GatewayStatus status = client.publish(EVENTS_SUBJECT, bytes("event-" + i));
                while (status == GatewayStatus.BACK_PRESSURED)
                {
                    Thread.onSpinWait();
                    status = client.publish(EVENTS_SUBJECT, bytes("event-" + i));
                }
                if (status == GatewayStatus.OK)
                {
                    published++;
                }
                else
                {
                    System.out.println("PUBLISH FAILED " + status);
                }
            }
            for (int i = 0; i < requests; i++)
            {
                final String body = "hello-" + i;
                final long start = System.nanoTime();
                try
                {
                    final byte[] reply = client.request(GatewayDemoMain.ECHO_SUBJECT, bytes(body),
                        Duration.ofSeconds(5));
                    micros.recordValue(Math.min(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start),
                        micros.getHighestTrackableValue()));
                    if (("echo:" + body).equals(new String(reply, StandardCharsets.UTF_8)))
                    {
                        requestsOk++;
                    }
                }
                catch (final GatewayException ex)
                {
                    System.out.println("REQUEST FAILED " + ex.status() + ": " + ex.getMessage());
                }
            }
            final long deadline = System.nanoTime() + DELIVERY_WAIT_NANOS;
            while (received.get() < published && System.nanoTime() - deadline < 0)
            {
                Thread.sleep(10);
            }
        }
        System.out.printf(Locale.ROOT, "RESULT requests=%d requestsOk=%d p50Us=%d p99Us=%d publishes=%d " +
            "published=%d received=%d%n", requests, requestsOk, micros.getValueAtPercentile(50),
            micros.getValueAtPercentile(99), publishes, published, received.get());
        System.out.flush();
        return requestsOk == requests && published == publishes && received.get() == published ? 0 : 1;
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
