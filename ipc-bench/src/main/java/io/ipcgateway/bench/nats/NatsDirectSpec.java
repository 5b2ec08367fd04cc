package io.ipcgateway.bench.nats;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.bench.BenchMain;
import io.ipcgateway.bench.load.Args;

/**
 * What {@code bin/ipc bench nats-direct} runs: client threads doing synchronous jnats requests to one echoing
 * responder, over a connection each or one shared connection.
 *
 * @param clients    client threads.
 * @param shared     true for one connection shared by every client, false for a connection each.
 * @param size       request payload in bytes.
 * @param durationNs measured window.
 * @param warmupNs   time run first and not counted.
 * @param url        the nats-server to use, or null to start a local one on a free loopback port.
 */
public record NatsDirectSpec(int clients, boolean shared, int size, long durationNs, long warmupNs, String url)
{
    /** Default client threads. */
    public static final int DEFAULT_CLIENTS = 32;
    /** Default payload: 32 bytes, as in the gateway's notes. */
    public static final int DEFAULT_SIZE = 32;
    /** Default measured window. */
    public static final long DEFAULT_DURATION_NS = TimeUnit.SECONDS.toNanos(10);
    /** Default warm-up. */
    public static final long DEFAULT_WARMUP_NS = TimeUnit.SECONDS.toNanos(2);
    /** The most client threads accepted. */
    public static final int MAX_CLIENTS = 1024;
    /** The largest payload accepted (nats-server's default max_payload is 1 MiB). */
    public static final int MAX_SIZE = 1 << 20;

    /**
     * Validates every field, naming the option that is wrong.
     */
    public NatsDirectSpec
    {
        if (clients < 1 || clients > MAX_CLIENTS)
        {
            throw new IllegalArgumentException("--clients must be in [1, " + MAX_CLIENTS + "], but was " + clients);
        }
        if (size < 1 || size > MAX_SIZE)
        {
            throw new IllegalArgumentException("--size must be in [1, " + MAX_SIZE + "] bytes, but was " + size);
        }
        if (durationNs < TimeUnit.MILLISECONDS.toNanos(100))
        {
            throw new IllegalArgumentException("--seconds must be at least 100ms, but was " + durationNs + " ns");
        }
        if (warmupNs < 0)
        {
            throw new IllegalArgumentException("--warmup must not be negative, but was " + warmupNs + " ns");
        }
        if (url != null && !url.startsWith("nats://"))
        {
            throw new IllegalArgumentException("--url must be a nats:// URL, but was " + url);
        }
    }

    /**
     * Parse the command's options.
     *
     * @param args {@code --clients N --connections each|shared --size B --seconds 10s --warmup 2s --url nats://..}.
     * @return the spec.
     * @throws IllegalArgumentException naming an option that is wrong or unknown.
     */
    public static NatsDirectSpec parse(final List<String> args)
    {
        final List<String> rest = new ArrayList<>(args);
        final String clients = BenchMain.takeOption(rest, "--clients");
        final String connections = BenchMain.takeOption(rest, "--connections");
        final String size = BenchMain.takeOption(rest, "--size");
        final String seconds = BenchMain.takeOption(rest, "--seconds");
        final String warmup = BenchMain.takeOption(rest, "--warmup");
        final String url = BenchMain.takeOption(rest, "--url");
        BenchMain.requireEmpty(rest);
        final boolean shared;
        if (connections == null || "each".equals(connections))
        {
            shared = false;
        }
        else if ("shared".equals(connections))
        {
            shared = true;
        }
        else
        {
            throw new IllegalArgumentException("--connections must be each or shared, but was " + connections);
        }
        return new NatsDirectSpec(
            clients == null ? DEFAULT_CLIENTS : Args.parsePositiveInt("--clients", clients),
            shared,
            size == null ? DEFAULT_SIZE : Args.parseBytes("--size", size),
            seconds == null ? DEFAULT_DURATION_NS : Args.parseDurationNs("--seconds", seconds),
            warmup == null ? DEFAULT_WARMUP_NS : Args.parseDurationNs("--warmup", warmup),
            url);
    }

    /**
     * The connections the clients use.
     *
     * @return 1 when shared, else one per client.
     */
    public int connections()
    {
        return shared ? 1 : clients;
    }
}
