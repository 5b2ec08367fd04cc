package io.ipcgateway.bench.paired;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.bench.BenchCli;
import io.ipcgateway.bench.transport.Transports;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What {@code bin/ipc bench paired} runs: which transports, which traffic, how many phases of what length.
 *
 * @param transports   two or more of {@link Transports#NAMES}; the first is the one ratios are taken against.
 * @param pingPong     true for a busy-spin ping-pong, false for one-way messages from one producer.
 * @param size         message size in bytes.
 * @param rounds       measured rounds; each round gives every transport one phase.
 * @param warmupRounds rounds run first and not counted (JIT compilation, page faults).
 * @param phaseNs      length of one phase.
 * @param producers    one-way: producer threads, each with its own client (one in ping-pong).
 */
public record PairedSpec(List<String> transports, boolean pingPong, int size, int rounds, int warmupRounds,
    long phaseNs, int producers)
{
    /** The default phase: short enough that both sides of a pair see the same state of the VM. */
    public static final long DEFAULT_PHASE_NS = TimeUnit.MILLISECONDS.toNanos(300);
    private static final int MIN_SIZE = 16;

    /**
     * Validates every field, naming the option that is wrong.
     */
    public PairedSpec
    {
        transports = List.copyOf(transports);
        if (transports.size() < 2 || transports.stream().distinct().count() != transports.size())
        {
            throw new IllegalArgumentException("--transports needs two or more different transports, got "
                + transports);
        }
        for (final String name : transports)
        {
            if (!Transports.NAMES.contains(name))
            {
                throw new IllegalArgumentException("--transports: unknown transport " + name + ", known: "
                    + Transports.NAMES);
            }
            if (Transports.CHRONICLE.equals(name))
            {
                // Paired phases share one JVM, and Chronicle runs only in JVMs of its own (bench run, compare).
                throw new IllegalArgumentException("--transports: chronicle cannot run paired, in one JVM with "
                    + "the others; use bench run or bench compare");
            }
        }
        if (size < MIN_SIZE)
        {
            throw new IllegalArgumentException("--size must be at least " + MIN_SIZE + " bytes, got " + size);
        }
        if (rounds < 1 || warmupRounds < 0)
        {
            throw new IllegalArgumentException("--rounds must be >= 1 and --warmup-rounds >= 0, got " + rounds
                + " and " + warmupRounds);
        }
        if (producers < 1 || (pingPong && producers != 1))
        {
            throw new IllegalArgumentException("--producers must be >= 1, and 1 with --mode pingpong, got "
                + producers);
        }
        if (phaseNs < TimeUnit.MILLISECONDS.toNanos(10))
        {
            throw new IllegalArgumentException("--phase must be at least 10ms, got " + phaseNs + " ns");
        }
    }

    /**
     * Parse the options of {@code bin/ipc bench paired}.
     *
     * @param args the options; every one must be understood.
     * @return the spec.
     * @throws IllegalArgumentException naming the option that is wrong.
     */
    public static PairedSpec parse(final List<String> args)
    {
        final Options options = BenchCli.parse(new Options(), args);
        if (!options.mode.equals("oneway") && !options.mode.equals("pingpong"))
        {
            throw new IllegalArgumentException("--mode must be oneway or pingpong, got " + options.mode);
        }
        return new PairedSpec(List.of(options.transports.split(",")), "pingpong".equals(options.mode), options.size,
            options.rounds, options.warmupRounds, options.phaseNs, options.producers);
    }

    /**
     * A spec with one producer.
     *
     * @param transports   the transports, ratios taken to the first.
     * @param pingPong     busy-spin ping-pong rather than one-way.
     * @param size         message size in bytes.
     * @param rounds       measured rounds.
     * @param warmupRounds rounds run first and not counted.
     * @param phaseNs      length of one phase.
     */
    public PairedSpec(final List<String> transports, final boolean pingPong, final int size, final int rounds,
        final int warmupRounds, final long phaseNs)
    {
        this(transports, pingPong, size, rounds, warmupRounds, phaseNs, 1);
    }

    /** The options of {@code bench paired}. */
    @Command(name = "ipc bench paired", sortOptions = false, description = "Two or more transports in one JVM taking"
        + " turns in short phases, so each round compares them under the same machine state; prints per-round"
        + " ratios to the first transport.")
    static final class Options
    {
        @Option(names = "--transports", paramLabel = "a,b", defaultValue = "ipc,agrona", description = "two or more"
            + " of ipc,agrona,aeron,uds; ratios are taken to the first (default: ${DEFAULT-VALUE})")
        private String transports;

        @Option(names = "--mode", paramLabel = "oneway|pingpong", defaultValue = "oneway", description = "one"
            + " producer one-way, or busy-spin ping-pong (default: ${DEFAULT-VALUE})")
        private String mode;

        @Option(names = "--size", paramLabel = "BYTES", defaultValue = "32", converter = BenchCli.Bytes.class,
            description = "message size, >= 16 (default: ${DEFAULT-VALUE})")
        private int size;

        @Option(names = "--rounds", paramLabel = "N", defaultValue = "30", converter = BenchCli.PositiveInt.class,
            description = "measured rounds, each a phase of every transport (default: ${DEFAULT-VALUE})")
        private int rounds;

        @Option(names = "--warmup-rounds", paramLabel = "N", defaultValue = "3",
            description = "rounds run first and not counted (default: ${DEFAULT-VALUE})")
        private int warmupRounds;

        @Option(names = "--phase", paramLabel = "TIME", defaultValue = "300ms", converter = BenchCli.Duration.class,
            description = "length of one phase (default: ${DEFAULT-VALUE})")
        private long phaseNs;

        @Option(names = "--producers", paramLabel = "N", defaultValue = "1", converter = BenchCli.PositiveInt.class,
            description = "one-way: producer threads, each with its own client (default: ${DEFAULT-VALUE})")
        private int producers;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
        private boolean help;
    }

    /**
     * @return {@code oneway} or {@code pingpong}.
     */
    public String modeLabel()
    {
        return pingPong ? "pingpong" : "oneway";
    }
}
