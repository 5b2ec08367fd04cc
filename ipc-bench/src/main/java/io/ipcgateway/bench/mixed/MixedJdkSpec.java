package io.ipcgateway.bench.mixed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.bench.load.Args;

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
        String oldJdk = DEFAULT_OLD_JDK;
        String newJdk = DEFAULT_NEW_JDK;
        int size = 32;
        long warmupNs = TimeUnit.SECONDS.toNanos(1);
        long durationNs = TimeUnit.SECONDS.toNanos(3);
        int repeat = 3;
        for (int i = 0; i < args.size(); i += 2)
        {
            final String option = args.get(i);
            if (i + 1 >= args.size())
            {
                throw new IllegalArgumentException(option + " needs a value");
            }
            final String value = args.get(i + 1);
            switch (option)
            {
                case "--old-jdk" -> oldJdk = value;
                case "--new-jdk" -> newJdk = value;
                case "--size" -> size = Args.parseBytes(option, value);
                case "--warmup" -> warmupNs = Args.parseDurationNs(option, value);
                case "--duration" -> durationNs = Args.parseDurationNs(option, value);
                case "--repeat" -> repeat = Args.parsePositiveInt(option, value);
                default -> throw new IllegalArgumentException("unknown option for mixed-jdk: " + option);
            }
        }
        return new MixedJdkSpec(java("--old-jdk", oldJdk), java("--new-jdk", newJdk), size, warmupNs, durationNs,
            repeat);
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
