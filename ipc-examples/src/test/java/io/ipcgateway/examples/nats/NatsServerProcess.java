package io.ipcgateway.examples.nats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code nats-server} for tests, started through the project's one launcher ({@link LocalNatsServer}): on a
 * free loopback port of 127.0.0.1 only, with JetStream enabled and its store in a folder the test owns (a
 * {@code @TempDir}), its log in a file in that folder. {@link #kill()} ends it with SIGKILL and {@link #restart()}
 * starts it again on the same port with the same store, for fault tests; {@link #close()} always stops it.
 * <p>
 * What this adds to {@link LocalNatsServer} is the tests' policy: when {@code nats-server} is not installed the test is
 * skipped with a message saying how to install it, or fails with that message under
 * {@value #REQUIRE_ROOT_PROP_NAME}{@code =true} (CI runs as root and installs it, so there a missing server must not
 * pass as a skip); and {@link #subscriptionCount()} from the monitoring endpoint.
 */
public final class NatsServerProcess implements AutoCloseable
{
    /** The system property that turns a skip for a missing {@code nats-server} into a failure. */
    public static final String REQUIRE_ROOT_PROP_NAME = "ipc.test.requireRoot";
    /** How long {@link #start(Path)} and {@link #restart()} wait for the server to accept connections. */
    public static final long READY_TIMEOUT_MS = LocalNatsServer.READY_TIMEOUT_MS;
    /** How long {@link #close()} waits after SIGTERM before SIGKILL. */
    public static final long STOP_TIMEOUT_MS = LocalNatsServer.STOP_TIMEOUT_MS;

    private final LocalNatsServer server;

    private NatsServerProcess(final LocalNatsServer server)
    {
        this.server = server;
    }

    /**
     * Start a server on a free loopback port and wait until it accepts connections.
     *
     * @param dir a folder the test owns (e.g. a {@code @TempDir}); the JetStream store and the log go there.
     * @return the running server.
     * @throws IOException when it cannot be started or does not accept connections within
     *                     {@link #READY_TIMEOUT_MS} (the message quotes its log).
     * @throws InterruptedException when interrupted while waiting.
     */
    public static NatsServerProcess start(final Path dir) throws IOException, InterruptedException
    {
        return start(dir, false);
    }

    /**
     * Like {@link #start(Path)}, with nats-server's HTTP monitoring on a second free loopback port
     * ({@link #monitorPort()}, {@link #subscriptionCount()}), for tests that check the server's own view.
     *
     * @param dir a folder the test owns.
     * @return the running server.
     * @throws IOException when it cannot be started.
     * @throws InterruptedException when interrupted while waiting.
     */
    public static NatsServerProcess startWithMonitoring(final Path dir) throws IOException, InterruptedException
    {
        return start(dir, true);
    }

    private static NatsServerProcess start(final Path dir, final boolean monitor)
        throws IOException, InterruptedException
    {
        final Path binary = requireInstalled();
        java.nio.file.Files.createDirectories(dir);
        return new NatsServerProcess(LocalNatsServer.builder().binary(binary).jetStream(dir.resolve("jetstream"))
            .monitoring(monitor).log(dir.resolve("nats-server.out")).workingDirectory(dir).serverName("ipc-test")
            .start());
    }

    /**
     * The installed {@code nats-server}, or skip (fail under {@value #REQUIRE_ROOT_PROP_NAME}{@code =true}) with a
     * message saying how to install it.
     *
     * @return the path of the binary.
     */
    public static Path requireInstalled()
    {
        final Path binary = findBinary();
        if (binary == null)
        {
            final String reason = "nats-server is not installed (" + LocalNatsServer.HOW_TO_INSTALL +
                "; .ci/run installs it when run as root)";
            if (Boolean.parseBoolean(System.getProperty(REQUIRE_ROOT_PROP_NAME, "false")))
            {
                Assertions.fail(reason + " (" + REQUIRE_ROOT_PROP_NAME + "=true: must run here, not skip)");
            }
            Assumptions.assumeTrue(false, reason + "; skipped");
        }
        return binary;
    }

    /**
     * Where {@code nats-server} is ({@link LocalNatsServer#findBinary()}).
     *
     * @return the binary, or null when none is found.
     */
    public static Path findBinary()
    {
        return LocalNatsServer.findBinary();
    }

    /**
     * The client URL.
     *
     * @return e.g. {@code nats://127.0.0.1:41234}.
     */
    public String url()
    {
        return server.url();
    }

    /**
     * The port, the same across restarts.
     *
     * @return the TCP port on 127.0.0.1.
     */
    public int port()
    {
        return server.port();
    }

    /**
     * The HTTP monitoring port.
     *
     * @return the port on 127.0.0.1, or 0 when started without monitoring.
     */
    public int monitorPort()
    {
        return server.monitorPort();
    }

    /**
     * How many subscriptions the server holds, from its monitoring endpoint {@code /subsz} (every client's,
     * the server's own internal ones included).
     *
     * @return {@code num_subscriptions}.
     * @throws IOException when the endpoint cannot be read.
     * @throws IllegalStateException when started without monitoring.
     */
    public long subscriptionCount() throws IOException
    {
        if (server.monitorPort() == 0)
        {
            throw new IllegalStateException("nats-server started without monitoring: use startWithMonitoring");
        }
        final String body;
        try (InputStream in = java.net.URI.create("http://127.0.0.1:" + server.monitorPort() + "/subsz").toURL()
            .openStream())
        {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        final java.util.regex.Matcher matcher =
            java.util.regex.Pattern.compile("\"num_subscriptions\"\\s*:\\s*(\\d+)").matcher(body);
        if (!matcher.find())
        {
            throw new IOException("no num_subscriptions in /subsz: " + body);
        }
        return Long.parseLong(matcher.group(1));
    }

    /**
     * The JetStream store folder, kept across restarts.
     *
     * @return the folder.
     */
    public Path storeDir()
    {
        return server.storeDir();
    }

    /**
     * Whether the server process is running.
     *
     * @return true while it runs.
     */
    public boolean isAlive()
    {
        return server.isAlive();
    }

    /**
     * The server's process id.
     *
     * @return its pid.
     * @throws IllegalStateException when it is not running.
     */
    public long pid()
    {
        return server.pid();
    }

    /**
     * Kill the server with SIGKILL (as {@code kill -9} would) and wait until it is gone.
     *
     * @throws InterruptedException when interrupted while waiting.
     */
    public void kill() throws InterruptedException
    {
        server.kill();
    }

    /**
     * Start the server again on the same port with the same JetStream store, after {@link #kill()}, and wait until
     * it accepts connections.
     *
     * @throws IOException when it cannot be started (e.g. the port was taken meanwhile) or is not ready in time.
     * @throws InterruptedException when interrupted while waiting.
     * @throws IllegalStateException when it is still running.
     */
    public void restart() throws IOException, InterruptedException
    {
        server.restart();
    }

    /**
     * Stop the server: SIGTERM, then SIGKILL after {@link #STOP_TIMEOUT_MS}. Safe to call more than once.
     */
    @Override
    public void close()
    {
        server.close();
    }
}
