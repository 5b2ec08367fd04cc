package io.ipcgateway.bench.nats;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The responder JVM of {@code bench nats-direct}: one connection whose {@code Dispatcher} publishes each request's
 * payload back to its reply subject. It runs in its own JVM so that the client JVM's CPU time is the clients' alone.
 * It prints {@value #READY} once subscribed and exits when its standard input sends a line or closes.
 */
public final class NatsResponderRole
{
    /** Printed once the subscription is known to the server. */
    public static final String READY = "READY";

    private NatsResponderRole()
    {
    }

    /** The options of {@code child-nats-responder}, written by {@link NatsDirectRun}. */
    @Command(name = "ipc bench child-nats-responder", description = "The responder JVM of bench nats-direct.")
    public static final class RoleOptions
    {
        @Option(names = "--url", paramLabel = "nats://HOST:PORT", required = true, description = "the nats-server")
        private String url;

        @Option(names = "--subject", paramLabel = "SUBJECT", required = true, description = "the subject to answer")
        private String subject;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
        private boolean help;

        /**
         * The nats-server.
         *
         * @return its URL.
         */
        public String url()
        {
            return url;
        }

        /**
         * The subject to answer.
         *
         * @return the subject.
         */
        public String subject()
        {
            return subject;
        }
    }

    /**
     * Echo requests until told to stop.
     *
     * @param url     the nats-server.
     * @param subject the subject to answer.
     * @param out     where {@value #READY} is printed.
     * @throws Exception when it cannot connect or subscribe.
     */
    public static void run(final String url, final String subject, final PrintStream out) throws Exception
    {
        final Options options = Options.builder().server(url).connectionTimeout(Duration.ofSeconds(5)).build();
        final Connection connection = Nats.connect(options);
        try
        {
            final Dispatcher dispatcher = connection.createDispatcher(
                message -> connection.publish(message.getReplyTo(), message.getData()));
            dispatcher.subscribe(subject);
            connection.flush(Duration.ofSeconds(5));
            out.println(READY);
            out.flush();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)))
            {
                // Any line (the harness sends EXIT) or the end of input ends the responder.
                in.readLine();
            }
        }
        finally
        {
            connection.close();
        }
    }
}
