package io.ipcgateway.bench.gateway;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.bench.BenchCli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What {@code bin/ipc bench gateway} runs: the request/reply rows through the gateway and directly on jnats with the
 * same client count, and the gateway's local leg at an offered rate with NATS answered inside the gateway.
 *
 * @param clients      client threads of the request/reply rows (default {@value #DEFAULT_CLIENTS}).
 * @param size         request payload in bytes.
 * @param durationNs   measured window of each row.
 * @param warmupNs     time each row runs first, not counted.
 * @param repetitions  how many times every row runs; the report gives the median and the slowest repetition.
 * @param localRate    offered rate of the local-leg row, requests/s over all its clients.
 * @param localClients clients (sessions) of the local-leg row, each offering {@code localRate / localClients}.
 * @param clientJvms   the JVMs the client threads of each gateway row are spread over (at most one per client):
 *                     separate processes, as real local clients are, each with its own JIT and GC.
 * @param audit        whether the gateways write their audit log (default true: the whole path).
 * @param json         where to write the JSON, {@code -} for standard output instead of the table, or null.
 */
public record GatewayBenchSpec(int clients, int size, long durationNs, long warmupNs, int repetitions,
    int localRate, int localClients, int clientJvms, boolean audit, String json)
{
    /** Default client threads of the request/reply rows. */
    public static final int DEFAULT_CLIENTS = 32;
    /** Default payload. */
    public static final int DEFAULT_SIZE = 32;
    /** Default measured window of a row. */
    public static final long DEFAULT_DURATION_NS = TimeUnit.SECONDS.toNanos(10);
    /** Default warm-up of a row. */
    public static final long DEFAULT_WARMUP_NS = TimeUnit.SECONDS.toNanos(2);
    /** Measured window with {@code --quick}. */
    public static final long QUICK_DURATION_NS = TimeUnit.SECONDS.toNanos(2);
    /** Warm-up with {@code --quick}. */
    public static final long QUICK_WARMUP_NS = TimeUnit.MILLISECONDS.toNanos(700);
    /** Default repetitions ({@code --quick}: 1). */
    public static final int DEFAULT_REPETITIONS = 3;
    /** Default offered rate of the local leg: issue 15's target rate. */
    public static final int DEFAULT_LOCAL_RATE = 100_000;
    /** Default clients of the local-leg row. */
    public static final int DEFAULT_LOCAL_CLIENTS = 4;
    /**
     * Default JVMs the clients of a gateway row are spread over: one, as the direct rows. On a 2-core machine more
     * JVMs are not cheap (each its own JIT, GC and receiver threads): in one noisy run the gateway row fell from 1.04x
     * to 0.55x of direct-each with 4 client JVMs instead of 1.
     */
    public static final int DEFAULT_CLIENT_JVMS = 1;
    /** Most clients accepted. */
    public static final int MAX_CLIENTS = 256;
    /** Largest payload accepted. */
    public static final int MAX_SIZE = 64 * 1024;

    /**
     * Validates every field, naming the option that is wrong.
     */
    public GatewayBenchSpec
    {
        if (clients < 1 || clients > MAX_CLIENTS)
        {
            throw new IllegalArgumentException("--clients must be in [1, " + MAX_CLIENTS + "], but was " + clients);
        }
        if (size < 1 || size > MAX_SIZE)
        {
            throw new IllegalArgumentException("--size must be in [1, " + MAX_SIZE + "] bytes, but was " + size);
        }
        if (durationNs < TimeUnit.MILLISECONDS.toNanos(200))
        {
            throw new IllegalArgumentException("--duration must be at least 200ms, but was " + durationNs + " ns");
        }
        if (warmupNs < 0)
        {
            throw new IllegalArgumentException("--warmup must not be negative, but was " + warmupNs + " ns");
        }
        if (repetitions < 1 || repetitions > 100)
        {
            throw new IllegalArgumentException("--repetitions must be in [1, 100], but was " + repetitions);
        }
        if (localRate < 1 || localRate > 10_000_000)
        {
            throw new IllegalArgumentException("--rate must be in [1, 10000000] requests/s, but was " + localRate);
        }
        if (clientJvms < 1 || clientJvms > MAX_CLIENTS)
        {
            throw new IllegalArgumentException("--client-jvms must be in [1, " + MAX_CLIENTS + "], but was " +
                clientJvms);
        }
        if (localClients < 1 || localClients > MAX_CLIENTS)
        {
            throw new IllegalArgumentException("--local-clients must be in [1, " + MAX_CLIENTS + "], but was " +
                localClients);
        }
    }

    /**
     * Parses the command's options.
     *
     * @param args {@code [--quick] [--clients N] [--size B] [--duration 10s] [--warmup 2s] [--repetitions K]
     *             [--rate R] [--local-clients L] [--client-jvms J] [--audit on|off] [--json FILE|-]}.
     * @return the spec.
     * @throws IllegalArgumentException naming an option that is wrong or unknown.
     * @throws io.ipcgateway.bench.BenchCli.HelpRequestedException when {@code --help} was given.
     */
    public static GatewayBenchSpec parse(final List<String> args)
    {
        final Options options = BenchCli.parse(new Options(), args);
        if (!"on".equals(options.audit) && !"off".equals(options.audit))
        {
            throw new IllegalArgumentException("--audit must be on or off, but was " + options.audit);
        }
        final boolean quick = options.quick;
        return new GatewayBenchSpec(options.clients, options.size,
            options.durationNs != null ? options.durationNs : quick ? QUICK_DURATION_NS : DEFAULT_DURATION_NS,
            options.warmupNs != null ? options.warmupNs : quick ? QUICK_WARMUP_NS : DEFAULT_WARMUP_NS,
            options.repetitions != null ? options.repetitions : quick ? 1 : DEFAULT_REPETITIONS,
            options.rate, options.localClients, options.clientJvms, "on".equals(options.audit), options.json);
    }

    /** The options of {@code bench gateway}. */
    @Command(name = "ipc bench gateway", sortOptions = false, description = {"Issue 15's load proof in one run,"
        + " against a nats-server started on a free 127.0.0.1 port (Debian package nats-server). Every row runs once"
        + " per repetition, one after the other:",
        "- gateway: N client threads spread over --client-jvms JVMs, each with its own gateway session, closed loop,"
        + " through a gateway JVM (one NATS connection) to an echoing responder JVM on NATS; the gateway's own time"
        + " and its NATS leg are reported beside the clients' round trip;",
        "- direct-each: the same N client threads on jnats directly, a connection each (what users do without us);",
        "- direct-shared: the same, sharing one jnats connection;",
        "- local-leg: client -> gateway -> client at an offered rate (open loop, latency from each request's intended"
        + " send time), against a gateway configured with nats.mode: loopback (requests answered inside the gateway"
        + " through the same hand-back a NATS answer takes, no NATS).",
        "Prints the median and the slowest repetition of each row; the figures are noisy on a shared machine."})
    static final class Options
    {
        @Option(names = "--quick", description = "2 s rows after 0.7 s warm-up, one repetition")
        private boolean quick;

        @Option(names = "--clients", paramLabel = "N", defaultValue = "" + DEFAULT_CLIENTS,
            converter = BenchCli.PositiveInt.class,
            description = "client threads of the request/reply rows, at most " + MAX_CLIENTS
                + " (default: ${DEFAULT-VALUE})")
        private int clients;

        @Option(names = "--size", paramLabel = "BYTES", defaultValue = "" + DEFAULT_SIZE,
            converter = BenchCli.Bytes.class, description = "request payload (default: ${DEFAULT-VALUE})")
        private int size;

        @Option(names = "--duration", paramLabel = "TIME", converter = BenchCli.Duration.class,
            description = "measured time of each row, at least 200ms (default 10s, quick 2s)")
        private Long durationNs;

        @Option(names = "--warmup", paramLabel = "TIME", converter = BenchCli.Duration.class,
            description = "warm-up of each row (default 2s, quick 0.7s)")
        private Long warmupNs;

        @Option(names = "--repetitions", paramLabel = "K", converter = BenchCli.PositiveInt.class,
            description = "repetitions, at most 100 (default " + DEFAULT_REPETITIONS + ", quick 1)")
        private Integer repetitions;

        @Option(names = "--rate", paramLabel = "R", defaultValue = "" + DEFAULT_LOCAL_RATE,
            converter = BenchCli.PositiveInt.class, description = "offered requests/s of the local leg, all its"
                + " clients together (default: ${DEFAULT-VALUE})")
        private int rate;

        @Option(names = "--local-clients", paramLabel = "L", defaultValue = "" + DEFAULT_LOCAL_CLIENTS,
            converter = BenchCli.PositiveInt.class,
            description = "clients of the local leg, at most " + MAX_CLIENTS + " (default: ${DEFAULT-VALUE})")
        private int localClients;

        @Option(names = "--client-jvms", paramLabel = "J", defaultValue = "" + DEFAULT_CLIENT_JVMS,
            converter = BenchCli.PositiveInt.class, description = "JVMs the clients of the gateway and local-leg rows"
                + " are spread over, at most one per client (default: ${DEFAULT-VALUE}); the direct rows stay in one"
                + " JVM")
        private int clientJvms;

        @Option(names = "--audit", paramLabel = "on|off", defaultValue = "on",
            description = "whether both gateways write their audit log (default: ${DEFAULT-VALUE}: the whole path)")
        private String audit;

        @Option(names = "--json", paramLabel = "FILE", description = "also write every figure as JSON; '-' prints the"
            + " JSON instead of the table")
        private String json;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
        private boolean help;
    }
}
