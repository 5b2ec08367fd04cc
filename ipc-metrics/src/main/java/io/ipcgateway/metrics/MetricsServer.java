package io.ipcgateway.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.ipcgateway.core.health.HealthIndicator;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;

/**
 * The HTTP endpoint of a process: {@code /metrics} in the Prometheus text format (simpleclient's
 * {@link HTTPServer}) and {@code /health} as JSON (see {@link HealthReport}), 200 while up or degraded and 503
 * when down. Every other path answers 404.
 * <p>
 * Bound to loopback unless told otherwise, because metrics reveal service names and traffic. Port 0 picks a
 * free port; {@link #port()} tells which.
 */
public final class MetricsServer implements AutoCloseable
{
    /** The default address: loopback only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The path of the Prometheus page. */
    public static final String METRICS_PATH = "/metrics";
    /** The path of the health report. */
    public static final String HEALTH_PATH = "/health";

    private static final int NOT_FOUND = 404;
    private static final String[] SIMPLECLIENT_PATHS = {"/", "/metrics", "/-/healthy"};

    private final HTTPServer prometheus;
    private final List<HealthIndicator> indicators = new CopyOnWriteArrayList<>();
    private final List<Supplier<? extends List<? extends HealthIndicator>>> sources = new CopyOnWriteArrayList<>();

    private MetricsServer(final HttpServer http, final CollectorRegistry registry) throws IOException
    {
        this.prometheus = new HTTPServer.Builder().withHttpServer(http).withRegistry(registry).build();
        // simpleclient serves its page on "/" (so on every path) and "/-/healthy"; one dispatcher of ours replaces
        // its contexts, so a mistyped path is a 404 instead of a metrics page.
        for (final String path : SIMPLECLIENT_PATHS)
        {
            try
            {
                http.removeContext(path);
            }
            catch (final IllegalArgumentException notThere)
            {
                // A simpleclient version without this context: nothing to remove.
            }
        }
        final HttpHandler metrics = new HTTPServer.HTTPMetricHandler(registry);
        http.createContext("/", exchange -> dispatch(exchange, metrics));
    }

    private void dispatch(final HttpExchange exchange, final HttpHandler metrics) throws IOException
    {
        final String path = exchange.getRequestURI().getPath();
        if (METRICS_PATH.equals(path))
        {
            metrics.handle(exchange);
        }
        else if (HEALTH_PATH.equals(path))
        {
            serveHealth(exchange);
        }
        else
        {
            notFound(exchange, path);
        }
    }

    private static void notFound(final HttpExchange exchange, final String path) throws IOException
    {
        try (exchange)
        {
            final byte[] body = ("404 not found: " + path + " (this endpoint serves " + METRICS_PATH + " and "
                + HEALTH_PATH + ")\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            if ("HEAD".equals(exchange.getRequestMethod()))
            {
                exchange.sendResponseHeaders(NOT_FOUND, -1);
                return;
            }
            exchange.sendResponseHeaders(NOT_FOUND, body.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        }
    }

    /**
     * Starts an endpoint on loopback.
     *
     * @param port     the TCP port, or 0 for any free port.
     * @param registry the collectors to serve on {@code /metrics}.
     * @return the running server.
     */
    public static MetricsServer start(final int port, final CollectorRegistry registry)
    {
        return start(DEFAULT_HOST, port, registry);
    }

    /**
     * Starts an endpoint on the given address.
     *
     * @param host     the address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}.
     * @param port     the TCP port, or 0 for any free port.
     * @param registry the collectors to serve on {@code /metrics}.
     * @return the running server.
     */
    public static MetricsServer start(final String host, final int port, final CollectorRegistry registry)
    {
        if (port < 0 || port > 65535)
        {
            throw new IllegalArgumentException("metrics port must be 0-65535, but was " + port);
        }
        try
        {
            final HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 16);
            return new MetricsServer(http, registry);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot serve metrics on host=" + host + ", port=" + port
                + ": " + ex.getMessage() + " (choose another --metrics-port, or 0 for any free port)", ex);
        }
    }

    /**
     * Adds a component to {@code /health}.
     *
     * @param indicator the component.
     * @return this server.
     */
    public MetricsServer addHealthIndicator(final HealthIndicator indicator)
    {
        indicators.add(indicator);
        return this;
    }

    /**
     * Removes a component from {@code /health}.
     *
     * @param indicator the component added before.
     */
    public void removeHealthIndicator(final HealthIndicator indicator)
    {
        indicators.remove(indicator);
    }

    /**
     * Adds a source of components that come and go, such as the peers of a service ({@link ShmHealth}); it is
     * asked for its components at every {@code /health} request.
     *
     * @param source supplies the current components.
     * @return this server.
     */
    public MetricsServer addHealthSource(final Supplier<? extends List<? extends HealthIndicator>> source)
    {
        sources.add(source);
        return this;
    }

    /**
     * The health of every component now, as {@code /health} would answer.
     *
     * @return the report.
     */
    public HealthReport health()
    {
        final List<HealthIndicator> all = new ArrayList<>(indicators);
        for (final Supplier<? extends List<? extends HealthIndicator>> source : sources)
        {
            try
            {
                all.addAll(source.get());
            }
            catch (final RuntimeException ex)
            {
                all.add(HealthReport.failed("health-source", ex));
            }
        }
        return HealthReport.of(all);
    }

    /**
     * The port the server listens on.
     *
     * @return the bound port.
     */
    public int port()
    {
        return prometheus.getPort();
    }

    private void serveHealth(final HttpExchange exchange) throws IOException
    {
        try (exchange)
        {
            final HealthReport report = health();
            final byte[] body = report.toJson().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if ("HEAD".equals(exchange.getRequestMethod()))
            {
                exchange.sendResponseHeaders(report.httpStatus(), -1);
                return;
            }
            exchange.sendResponseHeaders(report.httpStatus(), body.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        }
    }

    /** Stops listening and releases the port (simpleclient's server stops the HTTP server it was given). */
    @Override
    public void close()
    {
        prometheus.close();
    }
}
