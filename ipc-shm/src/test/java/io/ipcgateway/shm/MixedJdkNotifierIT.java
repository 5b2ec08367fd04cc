package io.ipcgateway.shm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.IpcException;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.shm.notify.NotifierKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 17, bug 3: a server and a client on different JDKs. Each side runs in its own JVM on JDK 17 or JDK 25 (the
 * packaged jar, so JDK 25 loads the futex layer; "25-deny" is JDK 25 with {@code --illegal-native-access=deny},
 * which cannot call the futex either). The test asserts the mechanism negotiated for each direction (the consumer
 * kind recorded in the server's and the client's inbox header, read from the outside with {@link ShmObserver}) and
 * that every one of 200 request round trips completes in less than half the consumers' sleep timeout: before the
 * negotiation, a futex consumer fed by a producer without the futex waited for its sleep timeout on every request.
 * That bound is a correctness guarantee, not a speed assertion (speed is measured by {@code bin/ipc bench mixed-jdk}).
 * A consumer that forces the futex cannot be served by a producer without it: the connect fails naming what to change.
 */
class MixedJdkNotifierIT
{
    /** The JDK 17 used for the socket-only side. */
    static final String JDK17_JAVA = "/usr/lib/jvm/java-17-openjdk-amd64/bin/java";
    private static final String JDK25_JAVA = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java";
    private static final int REQUESTS = 200;
    /** Both children's longest sleep: a request that waited for it would take 2 s. */
    private static final String MAX_SLEEP = "2s";
    private static final long ROUND_TRIP_BOUND_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long START_TIMEOUT_MS = 60_000;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "server on JDK {0}, client on JDK {1}: server inbox {2}, client inbox {3}")
    @CsvSource({
        "25, 25, FUTEX, FUTEX",
        "25, 17, UNIX_SOCKET, UNIX_SOCKET",
        "17, 25, UNIX_SOCKET, UNIX_SOCKET",
        "25, 25-deny, UNIX_SOCKET, UNIX_SOCKET",
        "25-deny, 25, UNIX_SOCKET, UNIX_SOCKET",
    })
    @Timeout(240)
    void shouldNegotiateAMechanismBothSidesCanSignalAndAnswerEveryRequestWellInsideTheSleepTimeout(
        final String serverJdk, final String clientJdk, final NotifierKind serverInbox, final NotifierKind clientInbox)
        throws Exception
    {
        assumeTrue(Files.isExecutable(Path.of(JDK17_JAVA)) && Files.isExecutable(Path.of(JDK25_JAVA)),
            "needs " + JDK17_JAVA + " and " + JDK25_JAVA);
        final String service = "mixed";
        Process server = null;
        Process client = null;
        final StringBuilder serverLog = new StringBuilder();
        final StringBuilder clientLog = new StringBuilder();
        try
        {
            server = start(serverJdk, TestProcesses.ServerMain.class,
                dir.toString(), service, "65536", IdleMode.BLOCK.name(), "65536");
            assertThat(TestProcesses.awaitLine(server, "READY", serverLog, START_TIMEOUT_MS))
                .as("server on JDK %s started: %s", serverJdk, serverLog).isNotNull();

            client = start(clientJdk, RequestClientMain.class, dir.toString(), service, Integer.toString(REQUESTS));
            final String result = TestProcesses.awaitLine(client, "RESULT", clientLog, 180_000);
            assertThat(result).as("client on JDK %s finished: %s", clientJdk, clientLog).isNotNull();
            final Map<String, String> values = parse(result);

            final Map<String, ChannelSnapshot> channels = new ShmObserver(dir, service).snapshot().stream()
                .collect(Collectors.toMap(ChannelSnapshot::channel, s -> s, (a, b) -> a, TreeMap::new));
            final ChannelSnapshot serverChannel = channels.get(ChannelSnapshot.SERVER_CHANNEL);
            final ChannelSnapshot clientChannel = channels.get(values.get("inbox").replace(".ipc", ""));
            assertThat(serverChannel).as("server inbox among %s", channels.keySet()).isNotNull();
            assertThat(clientChannel).as("client inbox among %s", channels.keySet()).isNotNull();

            assertThat(serverChannel.notifierKind()).as("client to server: how the server sleeps")
                .isEqualTo(serverInbox);
            assertThat(clientChannel.notifierKind()).as("server to client: how the client sleeps")
                .isEqualTo(clientInbox);
            assertThat(values.get("notifier")).as("the client's own report").isEqualTo(clientInbox.name());
            assertThat(values.get("ok")).as(result).isEqualTo(Integer.toString(REQUESTS));
            assertThat(Long.parseLong(values.get("maxRoundTripNs")))
                .as("every round trip well inside the %s sleep timeout: %s", MAX_SLEEP, result)
                .isLessThan(ROUND_TRIP_BOUND_NS);
        }
        finally
        {
            stop(client);
            stop(server);
        }
    }

    @ParameterizedTest(name = "{2} forces the futex on JDK 25, the {3} is on JDK 17: the connect says what to change")
    @CsvSource({
        "25, 17, server, client",
        "17, 25, client, server",
    })
    @Timeout(120)
    void shouldFailTheConnectNamingWhatToChangeWhenAConsumerForcesTheFutexAndItsProducerCannotCallIt(
        final String serverJdk, final String clientJdk, final String forcing, final String other) throws Exception
    {
        assumeTrue(Files.isExecutable(Path.of(JDK17_JAVA)) && Files.isExecutable(Path.of(JDK25_JAVA)),
            "needs " + JDK17_JAVA + " and " + JDK25_JAVA);
        final String service = "forced";
        final List<String> forceFutex = List.of("-Dipc.notifier=futex");
        Process server = null;
        Process client = null;
        final StringBuilder serverLog = new StringBuilder();
        final StringBuilder clientLog = new StringBuilder();
        try
        {
            server = start(serverJdk, "server".equals(forcing) ? forceFutex : List.of(), TestProcesses.ServerMain.class,
                dir.toString(), service, "65536", IdleMode.BLOCK.name(), "65536");
            assertThat(TestProcesses.awaitLine(server, "READY", serverLog, START_TIMEOUT_MS))
                .as("server on JDK %s started: %s", serverJdk, serverLog).isNotNull();

            client = start(clientJdk, "client".equals(forcing) ? forceFutex : List.of(), RequestClientMain.class,
                dir.toString(), service, "1");
            final String refused = TestProcesses.awaitLine(client, "REFUSED", clientLog, 60_000);

            assertThat(refused).as("the %s's connect fails: %s", other, clientLog).isNotNull()
                .contains("cannot wake the consumer of channel=")
                .contains("forces ipc.notifier=futex")
                .contains("run this process on JDK 22+ with --enable-native-access=ALL-UNNAMED")
                .contains("start the consumer with ipc.notifier=auto");
            if ("client".equals(forcing))
            {
                assertThat(refused).as("the server refused the session and told the client why")
                    .contains("connect rejected by service=" + service);
            }
        }
        finally
        {
            stop(client);
            stop(server);
        }
    }

    private static Map<String, String> parse(final String line)
    {
        final Map<String, String> values = new TreeMap<>();
        for (final String pair : line.split(" "))
        {
            final int eq = pair.indexOf('=');
            if (eq > 0)
            {
                values.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return values;
    }

    /**
     * Starts a main class of the test class path on JDK {@code 17}, {@code 25} or {@code 25-deny} (JDK 25 with
     * native access denied, so the futex is unavailable there although its layer is loaded).
     */
    private static Process start(final String jdk, final Class<?> main, final String... args) throws IOException
    {
        return start(jdk, List.of(), main, args);
    }

    private static Process start(final String jdk, final List<String> flags, final Class<?> main,
        final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(jdk.startsWith("17") ? JDK17_JAVA : JDK25_JAVA);
        command.add("--add-opens");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add(jdk.endsWith("-deny") ? "--illegal-native-access=deny" : "--enable-native-access=ALL-UNNAMED");
        command.add("-Xmx256m");
        command.add("-D" + ShmConfiguration.MAX_SLEEP_PROP_NAME + "=" + MAX_SLEEP);
        command.addAll(flags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static void stop(final Process process) throws InterruptedException
    {
        if (process == null)
        {
            return;
        }
        try
        {
            final OutputStream in = process.getOutputStream();
            in.write("stop\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            in.close();
        }
        catch (final IOException ex)
        {
            // Already gone.
        }
        if (!process.waitFor(20, TimeUnit.SECONDS))
        {
            TestProcesses.destroy(process);
        }
    }

    /**
     * A blocking client: {@code dir service requests}. Sends the requests one after another, prints
     * {@code RESULT ok=N maxRoundTripNs=T notifier=KIND inbox=FILE}, then stays connected until its stdin says
     * {@code stop}, so the test can read the headers of both inboxes.
     */
    static final class RequestClientMain
    {
        private RequestClientMain()
        {
        }

        public static void main(final String[] args) throws Exception
        {
            final int requests = Integer.parseInt(args[2]);
            final ShmClient connected;
            try
            {
                connected = ShmClient.connect(new ClientContext().baseDirectory(Paths.get(args[0]))
                    .serviceName(args[1]).idleMode(IdleMode.BLOCK).connectTimeoutNs(TimeUnit.SECONDS.toNanos(30)));
            }
            catch (final IpcException ex)
            {
                System.out.println("REFUSED " + ex.getMessage().replace('\n', ' '));
                System.out.flush();
                return;
            }
            try (ShmClient client = connected)
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);
                final long[] echoed = new long[1];
                int ok = 0;
                long maxRoundTripNs = 0;
                for (int i = 1; i <= requests; i++)
                {
                    buffer.putLong(0, i);
                    final long startNs = System.nanoTime();
                    final long result = client.request(2, buffer, 0, 16,
                        (typeId, b, o, l) -> echoed[0] = b.getLong(o), TimeUnit.SECONDS.toNanos(10));
                    maxRoundTripNs = Math.max(maxRoundTripNs, System.nanoTime() - startNs);
                    if (result == OfferResult.OK && echoed[0] == i)
                    {
                        ok++;
                    }
                    else
                    {
                        System.out.println("request " + i + ": " + OfferResult.describe(result) + " echoed="
                            + echoed[0]);
                    }
                }
                System.out.println("RESULT ok=" + ok + " maxRoundTripNs=" + maxRoundTripNs + " notifier="
                    + client.notifierKind() + " inbox=" + client.inboxFile().getFileName());
                System.out.flush();
                final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null && !"stop".equals(line.trim()))
                {
                    // Stay connected until the test has read the headers.
                }
            }
        }
    }
}
