package io.ipcgateway.bench.load;

import io.ipcgateway.bench.BenchCli;
import io.ipcgateway.bench.transport.Idle;
import io.ipcgateway.bench.transport.Transports;
import picocli.CommandLine.Option;

/**
 * The options that define a {@link RunSpec}, as a picocli mixin: {@code bench run} and the child JVMs it starts
 * (which get them from {@link RunSpec#toArgs()}) share them.
 */
public final class RunSpecOptions
{
    @Option(names = "--workload", paramLabel = "LABEL", hidden = true,
        description = "label for tables and JSON (default: MODE-SIZEB-CLIENTSc-IDLE)")
    private String workload;

    @Option(names = "--transport", paramLabel = "ipc|agrona|aeron|uds", defaultValue = "ipc",
        description = "the transport (default: ${DEFAULT-VALUE})")
    private String transport;

    @Option(names = "--mode", paramLabel = "oneway|pingpong|rr", defaultValue = "oneway",
        converter = BenchCli.ModeConverter.class, description = "traffic pattern (default: ${DEFAULT-VALUE})")
    private Mode mode;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "32", converter = BenchCli.Bytes.class,
        description = "message size, >= 16 (default: ${DEFAULT-VALUE})")
    private int size;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "1", converter = BenchCli.PositiveInt.class,
        description = "producers / clients (default: ${DEFAULT-VALUE}; pingpong needs 1)")
    private int clients;

    @Option(names = "--client-jvms", paramLabel = "J", converter = BenchCli.PositiveInt.class,
        description = "JVMs the clients are spread over (default: min(N, " + RunSpec.DEFAULT_MAX_CLIENT_JVMS + "))")
    private Integer clientJvms;

    @Option(names = "--duration", paramLabel = "TIME", defaultValue = "10s", converter = BenchCli.Duration.class,
        description = "measured time (default: ${DEFAULT-VALUE})")
    private long durationNs;

    @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "2s", converter = BenchCli.Duration.class,
        description = "excluded warm-up (default: ${DEFAULT-VALUE})")
    private long warmupNs;

    @Option(names = "--idle", paramLabel = "spin|block", defaultValue = "spin",
        converter = BenchCli.IdleConverter.class,
        description = "waiting: busy spin, or each transport's blocking/backoff wait (default: ${DEFAULT-VALUE})")
    private Idle idle;

    @Option(names = "--interval", paramLabel = "TIME", converter = BenchCli.Duration.class,
        description = "time between intended sends of each client (0 = closed loop; default 300us for pingpong"
            + " with --idle block, else 0); latency counts from the intended send time (coordinated omission)")
    private Long intervalNs;

    @Option(names = "--idle-window", paramLabel = "TIME", defaultValue = "2s", converter = BenchCli.Duration.class,
        description = "with --idle block: idle-server CPU measured over this long (default: ${DEFAULT-VALUE})")
    private long idleWindowNs;

    /**
     * The spec the options describe, with the defaults that depend on other options filled in.
     *
     * @return the spec.
     * @throws IllegalArgumentException naming the option when the values do not fit together.
     */
    public RunSpec spec()
    {
        if (!Transports.NAMES.contains(transport))
        {
            throw new IllegalArgumentException("--transport must be one of " + Transports.NAMES + ", but was "
                + transport);
        }
        final long interval = intervalNs != null ? intervalNs :
            mode == Mode.PINGPONG && idle == Idle.BLOCK ? RunSpec.DEFAULT_BLOCKING_INTERVAL_NS : 0;
        final int jvms = clientJvms != null ? clientJvms : Math.min(clients, RunSpec.DEFAULT_MAX_CLIENT_JVMS);
        final String label = workload != null ? workload : mode.label() + "-" + size + "B-" + clients + "c-"
            + idle.label();
        return new RunSpec(label, transport, mode, size, clients, jvms, warmupNs, durationNs, idle, interval,
            idleWindowNs);
    }
}
