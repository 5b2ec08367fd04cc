package io.ipcgateway.bench.nats;

import java.io.IOException;
import java.io.InputStream;
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

/**
 * A {@code nats-server} (Debian package {@code nats-server}) the harness starts for one run when no {@code --url}
 * is given: core NATS only, on a free port of 127.0.0.1, its output in a temporary file quoted when it fails; stopped
 * and the file deleted in {@link #close()}.
 */
public final class LocalNatsServer implements AutoCloseable
{
    /** How long {@link #start()} waits for the server to accept connections. */
    public static final long READY_TIMEOUT_MS = 15_000;

    private static final String LOOPBACK = "127.0.0.1";
    private static final List<String> SEARCH_PATH =
        List.of("/usr/sbin", "/usr/local/sbin", "/usr/local/bin", "/usr/bin");

    private final Process process;
    private final Path log;
    private final int port;

    private LocalNatsServer(final Process process, final Path log, final int port)
    {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Start a server and wait until it greets a client with its INFO line.
     *
     * @return the running server.
     * @throws IOException naming the package to install when {@code nats-server} is missing, or quoting the
     *                     server's output when it does not start in time.
     * @throws InterruptedException when interrupted while waiting.
     */
    public static LocalNatsServer start() throws IOException, InterruptedException
    {
        final Path binary = findBinary();
        if (binary == null)
        {
            throw new IOException("nats-server is not installed: install the Debian package " +
                "(apt-get install -y nats-server), or pass --url of a running server");
        }
        final int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK)))
        {
            port = socket.getLocalPort();
        }
        final Path log = Files.createTempFile("ipc-bench-nats-", ".out");
        final Process process = new ProcessBuilder(binary.toString(), "--addr", LOOPBACK, "--port",
            Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        final LocalNatsServer server = new LocalNatsServer(process, log, port);
        try
        {
            server.awaitReady();
            return server;
        }
        catch (final IOException | InterruptedException | RuntimeException ex)
        {
            server.close();
            throw ex;
        }
    }

    /**
     * Where {@code nats-server} is: on the PATH or in the usual folders ({@code /usr/sbin} is not on every PATH).
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
            if (!folder.isEmpty())
            {
                final Path candidate = Path.of(folder, "nats-server");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate))
                {
                    return candidate;
                }
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
     * The server's process id, to read its CPU time.
     *
     * @return the pid.
     */
    public long pid()
    {
        return process.pid();
    }

    /**
     * Stop the server (SIGTERM, SIGKILL after 5 s) and delete its output file.
     */
    @Override
    public void close()
    {
        process.destroy();
        try
        {
            if (!process.waitFor(5, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try
        {
            Files.deleteIfExists(log);
        }
        catch (final IOException ex)
        {
            // A temporary file left behind is harmless.
        }
    }

    private void awaitReady() throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
        while (System.nanoTime() < deadline)
        {
            if (!process.isAlive())
            {
                throw new IOException("nats-server exited with code " + process.exitValue() + " on " + url() +
                    ": " + Files.readString(log, StandardCharsets.UTF_8).strip());
            }
            try (Socket socket = new Socket())
            {
                socket.connect(new InetSocketAddress(LOOPBACK, port), 1_000);
                socket.setSoTimeout(1_000);
                final InputStream in = socket.getInputStream();
                if ("INFO ".equals(new String(in.readNBytes(5), StandardCharsets.US_ASCII)))
                {
                    return;
                }
            }
            catch (final IOException ex)
            {
                // Not listening yet.
            }
            Thread.sleep(20);
        }
        throw new IOException("nats-server did not accept connections on " + url() + " within " +
            READY_TIMEOUT_MS + " ms: " + Files.readString(log, StandardCharsets.UTF_8).strip());
    }
}
