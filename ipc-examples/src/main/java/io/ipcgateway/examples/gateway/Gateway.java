package io.ipcgateway.examples.gateway;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

import io.ipcgateway.core.IpcException;
import io.ipcgateway.shm.ServerContext;
import io.ipcgateway.shm.ShmServer;

/**
 * The gateway process's core: one shared-memory service that local {@link GatewayClient}s talk to, and one NATS
 * connection (or a small pool) that carries their publishes, requests and subscriptions, with rate limits, circuit
 * breakers, bulkheads, retries, the publish spool (while NATS is down) and the audit log on the path. Start with
 * {@link #start(GatewayConfig)}, stop with {@link #close()} (graceful: drains calls in flight); everything it counts
 * is in {@link #stats()}.
 */
public final class Gateway implements AutoCloseable
{
    /** How long {@link #close()} waits for NATS to take what was published before the connections close. */
    public static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(2);

    private final GatewayConfig config;
    private final GatewayStats stats;
    private final NatsEgress nats;
    private final ClientRateLimits limits;
    private final GatewayAudit audit;
    private final ScheduledExecutorService retryTimer;
    private final GatewaySpool spool;
    private final GatewayHandler handler;
    private final ShmServer server;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Gateway(final GatewayConfig config)
    {
        this.config = config;
        this.stats = new GatewayStats();
        final Downstreams downstreams = new Downstreams(config.downstreams(), stats);
        this.limits = new ClientRateLimits(config.rateLimits(), stats);
        GatewayAudit openedAudit = null;
        NatsEgress connected = null;
        try
        {
            openedAudit = new GatewayAudit(config.audit(), stats);
            connected = NatsEgress.connect(config.nats(), stats);
        }
        catch (final RuntimeException ex)
        {
            closeQuietly(openedAudit);
            limits.close();
            throw ex;
        }
        this.audit = openedAudit;
        this.nats = connected;
        try
        {
            this.spool = config.spool().enabled() ?
                new GatewaySpool(config.spool(), nats, downstreams, config.jetstream(), stats) : null;
        }
        catch (final RuntimeException ex)
        {
            nats.close();
            audit.close();
            limits.close();
            throw ex;
        }
        this.retryTimer = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread thread = new Thread(r, "gateway-retry");
            thread.setDaemon(true);
            return thread;
        });
        this.handler = new GatewayHandler(config, nats, stats, downstreams, limits, audit, retryTimer, spool);
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
            retryTimer.shutdownNow();
            if (spool != null)
            {
                spool.close();
            }
            nats.close();
            audit.close();
            limits.close();
            throw new GatewayStartException("cannot open the shared-memory service=" + config.service() + " in " +
                context.serviceDirectory() + ": " + ex.getMessage(), ex);
        }
        handler.attach(server);
    }

    /**
     * Validates the configuration, opens the audit log and the shared rate limiter, connects to NATS and opens the
     * local service.
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
     * Whether {@link #close()} began.
     *
     * @return true once closing or closed.
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
     * Stops gracefully: refuses new work ({@link GatewayStatus#SHUTTING_DOWN}), lets the calls in flight finish for
     * up to {@code drainTimeout}, closes the NATS subscriptions and the local service (clients are told; its files
     * are removed), flushes NATS and closes it, then writes out and closes the audit log. Safe to call more than
     * once; returns when done.
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
            server.execute(handler::startDraining);
            final long deadline = System.nanoTime() + config.drainTimeoutNs();
            while (stats.inFlight() > 0 && System.nanoTime() - deadline < 0)
            {
                Thread.sleep(5);
            }
            server.execute(handler::closeSubscriptions);
        }
        catch (final IpcException alreadyClosed)
        {
            // The service is closed already: nothing to drain.
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        server.close();
        retryTimer.shutdownNow();
        if (spool != null)
        {
            spool.close();
        }
        nats.flush(FLUSH_TIMEOUT);
        nats.close();
        audit.close();
        limits.close();
    }

    private static void closeQuietly(final AutoCloseable closeable)
    {
        if (closeable != null)
        {
            try
            {
                closeable.close();
            }
            catch (final Exception ex)
            {
                // Closing after a failed start: the start's error is the one to report.
            }
        }
    }

    @Override
    public String toString()
    {
        return "Gateway{service=" + config.service() + ", nats=" + config.nats().url() + ", natsStatus=" +
            stats.natsStatus() + "}";
    }
}
