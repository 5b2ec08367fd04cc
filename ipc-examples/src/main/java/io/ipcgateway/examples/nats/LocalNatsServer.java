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

/**
 * A {@code nats-server} (Debian package {@code nats-server}, 2.9.x) this JVM starts for itself: the one launcher of the
 * project, used by the gateway demo, ipc-bench's harness and the tests. It listens on a free port of 127.0.0.1 only
 * (never another interface), optionally with JetStream (its store in a given folder) and HTTP monitoring (a second
 * free loopback port); its output goes to a log file (a temporary one, deleted by {@link #close()}, unless one is
 * given). Ready means a client connecting gets the server's {@code INFO} line, as a NATS client would.
 * <p>
 * {@link #kill()} ends it with SIGKILL and {@link #restart()} starts it again on the same port with the same store,
 * for fault tests; {@link #close()} stops it with SIGTERM, then SIGKILL after {@value #STOP_TIMEOUT_MS} ms, and a
 * shutdown hook does the same if the JVM ends first, so no server outlives the JVM that started it.
 */
public final class LocalNatsServer implements AutoCloseable
{
    /** Where {@code nats-server} is looked for after the PATH (Debian installs it in /usr/sbin). */
    public static final List<String> SEARCH_PATH =
        List.of("/usr/sbin", "/usr/local/sbin", "/usr/local/bin", "/usr/bin");
    /** How long a start or restart waits for the server to accept connections. */
    public static final long READY_TIMEOUT_MS = 15_000;
    /** How long {@link #close()} waits after SIGTERM before SIGKILL, and {@link #kill()} for the process to end. */
    public static final long STOP_TIMEOUT_MS = 5_000;
    /** What to install when {@code nats-server} is missing. */
    public static final String HOW_TO_INSTALL = "install the Debian package: apt-get install -y nats-server";

    private static final String LOOPBACK = "127.0.0.1";
    private static final int START_ATTEMPTS = 3;
    private static final int LOG_LINES_QUOTED = 15;

    private final Builder settings;
    private final int port;
    private final int monitorPort;
    private final Path log;
    private final boolean temporaryLog;
    private final Thread shutdownHook;
    private Process process;

    private LocalNatsServer(final Builder settings, final int port, final int monitorPort, final Path log,
        final boolean temporaryLog)
    {
        this.settings = settings;
        this.port = port;
        this.monitorPort = monitorPort;
        this.log = log;
        this.temporaryLog = temporaryLog;
        this.shutdownHook = new Thread(this::destroyForcibly, "nats-server-stopper");
    }

    /**
     * Starts a core NATS server (no JetStream, no monitoring) with a temporary log, the binary found by
     * {@link #findBinary()}.
     *
     * @return the running server.
     * @throws IOException naming the package to install when {@code nats-server} is missing, or quoting the
     *                     server's log when it does not start in time.
     * @throws InterruptedException when interrupted while waiting.
     */
    public static LocalNatsServer start() throws IOException, InterruptedException
    {
        return builder().start();
    }

    /**
     * Settings for a server to start.
     *
     * @return a builder with the defaults: the binary found by {@link #findBinary()}, core NATS only, no
     *     monitoring, a temporary log.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * Where {@code nats-server} is: on the PATH, or in {@link #SEARCH_PATH} ({@code /usr/sbin} is not on every
     * user's PATH).
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
     * The JetStream store folder, kept across restarts.
     *
     * @return the folder, or null without JetStream.
     */
    public Path storeDir()
    {
        return settings.storeDir;
    }

