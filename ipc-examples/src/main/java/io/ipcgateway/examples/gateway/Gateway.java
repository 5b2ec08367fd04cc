package io.ipcgateway.examples.gateway;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import io.ipcgateway.core.IpcException;
import io.ipcgateway.shm.ServerContext;
import io.ipcgateway.shm.ShmServer;

/**
 * The gateway process's core: one shared-memory service that local {@link GatewayClient}s talk to, and one NATS
 * connection (or a small pool) that carries their publishes, requests and subscriptions. Start with
 * {@link #start(GatewayConfig)}, stop with {@link #close()}; everything it counts is in {@link #stats()}.
 */
public final class Gateway implements AutoCloseable
{
    /** How long {@link #close()} waits for NATS to take what was published before the connections close. */
    public static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(2);

    private final GatewayConfig config;
    private final GatewayStats stats;
    private final NatsEgress nats;
    private final GatewayHandler handler;
    private final ShmServer server;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Gateway(final GatewayConfig config)
    {
        this.config = config;
        this.stats = new GatewayStats();
        this.nats = NatsEgress.connect(config.nats(), stats);
        this.handler = new GatewayHandler(config, nats, stats);
        final ServerContext context = new ServerContext()
            .serviceName(config.service())
            .idleMode(config.idle())
            .threadName("gateway-duty")
            .closeOnShutdown(false);
        if (config.directory() != null)
        {
            context.baseDirectory(Path.of(config.directory()));
        }
        try
        {
            server = ShmServer.launch(context, handler);
        }
        catch (final IpcException ex)
        {
            nats.close();
            throw new GatewayStartException("cannot open the shared-memory service=" + config.service() + " in " +
                context.serviceDirectory() + ": " + ex.getMessage(), ex);
        }
        handler.attach(server);
    }

    /**
     * Validates the configuration, connects to NATS and opens the local service.
     *
     * @param config the configuration (environment overrides already applied).
     * @return the running gateway.
     * @throws io.ipcgateway.core.ConfigurationException when a setting is invalid (naming it).
     * @throws GatewayStartException when NATS is unreachable or the service cannot be opened.
     */
    public static Gateway start(final GatewayConfig config)
    {
        return new Gateway(config.validate());
    }

    /**
     * The configuration in force.
     *
     * @return it.
     */
    public GatewayConfig config()
    {
        return config;
    }

    /**
     * Every count, latency and state of this gateway.
     *
     * @return the statistics.
     */
    public GatewayStats stats()
    {
        return stats;
    }

    /**
     * The folder of the local service (its files).
     *
     * @return the folder.
     */
    public Path serviceDirectory()
    {
        return server.serviceDirectory();
    }

    /**
     * Local clients connected now.
     *
     * @return the count.
     */
    public int sessionCount()
    {
        return server.sessionCount();
    }

    /**
     * Whether {@link #close()} ran.
     *
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return closed.get();
    }

    /**
     * Waits until the gateway is closed.
     *
     * @throws InterruptedException when interrupted.
     */
    public void awaitShutdown() throws InterruptedException
    {
        server.awaitShutdown();
    }

    /**
     * Stops: closes the local service (clients are told; its files are removed) and the NATS subscriptions, flushes
     * what was published to NATS, then closes the NATS connections. Safe to call more than once.
     */
    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        try
        {
            server.execute(handler::closeSubscriptions);
        }
        catch (final IpcException alreadyClosed)
        {
            // Nothing to unsubscribe from the duty thread any more.
        }
        server.close();
        nats.flush(FLUSH_TIMEOUT);
        nats.close();
    }

    @Override
    public String toString()
    {
        return "Gateway{service=" + config.service() + ", nats=" + config.nats().url() + ", natsStatus=" +
            stats.natsStatus() + "}";
    }
}
