package io.ipcgateway.bench.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.bench.BenchMain;
import io.ipcgateway.bench.load.Args;

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
 * @param audit        whether the gateways write their audit log (default true: the whole path).
 * @param json         where to write the JSON, {@code -} for standard output instead of the table, or null.
 */
public record GatewayBenchSpec(int clients, int size, long durationNs, long warmupNs, int repetitions,
    int localRate, int localClients, boolean audit, String json)
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
     *             [--rate R] [--local-clients L] [--audit on|off] [--json FILE|-]}.
     * @return the spec.
     * @throws IllegalArgumentException naming an option that is wrong or unknown.
     */
    public static GatewayBenchSpec parse(final List<String> args)
    {
        final List<String> rest = new ArrayList<>(args);
        final boolean quick = rest.remove("--quick");
        final String clients = BenchMain.takeOption(rest, "--clients");
        final String size = BenchMain.takeOption(rest, "--size");
        final String duration = BenchMain.takeOption(rest, "--duration");
        final String warmup = BenchMain.takeOption(rest, "--warmup");
        final String repetitions = BenchMain.takeOption(rest, "--repetitions");
        final String rate = BenchMain.takeOption(rest, "--rate");
        final String localClients = BenchMain.takeOption(rest, "--local-clients");
        final String audit = BenchMain.takeOption(rest, "--audit");
        final String json = BenchMain.takeOption(rest, "--json");
        BenchMain.requireEmpty(rest);
        if (audit != null && !"on".equals(audit) && !"off".equals(audit))
        {
            throw new IllegalArgumentException("--audit must be on or off, but was " + audit);
        }
        return new GatewayBenchSpec(
            clients == null ? DEFAULT_CLIENTS : Args.parsePositiveInt("--clients", clients),
            size == null ? DEFAULT_SIZE : Args.parseBytes("--size", size),
            duration != null ? Args.parseDurationNs("--duration", duration) :
                quick ? QUICK_DURATION_NS : DEFAULT_DURATION_NS,
            warmup != null ? Args.parseDurationNs("--warmup", warmup) : quick ? QUICK_WARMUP_NS : DEFAULT_WARMUP_NS,
            repetitions != null ? Args.parsePositiveInt("--repetitions", repetitions) :
                quick ? 1 : DEFAULT_REPETITIONS,
            rate == null ? DEFAULT_LOCAL_RATE : Args.parsePositiveInt("--rate", rate),
            localClients == null ? DEFAULT_LOCAL_CLIENTS : Args.parsePositiveInt("--local-clients", localClients),
            !"off".equals(audit), json);
    }
}
