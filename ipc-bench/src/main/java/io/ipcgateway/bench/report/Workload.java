package io.ipcgateway.bench.report;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.bench.load.Mode;
import io.ipcgateway.bench.load.RunSpec;
import io.ipcgateway.bench.transport.Idle;

/**
 * One of the standard workloads of {@code compare}.
 *
 * @param name       label in tables and JSON.
 * @param mode       traffic pattern.
 * @param size       message size in bytes.
 * @param clients    clients (producers).
 * @param idle       how waiting sides wait.
 * @param intervalNs time between intended sends (0 = closed loop).
 * @param idleCpu    whether the idle server's CPU is measured after the load.
 */
public record Workload(String name, Mode mode, int size, int clients, Idle idle, long intervalNs, boolean idleCpu)
{
    /** The standard set, in the order reports list them. */
    public static final List<Workload> STANDARD = List.of(
        new Workload("oneway-32B-1p", Mode.ONEWAY, 32, 1, Idle.SPIN, 0, false),
        new Workload("oneway-32B-32p", Mode.ONEWAY, 32, 32, Idle.SPIN, 0, false),
        new Workload("pingpong-spin", Mode.PINGPONG, 32, 1, Idle.SPIN, 0, false),
        new Workload("pingpong-block", Mode.PINGPONG, 32, 1, Idle.BLOCK,
            RunSpec.DEFAULT_BLOCKING_INTERVAL_NS, true),
        new Workload("rr-32c", Mode.RR, 32, 32, Idle.BLOCK, 0, false));

    /**
     * The run of this workload for one transport.
     *
     * @param transport    transport name.
     * @param warmupNs     warm-up.
     * @param durationNs   measured time.
     * @param idleWindowNs idle-CPU window, used when {@link #idleCpu()}.
     * @return the spec.
     */
    public RunSpec spec(final String transport, final long warmupNs, final long durationNs, final long idleWindowNs)
    {
        return new RunSpec(name, transport, mode, size, clients,
            Math.min(clients, RunSpec.DEFAULT_MAX_CLIENT_JVMS), warmupNs, durationNs, idle, intervalNs,
            idleCpu ? idleWindowNs : 0);
    }

    /**
     * A one-line description for the report.
     *
     * @return e.g. {@code pingpong, 32 B, 1 client(s), idle block, one ping every 300 us}.
     */
    public String describe()
    {
        return mode.label() + ", " + size + " B, " + clients + " client(s), idle " + idle.label() +
            (intervalNs > 0 ? ", one send every " + TimeUnit.NANOSECONDS.toMicros(intervalNs) + " us" : "");
    }
}
