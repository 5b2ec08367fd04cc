package io.ipcgateway.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.bench.transport.Idle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Everything that defines one load run: which transport, what traffic, how long.
 *
 * @param workload     a label for tables and JSON, e.g. {@code oneway-32B-1p}.
 * @param transport    transport name: {@code ipc}, {@code agrona}, {@code aeron} or {@code uds}.
 * @param mode         traffic pattern.
 * @param size         message size in bytes, at least {@link Frame#HEADER_LENGTH}.
 * @param clients      number of clients (producers for one-way runs).
 * @param clientJvms   number of client JVMs the clients are spread over (each client is one thread).
 * @param warmupNs     warm-up before measuring; excluded from every figure.
 * @param durationNs   measured time.
 * @param idle         how waiting sides wait.
 * @param intervalNs   for ping-pong and request/response, the time between intended sends (0 = closed loop);
 *                     latency is measured from the intended send time, so coordinated omission is accounted for.
 * @param idleWindowNs for {@link Idle#BLOCK} runs, how long to measure the idle server's CPU after the load
 *                     stops (0 = not measured).
 */
public record RunSpec(
    String workload,
    String transport,
    Mode mode,
    int size,
    int clients,
    int clientJvms,
    long warmupNs,
    long durationNs,
    Idle idle,
    long intervalNs,
    long idleWindowNs)
{
    /** Default interval between pings of a blocking ping-pong, long enough for the waiter to fall asleep. */
    public static final long DEFAULT_BLOCKING_INTERVAL_NS = TimeUnit.MICROSECONDS.toNanos(300);
    /** Default cap on client JVMs: more would spend the 2-core budget on JVM start-up. */
    public static final int DEFAULT_MAX_CLIENT_JVMS = 4;

    /**
     * Check the values once.
     */
    public RunSpec
    {
        if (size < Frame.HEADER_LENGTH)
        {
            throw new IllegalArgumentException("--size must be at least " + Frame.HEADER_LENGTH + ", but was " + size);
        }
        if (clients < 1 || clientJvms < 1 || clientJvms > clients)
        {
            throw new IllegalArgumentException(
                "need 1 <= client JVMs <= clients, but clients=" + clients + ", clientJvms=" + clientJvms);
        }
        if (mode == Mode.PINGPONG && clients != 1)
        {
            throw new IllegalArgumentException("--mode pingpong runs one client, but --clients was " + clients);
        }
        if (durationNs <= 0)
        {
            throw new IllegalArgumentException("--duration must be positive");
        }
    }

    /**
     * Parse the options of a run (picocli, {@link RunSpecOptions}); options it does not know are handed back.
     *
     * @param args options; unknown ones are returned in {@code rest}.
     * @param rest receives the arguments this method does not know, in order.
     * @return the spec.
     * @throws IllegalArgumentException naming the option when a value is missing or wrong.
     */
    public static RunSpec parse(final List<String> args, final List<String> rest)
    {
        final Lenient lenient = new Lenient();
        final CommandLine commandLine = new CommandLine(lenient).setUnmatchedArgumentsAllowed(true);
        try
        {
            commandLine.parseArgs(args.toArray(new String[0]));
        }
        catch (final CommandLine.ParameterException ex)
        {
            throw new IllegalArgumentException(ex.getMessage(), ex);
        }
        rest.addAll(commandLine.getUnmatchedArguments());
        return lenient.options.spec();
    }

    /** The run options alone, leaving any other argument unmatched. */
    @Command(name = "run-spec")
    private static final class Lenient
    {
        @Mixin
        private RunSpecOptions options;
    }

    /**
     * The same spec as command-line options, for a child JVM.
     *
     * @return the options, parseable by {@link #parse(List, List)}.
     */
    public List<String> toArgs()
    {
        final List<String> args = new ArrayList<>();
        args.add("--workload");
        args.add(workload);
        args.add("--transport");
        args.add(transport);
        args.add("--mode");
        args.add(mode.label());
        args.add("--size");
        args.add(Integer.toString(size));
        args.add("--clients");
        args.add(Integer.toString(clients));
        args.add("--client-jvms");
        args.add(Integer.toString(clientJvms));
        args.add("--warmup");
        args.add(warmupNs + "ns");
        args.add("--duration");
        args.add(durationNs + "ns");
        args.add("--idle");
        args.add(idle.label());
        args.add("--interval");
        args.add(intervalNs + "ns");
        args.add("--idle-window");
        args.add(idleWindowNs + "ns");
        return args;
    }

    /**
     * Copy with another transport.
     *
     * @param name of the transport.
     * @return the copy.
     */
    public RunSpec withTransport(final String name)
    {
        return new RunSpec(workload, name, mode, size, clients, clientJvms, warmupNs, durationNs, idle, intervalNs,
            idleWindowNs);
    }

    /**
     * The first client id hosted by client JVM {@code jvm}; clients are spread as evenly as possible.
     *
     * @param jvm index of the client JVM, 0 to {@code clientJvms}.
     * @return the first id; {@code firstClientOf(clientJvms)} is {@code clients}.
     */
    public int firstClientOf(final int jvm)
    {
        return (int)((long)jvm * clients / clientJvms);
    }
}
