package io.ipcgateway.bench.gateway;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ipcgateway.bench.BenchCli;
import io.ipcgateway.bench.load.ChildProcess;
import io.ipcgateway.bench.load.Histograms;
import io.ipcgateway.bench.load.ProcessStats;
import io.ipcgateway.examples.nats.LocalNatsServer;
import io.ipcgateway.bench.nats.NatsDirectResult;
import io.ipcgateway.bench.nats.NatsDirectRun;
import io.ipcgateway.bench.nats.NatsDirectSpec;
import io.ipcgateway.bench.nats.NatsResponderRole;
import io.ipcgateway.bench.report.Machine;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/ipc bench gateway}: issue 15's load proof, every row in one run against one nats-server it starts on a
 * free loopback port. Per repetition, one after the other:
 * <ol>
 * <li>{@value GatewayBenchRow#GATEWAY}: client threads spread over {@code --client-jvms} JVMs, each with its own
 * {@code GatewayClient} session, closed loop, through a gateway JVM (one NATS connection) to a responder JVM on NATS:
 * the full path, with the gateway's own time and its NATS leg read from the gateway beside the round trip;</li>
 * <li>{@value GatewayBenchRow#DIRECT_EACH} and {@value GatewayBenchRow#DIRECT_SHARED}: the same number of client
 * threads on jnats directly, a connection each and one shared ({@link NatsDirectRun}, its own responder);</li>
 * <li>{@value GatewayBenchRow#LOCAL_LEG}: client -> gateway -> client at an offered rate (open loop, each latency
 * counted from the request's intended send time, so a stalled sender does not hide its backlog) against a second
 * gateway JVM configured with {@code nats.mode: loopback}, which answers each request inside the gateway after its
 * whole dispatch and through the same hand-back a NATS answer takes, so only the local leg is timed: from the
 * client's request entering shared memory to the response read from its inbox, nats-server left out.</li>
 * </ol>
 * Both gateways run their whole path: the default downstream's circuit breaker and bulkhead, the per-client and total
 * rate limiters (with permits far above any rate reached here) and the audit log, in a folder under {@code /dev/shm}.
 * Every child JVM, the nats-server and the shared-memory folder are gone when it returns.
 */
public final class GatewayBench
{
    /** The subject requested in every row. */
    public static final String SUBJECT = NatsDirectRun.SUBJECT;
    /** Said beside every figure: the machine is shared. */
    public static final String NOISE_NOTE = "noisy: measured on a shared machine; not a verdict on the targets";

    private static final int UNLIMITED_PERMITS = 100_000_000;
    private static final String GATEWAY_SERVICE = "bench-gw";
    private static final String LOOPBACK_SERVICE = "bench-gw-loop";
    private static final long START_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long LINE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long EXIT_TIMEOUT_MS = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GatewayBenchSpec spec;
    private final Consumer<String> log;
    private final Path shmDir;
    private final String natsUrl;

    private GatewayBench(final GatewayBenchSpec spec, final Consumer<String> log, final Path shmDir,
        final String natsUrl)
    {
        this.spec = spec;
        this.log = log;
        this.shmDir = shmDir;
        this.natsUrl = natsUrl;
    }

    /**
     * Runs the command, or one of its child roles ({@code --child gateway-server|clients ...}).
     *
     * @param args the options (see {@link GatewayBenchSpec#parse}).
     * @throws IllegalArgumentException naming the option when the command line is wrong.
     * @throws io.ipcgateway.bench.BenchCli.HelpRequestedException when {@code --help} was given.
     * @throws Exception when the run fails.
     */
    public static void main(final List<String> args) throws Exception
    {
        if (!args.isEmpty() && "--child".equals(args.get(0)))
        {
            child(args.subList(1, args.size()));
            return;
        }
        final GatewayBenchSpec spec = GatewayBenchSpec.parse(args);
        System.err.printf(Locale.ROOT, "bench gateway: %d clients, %d B, warm-up %.1f s, %.1f s measured per row, " +
            "%d repetition(s); local leg at %d req/s offered by %d clients%n", spec.clients(), spec.size(),
            spec.warmupNs() / 1e9, spec.durationNs() / 1e9, spec.repetitions(), spec.localRate(), spec.localClients());
        final List<List<GatewayBenchRow>> repetitions = execute(spec, System.err::println);
        final String json = toJson(spec, repetitions);
        if ("-".equals(spec.json()))
        {
            System.out.println(json);
            return;
        }
        System.out.print(format(spec, repetitions));
        if (spec.json() != null)
        {
            Files.writeString(Path.of(spec.json()), json + "\n", StandardCharsets.UTF_8);
        }
    }

    /**
     * Runs every row {@code spec.repetitions()} times.
     *
     * @param spec what to run.
     * @param log  progress messages.
     * @return per repetition, its rows in the order of the class description.
     * @throws Exception when nats-server, a gateway, a responder or the clients fail.
     */
    public static List<List<GatewayBenchRow>> execute(final GatewayBenchSpec spec, final Consumer<String> log)
        throws Exception
    {
        if (LocalNatsServer.findBinary() == null)
        {
            throw new IllegalStateException("nats-server is not installed (Debian package nats-server)");
        }
        final Path shmDir = Files.createTempDirectory(Path.of("/dev/shm"), "ipc-bench-gw-");
        final List<ChildProcess> gateways = new ArrayList<>();
        try (LocalNatsServer nats = LocalNatsServer.start())
        {
            log.accept("nats-server: " + nats.url() + " (started, pid " + nats.pid() + "); shared memory in " + shmDir);
            final GatewayBench bench = new GatewayBench(spec, log, shmDir, nats.url());
            final ChildProcess gateway = bench.startGateway("gateway", GATEWAY_SERVICE, "url: \"" + nats.url() + "\"");
            gateways.add(gateway);
            final ChildProcess loopback = bench.startGateway("gateway-loopback", LOOPBACK_SERVICE, "mode: loopback");
            gateways.add(loopback);
            final List<List<GatewayBenchRow>> repetitions = new ArrayList<>();
            for (int r = 0; r < spec.repetitions(); r++)
            {
                log.accept("repetition " + (r + 1) + " of " + spec.repetitions());
                final List<GatewayBenchRow> rows = new ArrayList<>();
                rows.add(bench.throughGateway(gateway));
                rows.add(bench.direct(false));
                rows.add(bench.direct(true));
                rows.add(bench.localLeg(loopback));
                repetitions.add(rows);
            }
            for (final ChildProcess child : gateways)
            {
                child.exit(EXIT_TIMEOUT_MS);
            }
            return repetitions;
        }
        finally
        {
            for (final ChildProcess child : gateways)
            {
                child.close();
            }
            deleteRecursively(shmDir);
        }
    }

    private ChildProcess startGateway(final String name, final String service, final String natsSetting)
        throws Exception
    {
        final Path config = shmDir.resolve(name + ".yml");
        // The whole path on, as in production: the default downstream's breaker and bulkhead, both rate limiters
        // (permits far above any rate here, so they check but never refuse) and the audit log.
        Files.writeString(config, String.join("\n",
            "service: " + service,
            "directory: \"" + shmDir + "\"",
            "nats:",
            "  " + natsSetting,
            "rateLimits:",
            "  perClient: " + UNLIMITED_PERMITS,
            "  clientKey: session",
            "  total: " + UNLIMITED_PERMITS,
            "  period: 1s",
            "  totalName: " + name + "-total",
            "  sharedDirectory: \"" + shmDir.resolve("limits") + "\"",
            spec.audit() ? "audit:\n  directory: \"" + shmDir.resolve("audit-" + name) + "\"\n  name: " + name : "",
            ""), StandardCharsets.UTF_8);
        final ChildProcess child = ChildProcess.start(name, "gateway",
            List.of("--child", "gateway-server", "--config", config.toString()));
        try
        {
            log.accept(name + ": " + child.await(GatewayServerRole.READY, START_TIMEOUT_NS) + " pid " + child.pid());
        }
        catch (final RuntimeException | InterruptedException ex)
        {
            child.close();
            throw ex;
        }
        return child;
    }

    private GatewayBenchRow throughGateway(final ChildProcess gateway) throws Exception
    {
        try (ChildProcess responder = ChildProcess.start("nats-responder", "child-nats-responder",
            List.of("--url", natsUrl, "--subject", SUBJECT)))
        {
            responder.await(NatsResponderRole.READY, START_TIMEOUT_NS);
            final GatewayBenchRow row = runClients(GatewayBenchRow.GATEWAY, spec.clients() +
                " clients -> gateway (1 NATS connection) -> nats-server -> responder", gateway, GATEWAY_SERVICE,
                spec.clients(), 0, 1);
            responder.exit(EXIT_TIMEOUT_MS);
            return row;
        }
    }

    private GatewayBenchRow localLeg(final ChildProcess loopback) throws Exception
    {
        return runClients(GatewayBenchRow.LOCAL_LEG, spec.localClients() +
            " clients -> gateway (nats.mode: loopback, answered inside the gateway) -> clients", loopback,
            LOOPBACK_SERVICE, spec.localClients(), spec.localRate(), 0);
    }

    private GatewayBenchRow runClients(final String scenario, final String description, final ChildProcess gateway,
        final String service, final int clients, final int rate, final int natsConnections) throws Exception
    {
        final int jvms = Math.min(spec.clientJvms(), clients);
        log.accept(scenario + ": " + description + " (" + jvms + " client JVM(s))" + (rate == 0 ? ", closed loop" :
            ", open loop at " + rate + " req/s offered"));
        final List<ChildProcess> children = new ArrayList<>();
        try
        {
            for (int j = 0; j < jvms; j++)
            {
                // Clients and offered rate split as evenly as they go; the JVMs together offer the row's rate.
                final int share = clients / jvms + (j < clients % jvms ? 1 : 0);
                final long shareRate = rate == 0 ? 0 : Math.max(1, Math.round((double)rate * share / clients));
                children.add(ChildProcess.start(scenario + "-clients-" + j, "gateway", List.of("--child", "clients",
                    "--service", service, "--dir", shmDir.toString(), "--subject", SUBJECT, "--clients",
                    Integer.toString(share), "--size", Integer.toString(spec.size()), "--rate",
                    Long.toString(shareRate), "--warmup", spec.warmupNs() + "ns", "--duration",
                    spec.durationNs() + "ns")));
            }
            for (final ChildProcess child : children)
            {
                child.await(GatewayClientsRole.READY, START_TIMEOUT_NS);
            }
            children.forEach(child -> child.send(GatewayClientsRole.GO));
            for (final ChildProcess child : children)
            {
                child.await(GatewayClientsRole.MEASURING, spec.warmupNs() + START_TIMEOUT_NS);
            }
            final long gatewayCpu0 = ProcessStats.cpuNs(gateway.pid());
            final Histogram[] before = snapshot(gateway);
            for (final ChildProcess child : children)
            {
                child.await(GatewayClientsRole.DONE, spec.durationNs() + START_TIMEOUT_NS);
            }
            final long gatewayCpuNs = ProcessStats.cpuNs(gateway.pid()) - gatewayCpu0;
            final Histogram[] after = snapshot(gateway);
            final Histogram gatewayOwn = after[0];
            gatewayOwn.subtract(before[0]);
            final Histogram natsLeg = after[1];
            natsLeg.subtract(before[1]);

            final Histogram latency = Histograms.newHistogram();
            final Histogram intended = Histograms.newHistogram();
            final List<Long> perClient = new ArrayList<>();
            long windowNs = 0;
            long cpuNs = 0;
            long errors = 0;
            for (final ChildProcess child : children)
            {
                final JsonNode result = JSON.readTree(child.await(GatewayClientsRole.RESULT, START_TIMEOUT_NS)
                    .substring(GatewayClientsRole.RESULT.length()));
                child.exit(EXIT_TIMEOUT_MS);
                if (result.get("errors").asLong() > 0)
                {
                    log.accept(scenario + ": " + child.name() + " errors by status " + result.get("errorsByStatus"));
                }
                windowNs = Math.max(windowNs, result.get("windowNs").asLong());
                cpuNs += result.get("cpuNs").asLong();
                errors += result.get("errors").asLong();
                result.get("perClient").forEach(node -> perClient.add(node.asLong()));
                latency.add(Histograms.decode(result.get("histogram").asText()));
                intended.add(Histograms.decode(result.get("intendedHistogram").asText()));
            }
            final double perSecond = latency.getTotalCount() * 1e9 / windowNs;
            final boolean open = rate != 0;
            // Open loop: the figures clients would see, counted from the schedule (coordinated-omission free).
            final Histogram headline = open ? intended : latency;
            return new GatewayBenchRow(scenario, description, clients, jvms, natsConnections, open ? "open" : "closed",
                open ? rate : -1, perSecond, headline.getValueAtPercentile(50), headline.getValueAtPercentile(99),
                headline.getValueAtPercentile(99.9), open ? latency.getValueAtPercentile(50) : -1,
                open ? latency.getValueAtPercentile(99) : -1, GatewayBenchRow.fairnessOf(perClient),
                cpuNs / (double)windowNs, gatewayCpuNs / (double)windowNs, percentile(gatewayOwn, 50),
                percentile(gatewayOwn, 99), percentile(natsLeg, 50), percentile(natsLeg, 99), errors, perClient);
        }
        finally
        {
            for (final ChildProcess child : children)
            {
                child.close();
            }
        }
    }

    private static long percentile(final Histogram histogram, final double percentile)
    {
        return histogram.getTotalCount() == 0 ? -1 : histogram.getValueAtPercentile(percentile);
    }

    /** The gateway's own local-leg and NATS-leg histograms, cumulative. */
    private static Histogram[] snapshot(final ChildProcess gateway) throws InterruptedException
    {
        gateway.send(GatewayServerRole.SNAPSHOT);
        final String[] parts = gateway.await(GatewayServerRole.SNAPSHOT + " ", LINE_TIMEOUT_NS).split(" ");
        return new Histogram[] {Histograms.decode(parts[1]), Histograms.decode(parts[2])};
    }

    private GatewayBenchRow direct(final boolean shared) throws Exception
    {
        final NatsDirectSpec directSpec = new NatsDirectSpec(spec.clients(), shared, spec.size(), spec.durationNs(),
            spec.warmupNs(), natsUrl);
        final String description = spec.clients() + " clients on jnats directly, " +
            (shared ? "one shared connection" : "a connection each") + " -> nats-server -> responder";
        log.accept((shared ? GatewayBenchRow.DIRECT_SHARED : GatewayBenchRow.DIRECT_EACH) + ": " + description +
            ", closed loop");
        final NatsDirectResult result = NatsDirectRun.execute(directSpec, log);
        return new GatewayBenchRow(shared ? GatewayBenchRow.DIRECT_SHARED : GatewayBenchRow.DIRECT_EACH, description,
            spec.clients(), 1, directSpec.connections(), "closed", -1, result.requestsPerSecond(), result.p50Ns(),
            result.p99Ns(), -1, -1, -1, result.fairness(), result.clientCpuCores(), -1, -1, -1, -1, -1,
            result.errors(), result.perClient());
    }

    /**
     * Each scenario's median repetition and its slowest: by completed requests/s for the request/reply rows, by p99
     * for the local leg.
     *
     * @param repetitions the rows of every repetition.
     * @param slowest     true for the slowest, false for the median.
     * @return one row per scenario, in the order of the first repetition.
     */
    public static List<GatewayBenchRow> pick(final List<List<GatewayBenchRow>> repetitions, final boolean slowest)
    {
        final List<GatewayBenchRow> picked = new ArrayList<>();
        for (final GatewayBenchRow first : repetitions.get(0))
        {
            final Comparator<GatewayBenchRow> slowestFirst = GatewayBenchRow.LOCAL_LEG.equals(first.scenario()) ?
                Comparator.comparingLong(GatewayBenchRow::p99Ns).reversed() :
                Comparator.comparingDouble(GatewayBenchRow::perSecond);
            final List<GatewayBenchRow> runs = repetitions.stream().flatMap(List::stream)
                .filter(row -> row.scenario().equals(first.scenario())).sorted(slowestFirst).toList();
            picked.add(slowest ? runs.get(0) : runs.get(runs.size() / 2));
        }
        return picked;
    }

    /**
     * The Markdown report: the median and the slowest repetition of each row, and the figures beside issue 15's
     * targets.
     *
     * @param spec        what ran.
     * @param repetitions the rows of every repetition.
     * @return the text.
     */
    public static String format(final GatewayBenchSpec spec, final List<List<GatewayBenchRow>> repetitions)
    {
        final StringBuilder out = new StringBuilder();
        final List<GatewayBenchRow> median = pick(repetitions, false);
        out.append(String.format(Locale.ROOT, "bench gateway (%s), %d B payload, %.1f s per row, %d repetition(s)%n%n",
            NOISE_NOTE, spec.size(), spec.durationNs() / 1e9, repetitions.size()));
        out.append("Median repetition of each row:\n\n").append(table(median));
        if (repetitions.size() > 1)
        {
            out.append("\nSlowest repetition of each row:\n\n").append(table(pick(repetitions, true)));
        }
        out.append('\n').append(targets(median));
        return out.toString();
    }

    private static String table(final List<GatewayBenchRow> rows)
    {
        final StringBuilder out = new StringBuilder(
            "| row | clients (JVMs) | NATS conns | loop | req/s | p50 | p99 | p99.9 | fairness (min/mean) |" +
            " client CPU | client CPU/req | gateway CPU | gateway own p50 / p99 | NATS leg p50 / p99 | errors |\n" +
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (final GatewayBenchRow row : rows)
        {
            out.append(String.format(Locale.ROOT,
                "| %s | %d (%d) | %d | %s | %.1fk | %s | %s | %s | %.2f | %s | %s | %s | %s / %s | %s / %s | %d |%n",
                row.scenario(), row.clients(), row.clientJvms(), row.natsConnections(),
                row.loop() + (row.offeredPerSecond() > 0 ? String.format(Locale.ROOT, " (%.0fk offered)",
                    row.offeredPerSecond() / 1000.0) : ""),
                row.perSecond() / 1000, micros(row.p50Ns()), micros(row.p99Ns()), micros(row.p999Ns()),
                row.fairness(), cores(row.clientCpuCores()),
                row.perSecond() > 0 ? String.format(Locale.ROOT, "%.1f us", row.clientCpuCores() * 1e6 /
                    row.perSecond()) : "n/a", cores(row.gatewayCpuCores()), micros(row.gatewayP50Ns()),
                micros(row.gatewayP99Ns()), micros(row.natsLegP50Ns()), micros(row.natsLegP99Ns()), row.errors()));
        }
        out.append("Open-loop latencies count from each request's intended send time (no coordinated omission);" +
            " \"gateway own\" is the time inside the gateway process with the NATS leg left out.\n");
        return out.toString();
    }

    private static String targets(final List<GatewayBenchRow> median)
    {
        final Map<String, GatewayBenchRow> byScenario = new LinkedHashMap<>();
        median.forEach(row -> byScenario.put(row.scenario(), row));
        final GatewayBenchRow gateway = byScenario.get(GatewayBenchRow.GATEWAY);
        final GatewayBenchRow each = byScenario.get(GatewayBenchRow.DIRECT_EACH);
        final GatewayBenchRow shared = byScenario.get(GatewayBenchRow.DIRECT_SHARED);
        final GatewayBenchRow local = byScenario.get(GatewayBenchRow.LOCAL_LEG);
        return String.format(Locale.ROOT,
            "Issue 15's targets beside the median figures (%s):%n" +
            "- throughput through the gateway at least 1x direct jnats with a connection each: %.2fx " +
            "(%.1fk vs %.1fk req/s; %.2fx of one shared jnats connection's %.1fk), with %d NATS connection(s) " +
            "instead of %d, client CPU per request %.1f us vs %.1f us%n" +
            "- full path through nats-server (closed loop): round trip p50 %s / p99 %s, of which the gateway's own " +
            "time p50 %s / p99 %s and the NATS leg p50 %s / p99 %s%n" +
            "- local leg under 20 us p99 at 100k req/s (nats.mode: loopback, open loop at %.1fk req/s offered, " +
            "%.1fk completed, %d clients in %d JVM(s)): p50 %s, p99 %s, p99.9 %s from the intended send time " +
            "(from the actual send p50 %s, p99 %s); the gateway's own part p50 %s, p99 %s%n",
            NOISE_NOTE, gateway.perSecond() / each.perSecond(), gateway.perSecond() / 1000, each.perSecond() / 1000,
            gateway.perSecond() / shared.perSecond(), shared.perSecond() / 1000,
            gateway.natsConnections(), each.natsConnections(), gateway.clientCpuCores() * 1e6 / gateway.perSecond(),
            each.clientCpuCores() * 1e6 / each.perSecond(), micros(gateway.p50Ns()), micros(gateway.p99Ns()),
            micros(gateway.gatewayP50Ns()), micros(gateway.gatewayP99Ns()), micros(gateway.natsLegP50Ns()),
            micros(gateway.natsLegP99Ns()), local.offeredPerSecond() / 1000.0, local.perSecond() / 1000,
            local.clients(), local.clientJvms(), micros(local.p50Ns()), micros(local.p99Ns()),
            micros(local.p999Ns()), micros(local.sentP50Ns()), micros(local.sentP99Ns()),
            micros(local.gatewayP50Ns()), micros(local.gatewayP99Ns()));
    }

    /**
     * The whole run as JSON (Jackson): the spec, the machine, every repetition, the median and slowest rows.
     *
     * @param spec        what ran.
     * @param repetitions the rows of every repetition.
     * @return the JSON text, indented.
     * @throws IOException when Jackson cannot write it.
     */
    public static String toJson(final GatewayBenchSpec spec, final List<List<GatewayBenchRow>> repetitions)
        throws IOException
    {
        final Map<String, Object> root = new LinkedHashMap<>();
        root.put("command", "bench gateway");
        root.put("note", NOISE_NOTE);
        root.put("machine", Machine.describe());
        root.put("spec", spec);
        root.put("median", pick(repetitions, false));
        root.put("slowest", pick(repetitions, true));
        root.put("repetitions", repetitions);
        return JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    }

    private static String micros(final long ns)
    {
        if (ns < 0)
        {
            return "n/a";
        }
        return ns >= 1_000_000 ? String.format(Locale.ROOT, "%.2f ms", ns / 1e6) :
            String.format(Locale.ROOT, "%.1f us", ns / 1e3);
    }

    private static String cores(final double cores)
    {
        return cores < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f cores", cores);
    }

    private static void child(final List<String> args)
    {
        final List<String> rest = args.subList(Math.min(1, args.size()), args.size());
        final String role = args.isEmpty() ? "" : args.get(0);
        // Parsed before the role starts, as bench's other child roles are: a bad command line exits with 2.
        final Role body;
        final PrintStream out = System.out;
        if ("gateway-server".equals(role))
        {
            final ServerRoleOptions options = BenchCli.parse(new ServerRoleOptions(), rest);
            body = () -> GatewayServerRole.run(options.config, out);
        }
        else if ("clients".equals(role))
        {
            final ClientsRoleOptions options = BenchCli.parse(new ClientsRoleOptions(), rest);
            if (options.rate < 0)
            {
                throw new IllegalArgumentException("--rate must not be negative, but was " + options.rate);
            }
            body = () -> GatewayClientsRole.run(options.service, options.dir, options.subject, options.clients,
                options.size, options.rate, options.warmupNs, options.durationNs, out);
        }
        else
        {
            throw new IllegalArgumentException("--child must be gateway-server or clients, but was '" + role + "'");
        }
        int status = 0;
        try
        {
            body.run();
        }
        catch (final Throwable ex)
        {
            ex.printStackTrace();
            // Last, on one line: the orchestrator quotes a child's last lines of standard error in its error.
            System.err.println("child failed: " + ex);
            status = 1;
        }
        out.flush();
        System.exit(status);
    }

    /** The body of a child role. */
    @FunctionalInterface
    private interface Role
    {
        void run() throws Exception;
    }

    /** The options of {@code bench gateway --child gateway-server}, written by the orchestrator. */
    @Command(name = "ipc bench gateway --child gateway-server", sortOptions = false,
        description = "A gateway JVM of bench gateway, from its configuration file.")
    static final class ServerRoleOptions
    {
        @Option(names = "--config", paramLabel = "FILE", required = true, description = "the gateway's YAML"
            + " configuration")
        private Path config;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
        private boolean help;
    }

    /** The options of {@code bench gateway --child clients}, written by the orchestrator. */
    @Command(name = "ipc bench gateway --child clients", sortOptions = false,
        description = "The client JVM of a row of bench gateway: one gateway session per client thread.")
    static final class ClientsRoleOptions
    {
        @Option(names = "--service", paramLabel = "NAME", required = true, description = "the gateway's service")
        private String service;

        @Option(names = "--dir", paramLabel = "DIR", required = true, description = "the shared-memory folder")
        private Path dir;

        @Option(names = "--subject", paramLabel = "SUBJECT", required = true, description = "the subject requested")
        private String subject;

        @Option(names = "--clients", paramLabel = "N", required = true, converter = BenchCli.PositiveInt.class,
            description = "client threads")
        private int clients;

        @Option(names = "--size", paramLabel = "BYTES", required = true, converter = BenchCli.Bytes.class,
            description = "request payload")
        private int size;

        @Option(names = "--rate", paramLabel = "R", required = true,
            description = "offered requests/s of all clients together, 0 for closed loop")
        private int rate;

        @Option(names = "--warmup", paramLabel = "TIME", required = true, converter = BenchCli.Duration.class,
            description = "warm-up, not counted")
        private long warmupNs;

        @Option(names = "--duration", paramLabel = "TIME", required = true, converter = BenchCli.Duration.class,
            description = "measured time")
        private long durationNs;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
        private boolean help;
    }

    private static void deleteRecursively(final Path dir) throws IOException
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> files = Files.walk(dir))
        {
            for (final Path path : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
    }
}
