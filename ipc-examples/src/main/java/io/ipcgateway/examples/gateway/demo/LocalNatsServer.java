package io.ipcgateway.examples.gateway.demo;

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

import io.ipcgateway.examples.gateway.GatewayStartException;

/**
 * A {@code nats-server} the demo runs for itself: on a free port of 127.0.0.1 only, its log in a file of the demo's
 * working folder, stopped with SIGTERM (then SIGKILL) by {@link #close()}.
 */
final class LocalNatsServer implements AutoCloseable
{
    /** Where {@code nats-server} is looked for after the PATH (Debian installs it in /usr/sbin). */
    static final List<String> SEARCH_PATH = List.of("/usr/sbin", "/usr/local/sbin", "/usr/local/bin", "/usr/bin");

    private static final String LOOPBACK = "127.0.0.1";
    private static final long READY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(15);
    private static final long STOP_TIMEOUT_MS = 5_000;

    private final Process process;
    private final int port;

    private LocalNatsServer(final Process process, final int port)
    {
        this.process = process;
        this.port = port;
    }

    /**
     * Where {@code nats-server} is: the given path, else on the PATH or in {@link #SEARCH_PATH}.
     *
     * @param given a path the user gave, or null.
     * @return the binary.
     * @throws GatewayStartException saying how to install it when it is nowhere.
     */
    static Path find(final Path given)
    {
        if (given != null)
        {
            if (Files.isRegularFile(given) && Files.isExecutable(given))
            {
                return given;
            }
            throw new GatewayStartException("--nats-server " + given + " is not an executable file", null);
        }
        final List<String> dirs = new ArrayList<>();
        final String path = System.getenv("PATH");
        if (path != null)
        {
            dirs.addAll(List.of(path.split(":")));
        }
        dirs.addAll(SEARCH_PATH);
        for (final String dir : dirs)
        {
            final Path candidate = dir.isEmpty() ? null : Path.of(dir, "nats-server");
            if (candidate != null && Files.isRegularFile(candidate) && Files.isExecutable(candidate))
            {
                return candidate;
            }
        }
        throw new GatewayStartException("nats-server is not installed: it was looked for on the PATH and in " +
            SEARCH_PATH + " (install the Debian package: apt-get install -y nats-server, or pass --nats-server PATH)",
            null);
    }

    /**
     * Starts a server on a free loopback port and waits until it greets clients.
     *
     * @param binary the {@code nats-server} binary.
     * @param log    the file its output goes to.
     * @return the running server.
     * @throws GatewayStartException when it exits or does not answer within 15 s (the message quotes its log).
     * @throws InterruptedException when interrupted while waiting.
     */
    static LocalNatsServer start(final Path binary, final Path log) throws InterruptedException
    {
        final int port = freePort();
        final Process process;
        try
        {
            process = new ProcessBuilder(binary.toString(), "--addr", LOOPBACK, "--port", Integer.toString(port),
                "--server_name", "ipc-gateway-demo-" + port)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        }
        catch (final IOException ex)
        {
            throw new GatewayStartException("cannot run " + binary + ": " + ex.getMessage(), ex);
        }
        final LocalNatsServer server = new LocalNatsServer(process, port);
        final long deadline = System.nanoTime() + READY_TIMEOUT_NANOS;
        while (!server.greets())
        {
            if (!process.isAlive() || System.nanoTime() - deadline > 0)
            {
                server.close();
                throw new GatewayStartException("nats-server did not accept connections on " + server.url() +
                    " (exit " + (process.isAlive() ? "-" : Integer.toString(process.exitValue())) + "); its log: " +
                    readQuietly(log), null);
            }
            Thread.sleep(20);
        }
        return server;
    }

    /**
     * The client URL.
     *
     * @return e.g. {@code nats://127.0.0.1:41234}.
     */
    String url()
    {
        return "nats://" + LOOPBACK + ":" + port;
    }

    /**
     * The server's pid.
     *
     * @return the pid.
     */
    long pid()
    {
        return process.pid();
    }

    /**
     * Whether it runs.
     *
     * @return true while it runs.
     */
    boolean isAlive()
    {
        return process.isAlive();
    }

    /** Stops it: SIGTERM, then SIGKILL after 5 s. */
    @Override
    public void close()
    {
        process.destroy();
        try
        {
            if (!process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly().waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private boolean greets()
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress(LOOPBACK, port), 1_000);
            socket.setSoTimeout(1_000);
            final InputStream in = socket.getInputStream();
            return "INFO ".equals(new String(in.readNBytes(5), StandardCharsets.US_ASCII));
        }
        catch (final IOException notYet)
        {
            return false;
        }
    }

    private static int freePort()
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK)))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("no free port on " + LOOPBACK, ex);
        }
    }

    private static String readQuietly(final Path log)
    {
        try
        {
            return Files.readString(log);
        }
        catch (final IOException ex)
        {
            return "(unreadable: " + ex.getMessage() + ")";
        }
    }
}
