package io.ipcgateway.bench.nats;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.bench.BenchCli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What {@code bin/ipc bench nats-direct} runs: client threads doing synchronous jnats requests to one echoing
 * responder, over a connection each or one shared connection.
 *
 * @param clients    client threads.
 * @param shared     true for one connection shared by every client, false for a connection each.
 * @param size       request payload in bytes.
 * @param durationNs measured window.
 * @param warmupNs   time run first and not counted.
 * @param url        the nats-server to use, or null to start a local one on a free loopback port.
 */
public record NatsDirectSpec(int clients, boolean shared, int size, long durationNs, long warmupNs, String url)
{
    /** Default client threads. */
    public static final int DEFAULT_CLIENTS = 32;
    /** Default payload: 32 bytes, as in the gateway's notes. */
    public static final int DEFAULT_SIZE = 32;
    /** Default measured window. */
    public static final long DEFAULT_DURATION_NS = TimeUnit.SECONDS.toNanos(10);
    /** Default warm-up. */
    public static final long DEFAULT_WARMUP_NS = TimeUnit.SECONDS.toNanos(2);
    /** The most client threads accepted. */
    public static final int MAX_CLIENTS = 1024;
    /** The largest payload accepted (nats-server's default max_payload is 1 MiB). */
    public static final int MAX_SIZE = 1 << 20;

    /**
     * Validates every field, naming the option that is wrong.
     */
    public NatsDirectSpec
    {
        if (clients < 1 || clients > MAX_CLIENTS)
        {
            throw new IllegalArgumentException("--clients must be in [1, " + MAX_CLIENTS + "], but was " + clients);
        }
        if (size < 1 || size > MAX_SIZE)
        {
            throw new IllegalArgumentException("--size must be in [1, " + MAX_SIZE + "] bytes, but was " + size);
        }
        if (durationNs < TimeUnit.MILLISECONDS.toNanos(100))
        {
            throw new IllegalArgumentException("--seconds must be at least 100ms, but was " + durationNs + " ns");
        }
        if (warmupNs < 0)
        {
            throw new IllegalArgumentException("--warmup must not be negative, but was " + warmupNs + " ns");
        }
        if (url != null && !url.startsWith("nats://"))
        {
            throw new IllegalArgumentException("--url must be a nats:// URL, but was " + url);
        }
    }

    /**
     * Parse the command's options.
     *
     * @param args {@code --clients N --connections each|shared --size B --seconds 10s --warmup 2s --url nats://..}.
     * @return the spec.
     * @throws IllegalArgumentException naming an option that is wrong or unknown.
     */
    public static NatsDirectSpec parse(final List<String> args)
    {
        final Options options = BenchCli.parse(new Options(), args);
        final boolean shared;
        if ("each".equals(options.connections))
        {
            shared = false;
        }
        else if ("shared".equals(options.connections))
        {
            shared = true;
        }
        else
        {
            throw new IllegalArgumentException("--connections must be each or shared, but was " + options.connections);
        }
        return new NatsDirectSpec(options.clients, shared, options.size, options.durationNs, options.warmupNs,
            options.url);
    }

    /** The options of {@code bench nats-direct}. */
    @Command(name = "ipc bench nats-direct", sortOptions = false, description = "Client threads doing synchronous"
        + " jnats requests to an echoing responder JVM through a nats-server: what local processes get without a"
        + " gateway.")
    static final class Options
    {
        @Option(names = "--clients", paramLabel = "N", defaultValue = "" + DEFAULT_CLIENTS,
            converter = BenchCli.PositiveInt.class, description = "client threads (default: ${DEFAULT-VALUE})")
        private int clients;

        @Option(names = "--connections", paramLabel = "each|shared", defaultValue = "each",
            description = "a connection per client, or one shared by all (default: ${DEFAULT-VALUE})")
        private String connections;

        @Option(names = "--size", paramLabel = "BYTES", defaultValue = "" + DEFAULT_SIZE,
            converter = BenchCli.Bytes.class, description = "request payload (default: ${DEFAULT-VALUE})")
        private int size;

        @Option(names = "--seconds", paramLabel = "TIME", defaultValue = "10s", converter = BenchCli.Duration.class,
            description = "measured time (default: ${DEFAULT-VALUE})")
        private long durationNs;

        @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "2s", converter = BenchCli.Duration.class,
            description = "excluded warm-up (default: ${DEFAULT-VALUE})")
        private long warmupNs;

        @Option(names = "--url", paramLabel = "nats://HOST:PORT", description = "a running nats-server (default:"
            + " start one on a free 127.0.0.1 port; needs the Debian package nats-server)")
        private String url;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
        private boolean help;
    }

    /**
     * The connections the clients use.
     *
     * @return 1 when shared, else one per client.
     */
    public int connections()
    {
        return shared ? 1 : clients;
    }
}
