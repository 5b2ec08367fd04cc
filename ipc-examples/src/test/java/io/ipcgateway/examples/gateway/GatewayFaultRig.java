package io.ipcgateway.examples.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.ipcgateway.examples.nats.NatsServerProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The processes of one fault test: a real nats-server, gateway JVMs ({@link GatewayMain}) on one service in a
 * unique /dev/shm folder, a responder JVM ({@link NatsResponderMain}) and client JVMs
 * ({@link GatewayFaultClientMain}); {@link #close()} stops every one and removes the folder. Bounds are generous:
 * the machine running the tests may be heavily loaded, and nothing here asserts speed.
 */
final class GatewayFaultRig implements AutoCloseable
{
    /** How long a process gets to start or a count to be reached. */
    static final long WAIT_SECONDS = 60;
    /**
     * The {@code svc} downstream with a breaker that opens soon after nats-server is killed (2 failures in a window of
     * 4) and probes again after 1 s, for the NATS-kill tests (a {@code downstreams:} list of its own).
     */
    static final String TIGHT_SVC_BREAKER = String.join("\n",
        "downstreams:",
        "  - prefix: svc",
        "    breaker:",
        "      slidingWindowSize: 4",
        "      minimumNumberOfCalls: 4",
        "      waitInOpenState: 1s",
        "      probesInHalfOpen: 1",
        "");

    private final Path tempDir;
    private final String service;
    private final Path shmDir;
    private final NatsServerProcess nats;
    private final List<GatewayChild> children = new ArrayList<>();

    private GatewayFaultRig(final Path tempDir, final String service, final boolean monitoring) throws Exception
    {
        this.tempDir = tempDir;
        this.service = service;
        this.shmDir = Files.createTempDirectory(Path.of("/dev/shm"), "ipc-gw-fault-");
        NatsServerProcess started = null;
        try
        {
            started = monitoring ? NatsServerProcess.startWithMonitoring(tempDir.resolve("nats")) :
                NatsServerProcess.start(tempDir.resolve("nats"));
        }
        finally
        {
            if (started == null)
            {
                deleteRecursively(shmDir);
            }
        }
        this.nats = started;
    }

    static GatewayFaultRig start(final Path tempDir, final String service) throws Exception
    {
        return new GatewayFaultRig(tempDir, service, false);
    }

    static GatewayFaultRig startWithMonitoring(final Path tempDir, final String service) throws Exception
    {
        return new GatewayFaultRig(tempDir, service, true);
    }

    NatsServerProcess nats()
    {
        return nats;
    }

    String service()
    {
        return service;
    }

    Path shmDir()
    {
        return shmDir;
    }

    /**
     * Writes the gateway's config file: the service, the folder, the NATS URL (with {@code natsExtra} lines under
     * {@code nats:}, each indented by two spaces) and {@code extraYaml} at the top level.
     */
    Path writeConfig(final String natsExtra, final String extraYaml) throws IOException
    {
        final Path config = tempDir.resolve("gateway.yml");
        Files.writeString(config, "service: " + service + "\ndirectory: " + shmDir + "\nnats:\n  url: " +
            nats.url() + "\n" + natsExtra + extraYaml);
        return config;
    }

    GatewayChild startGateway(final String label, final Path config) throws InterruptedException
    {
        final GatewayChild gateway = track(GatewayChild.start(label, GatewayMain.class,
            List.of("--config", config.toString()), "READY"));
        assertThat(gateway.awaitMarker(WAIT_SECONDS)).as(gateway.output()).isTrue();
        return gateway;
    }

    GatewayChild startResponder(final long slowMs) throws InterruptedException
    {
        final GatewayChild responder = track(GatewayChild.start("responder", NatsResponderMain.class,
            List.of("--nats", nats.url(), "--slow-ms", Long.toString(slowMs)), "READY"));
        assertThat(responder.awaitMarker(WAIT_SECONDS)).as(responder.output()).isTrue();
        return responder;
    }

    /** Starts a {@link GatewayFaultClientMain} on this service; waits for {@code marker} unless it is null. */
    GatewayChild startClient(final String label, final List<String> options, final String marker)
        throws InterruptedException
    {
        final List<String> args = new ArrayList<>(List.of("--service", service, "--dir", shmDir.toString()));
        args.addAll(options);
        final GatewayChild client = track(GatewayChild.start(label, GatewayFaultClientMain.class, args,
            marker == null ? "PROGRESS" : marker));
        if (marker != null)
        {
            assertThat(client.awaitMarker(WAIT_SECONDS)).as(client.output()).isTrue();
        }
        return client;
    }

    Path stopFile(final String name)
    {
        return tempDir.resolve(name + ".stop");
    }

    /** Ends a child with SIGKILL, as {@code kill -9} would, and waits until it is gone. */
    static void killNine(final GatewayChild child) throws InterruptedException
    {
        final ProcessHandle handle = ProcessHandle.of(child.pid()).orElseThrow();
        handle.destroyForcibly();
        assertThat(child.awaitExit(WAIT_SECONDS)).as("gone after SIGKILL").isTrue();
    }

    /** The value of {@code key=N} in the child's last line that has it, or 0 when none has (counts start at 0). */
    static long last(final GatewayChild child, final String key)
    {
        final Matcher matcher = Pattern.compile("(?:^|\\s)" + Pattern.quote(key) + "=(\\d+)", Pattern.MULTILINE)
            .matcher(child.output());
        long value = 0;
        while (matcher.find())
        {
            value = Long.parseLong(matcher.group(1));
        }
        return value;
    }

    /** The value of {@code key=N} in the child's {@code SUMMARY} line, 0 when it is not there. */
    static long summary(final GatewayChild child, final String key)
    {
        final Matcher line = Pattern.compile("SUMMARY .*$", Pattern.MULTILINE).matcher(child.output());
        assertThat(line.find()).as("SUMMARY printed: " + child.output()).isTrue();
        final Matcher matcher = Pattern.compile("(?:^|\\s)" + Pattern.quote(key) + "=(\\d+)").matcher(line.group());
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    /** Waits until {@code count} reaches {@code atLeast}, failing after {@link #WAIT_SECONDS}. */
    static void await(final String what, final LongSupplier count, final long atLeast) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        long value;
        while ((value = count.getAsLong()) < atLeast)
        {
            assertThat(System.nanoTime() - deadline)
                .as("%s reached %d within %d s (at %d)", what, atLeast, WAIT_SECONDS, value).isNegative();
            Thread.sleep(20);
        }
    }

    private GatewayChild track(final GatewayChild child)
    {
        children.add(child);
        return child;
    }

    @Override
    public void close() throws IOException
    {
        for (int i = children.size() - 1; i >= 0; i--)
        {
            children.get(i).close();
        }
        nats.close();
        deleteRecursively(shmDir);
    }

    static void deleteRecursively(final Path dir) throws IOException
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (var files = Files.walk(dir))
        {
            for (final Path path : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
    }
}
