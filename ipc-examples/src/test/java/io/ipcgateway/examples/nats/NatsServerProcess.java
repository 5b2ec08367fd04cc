package io.ipcgateway.examples.nats;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code nats-server} (Debian package {@code nats-server}, 2.9.x) for tests: listens on a free loopback port
 * of 127.0.0.1 only, with JetStream enabled and its store in a folder the test owns (a {@code @TempDir}); its log
 * goes to a file in that folder. {@link #kill()} ends it with SIGKILL and {@link #restart()} starts it again on the
 * same port with the same store, for fault tests; {@link #close()} always stops it.
 * <p>
 * When {@code nats-server} is not installed the test is skipped with a message saying how to install it, or fails
 * with that message under {@value #REQUIRE_ROOT_PROP_NAME}{@code =true} (CI runs as root and installs it, so there
 * a missing server must not pass as a skip).
 */
public final class NatsServerProcess implements AutoCloseable
{
    /** The system property that turns a skip for a missing {@code nats-server} into a failure. */
    public static final String REQUIRE_ROOT_PROP_NAME = "ipc.test.requireRoot";
    /** How long {@link #start(Path)} and {@link #restart()} wait for the server to accept connections. */
    public static final long READY_TIMEOUT_MS = 15_000;
    /** How long {@link #close()} waits after SIGTERM before SIGKILL. */
    public static final long STOP_TIMEOUT_MS = 5_000;

    private static final String LOOPBACK = "127.0.0.1";
    private static final List<String> SEARCH_PATH =
        List.of("/usr/sbin", "/usr/local/sbin", "/usr/local/bin", "/usr/bin");
    private static final int START_ATTEMPTS = 3;
    private static final int LOG_LINES_QUOTED = 15;

    private final Path binary;
    private final Path dir;
    private final Path storeDir;
    private final Path logFile;
    private final int port;
    private final int monitorPort;
    private final Thread shutdownHook;
    private Process process;

    private NatsServerProcess(final Path binary, final Path dir, final int port, final int monitorPort)
    {
        this.monitorPort = monitorPort;
        this.binary = binary;
        this.dir = dir;
        this.storeDir = dir.resolve("jetstream");
        this.logFile = dir.resolve("nats-server.out");
        this.port = port;
        // A test JVM that ends without close() (a timeout, Ctrl-C) must not leave a server behind.
        this.shutdownHook = new Thread(this::destroyForcibly, "nats-server-stopper");
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
        IOException last = null;
        // A free port found by binding and closing can be taken by another process before the server binds it.
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++)
        {
            final NatsServerProcess server = new NatsServerProcess(binary, dir, freeLoopbackPort(),
                monitor ? freeLoopbackPort() : 0);
            try
            {
                Runtime.getRuntime().addShutdownHook(server.shutdownHook);
                server.launch();
                return server;
            }
            catch (final IOException ex)
            {
                server.close();
                last = ex;
            }
        }
        throw last;
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
            final String reason = "nats-server is not installed (install the Debian package: " +
                "apt-get install -y nats-server; .ci/run installs it when run as root)";
            if (Boolean.parseBoolean(System.getProperty(REQUIRE_ROOT_PROP_NAME, "false")))
            {
                Assertions.fail(reason + " (" + REQUIRE_ROOT_PROP_NAME + "=true: must run here, not skip)");
            }
            Assumptions.assumeTrue(false, reason + "; skipped");
        }
        return binary;
    }

    /**
     * Where {@code nats-server} is: on the PATH, or in the folders Debian and local installs use ({@code /usr/sbin}
     * is not on every user's PATH).
     *
     * @return the binary, or null when none is found.
     */
    public static Path findBinary()
    {
        final List<String> dirs = new ArrayList<>();
        final String path = System.getenv("PATH");
        if (path != null)
        {
            dirs.addAll(List.of(path.split(":")));
        }
        dirs.addAll(SEARCH_PATH);
        for (final String folder : dirs)
        {
            if (folder.isEmpty())
            {
                continue;
            }
            final Path candidate = Path.of(folder, "nats-server");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /**
     * The client URL.
     *
     * @return e.g. {@code nats://127.0.0.1:41234}.
     */
    public String url()
    {
        return "nats://" + LOOPBACK + ":" + port;
    }

    /**
     * The port, the same across restarts.
     *
     * @return the TCP port on 127.0.0.1.
     */
    public int port()
    {
        return port;
    }

    /**
     * The HTTP monitoring port.
     *
     * @return the port on 127.0.0.1, or 0 when started without monitoring.
     */
    public int monitorPort()
    {
        return monitorPort;
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
        if (monitorPort == 0)
        {
            throw new IllegalStateException("nats-server started without monitoring: use startWithMonitoring");
        }
        final String body;
        try (InputStream in = java.net.URI.create("http://" + LOOPBACK + ":" + monitorPort + "/subsz").toURL()
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
        return storeDir;
    }

    /**
     * Whether the server process is running.
     *
     * @return true while it runs.
     */
    public boolean isAlive()
    {
        return process != null && process.isAlive();
    }

    /**
     * The server's process id.
     *
     * @return its pid.
     * @throws IllegalStateException when it is not running.
     */
    public long pid()
    {
        if (!isAlive())
        {
            throw new IllegalStateException("nats-server is not running (port " + port + ")");
        }
        return process.pid();
    }

    /**
     * Kill the server with SIGKILL (as {@code kill -9} would) and wait until it is gone.
     *
     * @throws InterruptedException when interrupted while waiting.
     */
    public void kill() throws InterruptedException
    {
        if (process != null)
        {
            // Process.destroyForcibly sends SIGKILL on Linux.
            process.destroyForcibly();
            if (!process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS))
            {
                throw new IllegalStateException("nats-server (pid " + process.pid() + ") survived SIGKILL for " +
                    STOP_TIMEOUT_MS + " ms");
            }
        }
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
        if (isAlive())
        {
            throw new IllegalStateException("nats-server is still running (pid " + process.pid() + "): kill() first");
        }
        launch();
    }

    /**
     * Stop the server: SIGTERM, then SIGKILL after {@link #STOP_TIMEOUT_MS}. Safe to call more than once.
     */
    @Override
    public void close()
    {
        if (process != null && process.isAlive())
        {
            process.destroy();
            try
            {
                if (!process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS))
                {
                    destroyForcibly();
                }
            }
            catch (final InterruptedException ex)
            {
                destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try
        {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        }
        catch (final IllegalStateException | IllegalArgumentException ex)
        {
            // The JVM is shutting down (the hook runs or ran), or the hook was never added.
        }
    }

    private void destroyForcibly()
    {
        if (process != null)
        {
            process.destroyForcibly();
            try
            {
                process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void launch() throws IOException, InterruptedException
    {
        Files.createDirectories(storeDir);
        final ProcessBuilder builder = new ProcessBuilder(binary.toString(),
            "--addr", LOOPBACK, "--port", Integer.toString(port),
            "--jetstream", "--store_dir", storeDir.toString(),
            "--server_name", "ipc-test-" + port)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        if (monitorPort != 0)
        {
            builder.command().addAll(List.of("--http_port", Integer.toString(monitorPort)));
        }
        process = builder.start();
        awaitReady();
    }

    /** Ready means a client connecting gets the server's INFO line, as a NATS client would on connect. */
    private void awaitReady() throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
        while (System.nanoTime() < deadline)
        {
            if (!process.isAlive())
            {
                throw new IOException("nats-server exited with code " + process.exitValue() + " before accepting " +
                    "connections on " + url() + "; its log:" + logTail());
            }
            if (saysInfo())
            {
                return;
            }
            Thread.sleep(20);
        }
        destroyForcibly();
        throw new IOException("nats-server did not accept connections on " + url() + " within " + READY_TIMEOUT_MS +
            " ms; its log:" + logTail());
    }

    private boolean saysInfo()
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress(LOOPBACK, port), 1_000);
            socket.setSoTimeout(1_000);
            final InputStream in = socket.getInputStream();
            final byte[] start = in.readNBytes(5);
            return "INFO ".equals(new String(start, StandardCharsets.US_ASCII));
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    private String logTail()
    {
        try
        {
            final List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            final List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_LINES_QUOTED), lines.size());
            return System.lineSeparator() + String.join(System.lineSeparator(), tail);
        }
        catch (final IOException | UncheckedIOException ex)
        {
            return " (unreadable: " + ex + ")";
        }
    }

    private static int freeLoopbackPort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK)))
        {
            return socket.getLocalPort();
        }
    }
}
