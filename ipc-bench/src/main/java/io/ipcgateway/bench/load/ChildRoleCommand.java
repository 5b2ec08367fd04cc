package io.ipcgateway.bench.load;

import java.nio.file.Path;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of the JVMs {@code bench run} starts ({@code child-server}, {@code child-client}): the run's spec,
 * the run's folder and, for a client JVM, which clients it hosts. Not for people; the harness writes them.
 */
@Command(name = "ipc bench child-server|child-client", sortOptions = false,
    description = "A role of a load run's child JVM, started by the harness.")
public final class ChildRoleCommand
{
    @Mixin
    private RunSpecOptions spec;

    @Option(names = "--dir", paramLabel = "DIR", required = true, description = "the run's folder")
    private Path dir;

    @Option(names = "--first", paramLabel = "ID", defaultValue = "0", description = "a client JVM's first client id")
    private int first;

    @Option(names = "--count", paramLabel = "N", defaultValue = "1", converter = io.ipcgateway.bench.BenchCli
        .PositiveInt.class, description = "how many clients a client JVM hosts")
    private int count;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
    private boolean help;

    /**
     * The run.
     *
     * @return the spec.
     */
    public RunSpec spec()
    {
        return spec.spec();
    }

    /**
     * The run's folder.
     *
     * @return the folder.
     */
    public Path dir()
    {
        return dir;
    }

    /**
     * A client JVM's first client id.
     *
     * @return the id.
     */
    public int first()
    {
        return first;
    }

    /**
     * How many clients a client JVM hosts.
     *
     * @return the count.
     */
    public int count()
    {
        return count;
    }
}
