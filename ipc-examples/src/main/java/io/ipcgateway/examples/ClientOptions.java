package io.ipcgateway.examples;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.shm.ShmConfiguration;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The validated options of {@code ipc client}.
 *
 * @param service       the service name to connect to.
 * @param dir           the base folder holding service folders, or {@code null} for the transport's default.
 * @param clients       how many client threads share the connection.
 * @param messages      how many messages all threads send together, or 0 when running for a duration.
 * @param durationNanos how long to run when {@code messages} is 0, in nanoseconds.
 * @param size          the payload size of each message, in bytes.
 * @param mode          one-way or request/response.
 * @param idle          how a thread waits for a response or for back pressure to clear.
 * @param timeoutNanos  how long a response or a full ring may hold a thread before the run fails.
 * @param json          where to write the figures as JSON, or {@code null}.
 */
public record ClientOptions(
    String service,
    Path dir,
    int clients,
    long messages,
    long durationNanos,
    int size,
    LoadMode mode,
    IdleMode idle,
    long timeoutNanos,
    Path json)
{
    /** The command as the user types it. */
    public static final String COMMAND = "ipc client";

    /** The most client threads one run may start. */
    public static final int MAX_CLIENTS = 512;

    /** The messages sent when neither --messages nor --duration is given. */
    public static final long DEFAULT_MESSAGES = 100_000;

    /** The largest payload the client sends; the server echoes it back whole. */
    public static final int MAX_SIZE = 1024 * 1024;

    /** What the command does, for its help text. */
    public static final String SUMMARY = """
        Loads an echo service (see ipc server) from N threads sharing one connection and prints throughput,
        latency percentiles (p50/p90/p99/p99.9/max in microseconds: the time to offer for oneway, the round
        trip for rr) and, with several clients, fairness (slowest client's completions / median client's).
        Exits with 1 if any message or response is missing; oneway asks the server how many it received.""";

    /** The options the command accepts. */
    public static final List<Option> OPTIONS = List.of(
        Option.valued("service", "NAME", "the service name to connect to (required)"),
        Option.valued("dir", "DIR", "the base folder for service files (default: the transport's, under /dev/shm)"),
        Option.valued("clients", "N", "client threads sharing the connection, 1 to " + MAX_CLIENTS + " (default: 1)"),
        Option.valued("messages", "M", "messages in total over all clients (default: " + DEFAULT_MESSAGES + ")"),
        Option.valued("duration", "TIME", "run for a time instead, e.g. 3s or 500ms (excludes --messages)"),
        Option.valued("size", "BYTES", "payload bytes per message, 1 to 1m, k and m suffixes allowed (default: 64)"),
        Option.valued("mode", "oneway|rr", "one-way messages or request/response (default: rr)"),
        Option.valued("idle", "spin|block", "how to wait for responses and back pressure; also yield, backoff"
            + " (default: block)"),
        Option.valued("timeout", "TIME", "longest wait to connect, for one response or for a full ring before failing"
            + " (default: 10s)"),
        Option.valued("json", "FILE", "also write the figures as JSON to FILE"));

    /**
     * Reads and validates the options from a parsed command line.
     *
     * @param commandLine the parsed command line.
     * @return the options.
     * @throws UsageException when an option is missing or invalid, or --messages and --duration are both given.
     */
    public static ClientOptions from(final CommandLine commandLine)
    {
        if (commandLine.has("messages") && commandLine.has("duration"))
        {
            throw new UsageException(COMMAND + ": give either --messages or --duration, not both");
        }
        final int clients = commandLine.intInRange("clients", 1, 1, MAX_CLIENTS);
        final long messages = commandLine.has("duration") ? 0 :
            commandLine.longInRange("messages", DEFAULT_MESSAGES, clients, Long.MAX_VALUE / 2);
        final long durationNanos = commandLine.durationNanos(
            "duration", 0, TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.HOURS.toNanos(24));
        return new ClientOptions(
            commandLine.requiredString("service", ShmConfiguration::validateServiceName),
            commandLine.path("dir"),
            clients,
            messages,
            durationNanos,
            commandLine.intInRange("size", 64, 1, MAX_SIZE),
            commandLine.choice("mode", LoadMode.class, LoadMode.RR),
            commandLine.choice("idle", IdleMode.class, IdleMode.BLOCK),
            commandLine.durationNanos(
                "timeout", TimeUnit.SECONDS.toNanos(10), TimeUnit.MILLISECONDS.toNanos(10), TimeUnit.HOURS.toNanos(1)),
            commandLine.path("json"));
    }

    /**
     * Whether the run is bounded by time rather than by a message count.
     *
     * @return {@code true} when --duration was given.
     */
    public boolean timed()
    {
        return messages == 0;
    }
}
