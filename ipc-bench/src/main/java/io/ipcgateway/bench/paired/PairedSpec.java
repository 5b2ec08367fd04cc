package io.ipcgateway.bench.paired;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.bench.BenchMain;
import io.ipcgateway.bench.load.Args;
import io.ipcgateway.bench.transport.Transports;

/**
 * What {@code bin/ipc bench paired} runs: which transports, which traffic, how many phases of what length.
 *
 * @param transports   two or more of {@link Transports#NAMES}; the first is the one ratios are taken against.
 * @param pingPong     true for a busy-spin ping-pong, false for one-way messages from one producer.
 * @param size         message size in bytes.
 * @param rounds       measured rounds; each round gives every transport one phase.
 * @param warmupRounds rounds run first and not counted (JIT compilation, page faults).
 * @param phaseNs      length of one phase.
 */
public record PairedSpec(List<String> transports, boolean pingPong, int size, int rounds, int warmupRounds,
    long phaseNs)
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
        final List<String> rest = new ArrayList<>(args);
        final String transports = BenchMain.takeOption(rest, "--transports");
        final String mode = BenchMain.takeOption(rest, "--mode");
        final String size = BenchMain.takeOption(rest, "--size");
        final String rounds = BenchMain.takeOption(rest, "--rounds");
        final String warmup = BenchMain.takeOption(rest, "--warmup-rounds");
        final String phase = BenchMain.takeOption(rest, "--phase");
        BenchMain.requireEmpty(rest);
        if (mode != null && !mode.equals("oneway") && !mode.equals("pingpong"))
        {
            throw new IllegalArgumentException("--mode must be oneway or pingpong, got " + mode);
        }
        return new PairedSpec(
            transports == null ? List.of("ipc", "agrona") : List.of(transports.split(",")),
            "pingpong".equals(mode),
            size == null ? 32 : Args.parseBytes("--size", size),
            rounds == null ? 30 : Args.parsePositiveInt("--rounds", rounds),
            warmup == null ? 3 : parseCount("--warmup-rounds", warmup),
            phase == null ? DEFAULT_PHASE_NS : Args.parseDurationNs("--phase", phase));
    }

    private static int parseCount(final String option, final String value)
    {
        try
        {
            return Integer.parseInt(value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(option + " must be a whole number, got " + value);
        }
    }

    /**
     * @return {@code oneway} or {@code pingpong}.
     */
    public String modeLabel()
    {
        return pingPong ? "pingpong" : "oneway";
    }
}
