package io.ipcgateway.bench.mixed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.ipcgateway.bench.BenchCli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What {@code bench mixed-jdk} runs: the two JDKs, the message size, and the length and repetitions of each run.
 *
 * @param oldJava    the java binary of the JDK without the futex (JDK 17 by default).
 * @param newJava    the java binary of the JDK with the futex layer (JDK 25 by default).
 * @param size       request and response size in bytes.
 * @param warmupNs   warm-up of each run, excluded from the figures.
 * @param durationNs measured time of each run.
 * @param repeat     rounds; each round runs every pairing once, interleaved, and the median rate is reported.
 */
public record MixedJdkSpec(String oldJava, String newJava, int size, long warmupNs, long durationNs, int repeat)
{
    /** Default home of the JDK without the futex. */
    public static final String DEFAULT_OLD_JDK = "/usr/lib/jvm/java-17-openjdk-amd64";
    /** Default home of the JDK with the futex layer. */
    public static final String DEFAULT_NEW_JDK = "/usr/lib/jvm/temurin-25-jdk-amd64";

    /**
     * Check the values once.
     */
    public MixedJdkSpec
    {
        if (durationNs <= 0 || warmupNs < 0 || repeat < 1)
        {
            throw new IllegalArgumentException("need --duration > 0, --warmup >= 0 and --repeat >= 1, but were "
                + durationNs + " ns, " + warmupNs + " ns, " + repeat);
        }
    }

    /**
     * Parse the options of {@code bench mixed-jdk}.
     *
     * @param args {@code --old-jdk HOME --new-jdk HOME --size BYTES --warmup 1s --duration 3s --repeat K}.
     * @return the spec.
     * @throws IllegalArgumentException naming an unknown option, a bad value or a missing java binary.
     */
    public static MixedJdkSpec parse(final List<String> args)
    {
        final Options options = BenchCli.parse(new Options(), args);
        return new MixedJdkSpec(java("--old-jdk", options.oldJdk), java("--new-jdk", options.newJdk), options.size,
            options.warmupNs, options.durationNs, options.repeat);
    }

    /** The options of {@code bench mixed-jdk}. */
    @Command(name = "ipc bench mixed-jdk", sortOptions = false, description = "Blocking request/response with the"
        + " server and the client on different JDKs (both directions) and on the same JDK; prints the rates, the"
        + " negotiated notifiers and the ratios.")
    static final class Options
    {
        @Option(names = "--old-jdk", paramLabel = "HOME", defaultValue = DEFAULT_OLD_JDK,
            description = "JDK without the futex (default: ${DEFAULT-VALUE})")
        private String oldJdk;

        @Option(names = "--new-jdk", paramLabel = "HOME", defaultValue = DEFAULT_NEW_JDK,
            description = "JDK with the futex layer (default: ${DEFAULT-VALUE})")
        private String newJdk;

        @Option(names = "--size", paramLabel = "BYTES", defaultValue = "32", converter = BenchCli.Bytes.class,
            description = "request and response size (default: ${DEFAULT-VALUE})")
        private int size;

        @Option(names = "--duration", paramLabel = "TIME", defaultValue = "3s", converter = BenchCli.Duration.class,
            description = "measured time of each run (default: ${DEFAULT-VALUE})")
        private long durationNs;

        @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "1s", converter = BenchCli.Duration.class,
            description = "warm-up of each run (default: ${DEFAULT-VALUE})")
        private long warmupNs;

        @Option(names = "--repeat", paramLabel = "K", defaultValue = "3", converter = BenchCli.PositiveInt.class,
            description = "rounds, every pairing once per round, medians reported (default: ${DEFAULT-VALUE})")
        private int repeat;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
        private boolean help;
    }

    /**
     * The java binary of a JDK home (or the binary itself).
     *
     * @param option the option that named it, for the message.
     * @param jdk    a JDK home or a path to {@code bin/java}.
     * @return the binary.
     * @throws IllegalArgumentException when there is no executable java there.
     */
    static String java(final String option, final String jdk)
    {
        final Path path = Path.of(jdk);
        final Path java = Files.isDirectory(path) ? path.resolve("bin").resolve("java") : path;
        if (!Files.isExecutable(java))
        {
            throw new IllegalArgumentException(option + " must name a JDK home or its bin/java, but " + java
                + " is not an executable java");
        }
        return java.toString();
    }
}
