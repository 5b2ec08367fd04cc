package io.ipcgateway.bench.gateway;

import java.util.List;

/**
 * One row of {@code bench gateway}: one scenario in one repetition. Latencies are nanoseconds, CPU is in cores over
 * the measured window (1.0 = one core busy), -1 where a figure does not apply or was not measured.
 *
 * @param scenario         {@value #GATEWAY}, {@value #DIRECT_EACH}, {@value #DIRECT_SHARED} or {@value #LOCAL_LEG}.
 * @param description      what ran, in words.
 * @param clients          client threads (each with its own gateway session or jnats use).
 * @param clientJvms       the JVMs those threads are spread over.
 * @param natsConnections  NATS connections the clients' side holds (the gateway's pool for {@value #GATEWAY}).
 * @param loop             {@code closed} (each client waits for its reply) or {@code open} (sends at an offered
 *                         rate, whatever the replies do).
 * @param offeredPerSecond the offered rate of an open-loop row, else -1.
 * @param perSecond        completed requests per second in the window.
 * @param p50Ns            median round trip as the client sees it; open loop: from each request's intended send time
 *                         (free of coordinated omission), closed loop: from its send.
 * @param p99Ns            99th percentile, counted as {@code p50Ns}.
 * @param p999Ns           99.9th percentile, counted as {@code p50Ns}; -1 where not measured.
 * @param sentP50Ns        open loop only: the median from the actual send (leaves out the sender's own lateness),
 *                         else -1.
 * @param sentP99Ns        open loop only: the 99th percentile from the actual send, else -1.
 * @param fairness         the fewest completions of one client over the mean, in [0, 1].
 * @param clientCpuCores   CPU of the client JVMs over the window.
 * @param gatewayCpuCores  CPU of the gateway JVM over the window, -1 without a gateway.
 * @param gatewayP50Ns     the gateway's own time per call (from the frame read off shared memory to the NATS client
 *                         having the request, plus from the NATS answer to the response written to the client's
 *                         inbox; the NATS leg excluded), median over the window, -1 when not read.
 * @param gatewayP99Ns     the same at p99.
 * @param natsLegP50Ns     the NATS leg as the gateway times it (jnats, nats-server and the responder), median, -1
 *                         without NATS.
 * @param natsLegP99Ns     the same at p99.
 * @param errors           requests that failed or timed out in the window.
 * @param perClient        completions of each client in the window.
 */
public record GatewayBenchRow(String scenario, String description, int clients, int clientJvms, int natsConnections,
    String loop, long offeredPerSecond, double perSecond, long p50Ns, long p99Ns, long p999Ns, long sentP50Ns,
    long sentP99Ns, double fairness, double clientCpuCores, double gatewayCpuCores, long gatewayP50Ns,
    long gatewayP99Ns, long natsLegP50Ns, long natsLegP99Ns, long errors, List<Long> perClient)
{
    /** 32 clients through the gateway to a responder on NATS. */
    public static final String GATEWAY = "gateway";
    /** The same clients on jnats directly, a connection each. */
    public static final String DIRECT_EACH = "direct-each";
    /** The same clients on jnats directly, one shared connection. */
    public static final String DIRECT_SHARED = "direct-shared";
    /** Client -> gateway -> client with NATS answered inside the gateway ({@code nats.mode: loopback}). */
    public static final String LOCAL_LEG = "local-leg";

    /**
     * Copies the per-client list.
     */
    public GatewayBenchRow
    {
        perClient = List.copyOf(perClient);
    }

    /**
     * Fairness of per-client counts.
     *
     * @param perClient completions of each client.
     * @return min/mean, 0 when nothing completed.
     */
    public static double fairnessOf(final List<Long> perClient)
    {
        final long min = perClient.stream().mapToLong(Long::longValue).min().orElse(0);
        final double mean = perClient.stream().mapToLong(Long::longValue).average().orElse(0);
        return mean == 0 ? 0 : min / mean;
    }
}
