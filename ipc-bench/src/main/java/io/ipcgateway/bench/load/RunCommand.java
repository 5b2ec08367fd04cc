package io.ipcgateway.bench.load;

import java.nio.file.Path;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of {@code bin/ipc bench run}: the run's spec, where to write its JSON and where to pin its JVMs.
 */
@Command(name = "ipc bench run", sortOptions = false,
    description = "One load run of one transport; the server and the clients are separate JVMs. Prints the result"
        + " table (and, with several clients, how evenly they were served); progress goes to standard error.")
public final class RunCommand
{
    @Mixin
    private RunSpecOptions spec;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the result as JSON")
    private Path json;

    @Option(names = "--pin", paramLabel = "SERVER/CLIENTS", description = "run the server JVM on CPUs SERVER and the"
        + " client JVMs on CPUs CLIENTS (taskset lists, e.g. 0/1-3); default: the kernel places them")
    private String pin;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
    private boolean help;

    /**
     * The run to do.
     *
     * @return the spec.
     * @throws IllegalArgumentException naming the option when the values do not fit together.
     */
    public RunSpec spec()
    {
        return spec.spec();
    }

    /**
     * Where to write the result as JSON.
     *
     * @return the file, or {@code null}.
     */
    public Path json()
    {
        return json;
    }

    /**
     * Where the JVMs may run.
     *
     * @return the pinning.
     * @throws IllegalArgumentException when {@code --pin} is not two taskset lists.
     */
    public CpuPinning pinning()
    {
        return CpuPinning.parse(pin);
    }
}