    /**
     * The file the server's output goes to.
     *
     * @return the log file.
     */
    public Path log()
    {
        return log;
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
     * The server's process id (e.g. to read its CPU time).
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
     * Kills the server with SIGKILL (as {@code kill -9} would) and waits until it is gone.
     *
     * @throws InterruptedException when interrupted while waiting.
     * @throws IllegalStateException when it survives SIGKILL for {@value #STOP_TIMEOUT_MS} ms.
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
     * Starts the server again on the same port with the same JetStream store, after {@link #kill()}, and waits until
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
     * Stops the server: SIGTERM, then SIGKILL after {@value #STOP_TIMEOUT_MS} ms; deletes a temporary log. Safe to
     * call more than once.
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
        if (temporaryLog)
        {
            try
            {
                Files.deleteIfExists(log);
            }
            catch (final IOException ex)
            {
                // A temporary file left behind is harmless.
            }
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
        final List<String> command = new ArrayList<>(List.of(settings.binary.toString(),
            "--addr", LOOPBACK, "--port", Integer.toString(port), "--server_name", settings.serverName + "-" + port));
        if (settings.storeDir != null)
        {
            Files.createDirectories(settings.storeDir);
            command.addAll(List.of("--jetstream", "--store_dir", settings.storeDir.toString()));
        }
        if (monitorPort != 0)
        {
            command.addAll(List.of("--http_port", Integer.toString(monitorPort)));
        }
        final ProcessBuilder builder = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        if (settings.workingDirectory != null)
        {
            builder.directory(settings.workingDirectory.toFile());
        }
        process = builder.start();
        awaitReady();
    }

    private void awaitReady() throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
        while (System.nanoTime() - deadline < 0)
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
            return "INFO ".equals(new String(in.readNBytes(5), StandardCharsets.US_ASCII));
        }
        catch (final IOException notYet)
        {
            return false;
        }
    }

    private String logTail()
    {
        try
        {
            final List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
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

    /** Settings of a {@link LocalNatsServer} to start; {@link #start()} may be called more than once. */
    public static final class Builder
    {
        private Path binary;
        private Path storeDir;
        private boolean monitoring;
        private Path log;
        private Path workingDirectory;
        private String serverName = "ipc-nats";

        private Builder()
        {
        }

        /**
         * The binary to run.
         *
         * @param binary an executable {@code nats-server}; null (the default) finds it with {@link #findBinary()}.
         * @return this.
         */
        public Builder binary(final Path binary)
        {
            this.binary = binary;
            return this;
        }

        /**
         * Turns JetStream on.
         *
         * @param storeDir its store (created when missing, kept across restarts); null (the default) for core NATS.
         * @return this.
         */
        public Builder jetStream(final Path storeDir)
        {
            this.storeDir = storeDir;
            return this;
        }

        /**
         * Turns HTTP monitoring on, on a second free loopback port ({@link LocalNatsServer#monitorPort()}).
         *
         * @param monitoring true to turn it on (default false).
         * @return this.
         */
        public Builder monitoring(final boolean monitoring)
        {
            this.monitoring = monitoring;
            return this;
        }

        /**
         * Where the server's output goes (appended; kept by {@link LocalNatsServer#close()}).
         *
         * @param log the file; null (the default) for a temporary file deleted on close.
         * @return this.
         */
        public Builder log(final Path log)
        {
            this.log = log;
            return this;
        }

        /**
         * The server's working folder.
         *
         * @param workingDirectory the folder; null (the default) for this JVM's.
         * @return this.
         */
        public Builder workingDirectory(final Path workingDirectory)
        {
            this.workingDirectory = workingDirectory;
            return this;
        }

        /**
         * The start of the server's name ({@code NAME-PORT}).
         *
         * @param serverName e.g. {@code ipc-test} (default {@code ipc-nats}).
         * @return this.
         */
        public Builder serverName(final String serverName)
        {
            this.serverName = serverName;
            return this;
        }

        /**
         * Starts the server on a free loopback port (a few attempts: a free port found by binding and closing can
         * be taken by another process before the server binds it) and waits until it accepts connections.
         *
         * @return the running server.
         * @throws IOException naming the package to install when {@code nats-server} is missing or the given binary
         *                     is not executable, or quoting the server's log when it does not start in time.
         * @throws InterruptedException when interrupted while waiting.
         */
        public LocalNatsServer start() throws IOException, InterruptedException
        {
            final Builder settings = copy();
            if (settings.binary == null)
            {
                settings.binary = findBinary();
                if (settings.binary == null)
                {
                    throw new IOException("nats-server is not installed: it was looked for on the PATH and in " +
                        SEARCH_PATH + " (" + HOW_TO_INSTALL + ")");
                }
            }
            else if (!Files.isRegularFile(settings.binary) || !Files.isExecutable(settings.binary))
            {
                throw new IOException(settings.binary + " is not an executable file");
            }
            IOException last = null;
            for (int attempt = 0; attempt < START_ATTEMPTS; attempt++)
            {
                final Path logFile = log != null ? log : Files.createTempFile("ipc-nats-server-", ".out");
                final LocalNatsServer server = new LocalNatsServer(settings, freeLoopbackPort(),
                    monitoring ? freeLoopbackPort() : 0, logFile, log == null);
                Runtime.getRuntime().addShutdownHook(server.shutdownHook);
                try
                {
                    server.launch();
                    return server;
                }
                catch (final IOException ex)
                {
                    last = ex;
                    server.close();
                }
                catch (final InterruptedException | RuntimeException ex)
                {
                    server.close();
                    throw ex;
                }
            }
            throw last;
        }

        private Builder copy()
        {
            final Builder copy = new Builder();
            copy.binary = binary;
            copy.storeDir = storeDir;
            copy.monitoring = monitoring;
            copy.log = log;
            copy.workingDirectory = workingDirectory;
            copy.serverName = serverName;
            return copy;
        }
    }
}
