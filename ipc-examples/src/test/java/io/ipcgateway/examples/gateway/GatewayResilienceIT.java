package io.ipcgateway.examples.gateway;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.ipcgateway.audit.AuditVerifier;
import io.ipcgateway.audit.AuditVerifyReport;
import io.ipcgateway.examples.nats.NatsServerProcess;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreaker;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerListener;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerState;
import io.ipcgateway.shm.ClientContext;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gateway's resilience, audit, input checks and shutdown, each against a real nats-server, with the gateway and
 * its local clients in this JVM (their shared-memory service is as real as across processes) and a jnats responder:
 * {@code svc.echo} answers at once, {@code svc.slow} after {@link #slowMs}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayResilienceIT
{
    private static final AtomicInteger SERVICES = new AtomicInteger();
    private static NatsServerProcess nats;
    private static Connection responder;
    private static final AtomicLong SLOW_MS = new AtomicLong();
    /** Requests the responder received on {@code svc.slow.*}. */
    private static final AtomicLong SLOW_CALLS = new AtomicLong();

    @TempDir
    static Path natsDir;

    @TempDir
    Path tempDir;

    private Path shmDir;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void startNats() throws Exception
    {
        nats = NatsServerProcess.start(natsDir);
        responder = Nats.connect(nats.url());
        final Dispatcher dispatcher = responder.createDispatcher(message ->
        {
            if (message.getSubject().startsWith("svc.slow"))
            {
                SLOW_CALLS.incrementAndGet();
                sleep(SLOW_MS.get());
            }
            responder.publish(message.getReplyTo(), ("echo:" + new String(message.getData(),
                StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        });
        dispatcher.subscribe("svc.>");
        responder.flush(Duration.ofSeconds(5));
    }

    @AfterAll
    static void stopNats() throws Exception
    {
        if (responder != null)
        {
            responder.close();
        }
        if (nats != null)
        {
            nats.close();
        }
    }

    @BeforeEach
    void createShmDir() throws Exception
    {
        shmDir = Files.createTempDirectory(Path.of("/dev/shm"), "ipc-gw-res-");
        SLOW_MS.set(0);
        // A test that restarted nats-server leaves the responder resubscribing: wait until it answers.
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true)
        {
            try
            {
                if (responder.request("svc.echo", bytes("ping"), Duration.ofSeconds(1)) != null)
                {
                    break;
                }
            }
            catch (final RuntimeException ex)
            {
                // Not yet.
            }
            assertThat(System.nanoTime() - deadline).as("responder answers within 30 s").isNegative();
            Thread.sleep(50);
        }
    }

    @AfterEach
    void closeAll() throws Exception
    {
        for (int i = toClose.size() - 1; i >= 0; i--)
        {
            toClose.get(i).close();
        }
        try (var files = Files.walk(shmDir))
        {
            for (final Path path : files.sorted(java.util.Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
    }

    @Test
    void shouldRefuseAnOverlongSubjectAndAnOversizePayloadWithTheirStatuses() throws Exception
    {
        final Gateway gateway = start("limits:\n  maxPayload: 1k\n  maxSubjectLength: 16\n");
        final GatewayClient client = connect(gateway);

        assertThat(client.request("svc.echo", bytes("hi"), Duration.ofSeconds(5))).asString().isEqualTo("echo:hi");
        assertThatThrownBy(() -> client.request("svc.echo.much.too.long", bytes("hi"), Duration.ofSeconds(5)))
            .isInstanceOfSatisfying(GatewayException.class, ex ->
                assertThat(ex.status()).isEqualTo(GatewayStatus.INVALID_SUBJECT))
            .hasMessageContaining("limit of 16");
        assertThatThrownBy(() -> client.request("svc.echo", new byte[2048], Duration.ofSeconds(5)))
            .isInstanceOfSatisfying(GatewayException.class, ex ->
                assertThat(ex.status()).isEqualTo(GatewayStatus.PAYLOAD_TOO_LARGE))
            .hasMessageContaining("limits.maxPayload=1024");
        assertThatThrownBy(() -> client.publishAcked("bad subject", bytes("x"), Duration.ofSeconds(5)))
            .isInstanceOfSatisfying(GatewayException.class, ex ->
                assertThat(ex.status()).isEqualTo(GatewayStatus.INVALID_SUBJECT));
        assertThat(client.publish("svc.events", new byte[2048])).isEqualTo(GatewayStatus.OK);
        awaitCount(() -> gateway.stats().total(GatewayOperation.PUBLISH, GatewayStatus.PAYLOAD_TOO_LARGE), 1);
    }

    @Test
    void shouldFailToStartWithAnErrorNamingTheUrlWhenNatsIsUnreachable() throws Exception
    {
        final int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            port = socket.getLocalPort();
        }
        final GatewayConfig config = GatewayConfig.parse("service: gw-unreachable\ndirectory: " + shmDir +
            "\nnats:\n  url: nats://127.0.0.1:" + port + "\n  connectTimeout: 500ms\n", "test");
        assertThatThrownBy(() -> Gateway.start(config))
            .isInstanceOf(GatewayStartException.class)
            .hasMessageContaining("nats.url=nats://127.0.0.1:" + port);
        assertThat(Files.exists(shmDir.resolve("gw-unreachable"))).isFalse();
    }

    @Test
    void shouldExitWithUsageNamingTheKeyOfABadConfigFile() throws Exception
    {
        final Path file = tempDir.resolve("bad.yml");
        Files.writeString(file, "nats:\n  urll: nats://127.0.0.1:4222\n");
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = GatewayMain.run(new String[] {"--config", file.toString()},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown key=nats.urll").contains("bad.yml");

        Files.writeString(file, "nats:\n  poolSize: 99\n");
        final ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        assertThat(GatewayMain.run(new String[] {"--config", file.toString()},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err2, true, StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(err2.toString(StandardCharsets.UTF_8)).contains("nats.poolSize=99").contains("1 to 16");
    }

    @Test
    void shouldOpenTheBreakerOnSlowCallsFailFastThenProbeAndClose() throws Exception
    {
        // Bounds that hold on a loaded machine: slow calls take 1.2 s against a threshold of 1 s (never faster than
        // the responder's sleep), fast ones only have to stay under 1 s, and the breaker stays open 5 s.
        final Gateway gateway = start(String.join("\n",
            "downstreams:",
            "  - prefix: svc",
            "    breaker:",
            "      slowCallDuration: 1s",
            "      slowCallRateThreshold: 50",
            "      slidingWindowSize: 4",
            "      minimumNumberOfCalls: 4",
            "      waitInOpenState: 5s",
            "      probesInHalfOpen: 2",
            ""));
        final CircuitBreaker breaker = gateway.stats().breakers().stream()
            .filter(b -> b.name().equals("gateway-svc")).findFirst().orElseThrow();
        final List<String> transitions = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicLong leftOpenNs = new AtomicLong(Long.MAX_VALUE);
        breaker.addListener(new CircuitBreakerListener()
        {
            @Override
            public void onStateTransition(final String name, final CircuitBreakerState from,
                final CircuitBreakerState to)
            {
                if (from == CircuitBreakerState.OPEN)
                {
                    leftOpenNs.compareAndSet(Long.MAX_VALUE, System.nanoTime());
                }
                transitions.add(from + "->" + to);
            }
        });
        final GatewayClient client = connect(gateway);
        SLOW_MS.set(1200);
        final List<CompletableFuture<byte[]>> slow = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            slow.add(client.requestAsync("svc.slow", bytes("s" + i), Duration.ofSeconds(30)));
        }
        for (int i = 0; i < 4; i++)
        {
            assertThat(slow.get(i).get(60, TimeUnit.SECONDS)).asString().isEqualTo("echo:s" + i);
        }
        // The breaker records each call before its reply is sent: open once the 4th reply is here.
        assertThat(breaker.state()).isNotEqualTo(CircuitBreakerState.CLOSED);
        awaitCount(() -> transitions.size(), 1);
        assertThat(transitions).as("transitions").startsWith("CLOSED->OPEN");
        assertThat(breaker.metrics().totalSlowCalls()).isEqualTo(4);
        final long slowServed = SLOW_CALLS.get();

        // Fast from here on: a call that does reach the responder is never slow, whatever the state.
        SLOW_MS.set(0);
        final long sentNs = System.nanoTime();
        GatewayStatus refused = GatewayStatus.OK;
        try
        {
            client.request("svc.slow", bytes("x"), Duration.ofSeconds(30));
        }
        catch (final GatewayException ex)
        {
            refused = ex.status();
            assertThat(ex).hasMessageContaining("downstream=svc");
        }
        // Refused without reaching NATS, unless the machine stalled past the 5 s wait before the call was sent
        // (then it was a half-open probe, answered).
        if (leftOpenNs.get() - sentNs > 0)
        {
            assertThat(refused).isEqualTo(GatewayStatus.BREAKER_OPEN);
            assertThat(SLOW_CALLS.get()).as("calls that reached the responder").isEqualTo(slowServed);
            assertThat(gateway.stats().total(GatewayOperation.REQUEST, GatewayStatus.BREAKER_OPEN)).isEqualTo(1);
        }

        awaitCount(() -> breaker.state() != CircuitBreakerState.OPEN ? 1 : 0, 1);
        for (int i = 0; i < 2; i++)
        {
            assertThat(client.request("svc.slow", bytes("p" + i), Duration.ofSeconds(30))).asString()
                .isEqualTo("echo:p" + i);
        }
        assertThat(gateway.stats().breakerStates()).containsEntry("svc", CircuitBreakerState.CLOSED);
        assertThat(transitions).containsSubsequence("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
    }

    @Test
    void shouldRetryRequestsOfIdempotentDownstreamsOnly() throws Exception
    {
        final Gateway gateway = start(String.join("\n",
            "downstreams:",
            "  - prefix: idem",
            "    idempotent: true",
            "    retry:",
            "      maxAttempts: 10",
            "      initialBackoff: 300ms",
            "      multiplier: 1",
            "  - prefix: plain",
            ""));
        final GatewayClient client = connect(gateway);

        assertThatThrownBy(() -> client.request("plain.x", bytes("x"), Duration.ofSeconds(5)))
            .isInstanceOfSatisfying(GatewayException.class, ex ->
                assertThat(ex.status()).isEqualTo(GatewayStatus.NO_RESPONDERS));
        assertThat(gateway.stats().retries()).isZero();

        final CompletableFuture<byte[]> reply = client.requestAsync("idem.x", bytes("late"), Duration.ofSeconds(10));
        Thread.sleep(300);
        final Connection lateResponder = Nats.connect(nats.url());
        try
        {
            lateResponder.createDispatcher(message -> lateResponder.publish(message.getReplyTo(),
                bytes("idem:" + new String(message.getData(), StandardCharsets.UTF_8)))).subscribe("idem.>");
            lateResponder.flush(Duration.ofSeconds(5));
            assertThat(reply.get(15, TimeUnit.SECONDS)).asString().isEqualTo("idem:late");
        }
        finally
        {
            lateResponder.close();
        }
        assertThat(gateway.stats().retries()).isPositive();
        assertThat(gateway.stats().total(GatewayOperation.REQUEST, GatewayStatus.OK)).isEqualTo(1);
    }

    @Test
    void shouldRateLimitOneClientWithoutAffectingAnother() throws Exception
    {
        final Gateway gateway = start("rateLimits:\n  perClient: 5\n  clientKey: session\n  period: 10m\n");
        final GatewayClient first = connect(gateway);
        final GatewayClient second = connect(gateway);
        for (int i = 0; i < 5; i++)
        {
            assertThat(first.request("svc.echo", bytes("a" + i), Duration.ofSeconds(5))).isNotEmpty();
        }
        assertThatThrownBy(() -> first.request("svc.echo", bytes("over"), Duration.ofSeconds(5)))
            .isInstanceOfSatisfying(GatewayException.class, ex ->
                assertThat(ex.status()).isEqualTo(GatewayStatus.RATE_LIMITED));
        for (int i = 0; i < 5; i++)
        {
            assertThat(second.request("svc.echo", bytes("b" + i), Duration.ofSeconds(5))).asString()
                .isEqualTo("echo:b" + i);
        }
        assertThat(gateway.stats().limiterDenials()).containsEntry("client", 1L);
    }

    @Test
    void shouldShareOneTotalBudgetBetweenTwoGatewaysThroughTheSharedLimiterFile() throws Exception
    {
        final String limits = "rateLimits:\n  total: 4\n  period: 10m\n  totalName: gw-total-" +
            ProcessHandle.current().pid() + "-" + SERVICES.incrementAndGet() + "\n  sharedDirectory: " + tempDir +
            "\n";
        final Gateway one = start(limits);
        final Gateway two = start(limits);
        final GatewayClient viaOne = connect(one);
        final GatewayClient viaTwo = connect(two);
        for (int i = 0; i < 3; i++)
        {
            assertThat(viaOne.request("svc.echo", bytes("x"), Duration.ofSeconds(5))).isNotEmpty();
        }
        assertThat(viaTwo.request("svc.echo", bytes("y"), Duration.ofSeconds(5))).isNotEmpty();
        assertThatThrownBy(() -> viaTwo.request("svc.echo", bytes("z"), Duration.ofSeconds(5)))
            .isInstanceOfSatisfying(GatewayException.class, ex ->
                assertThat(ex.status()).isEqualTo(GatewayStatus.RATE_LIMITED));
        assertThat(two.stats().limiterDenials()).containsEntry("total", 1L);
    }

    @Test
    void shouldAnswerNatsTimeoutAtTheCallsDeadlineWhenTheResponderNeverAnswers() throws Exception
    {
        final Gateway gateway = start("");
        final GatewayClient client = connect(gateway);
        // A subscriber that never answers: NATS has a responder, so only a timeout can end the request. jnats notices
        // its own request timeouts only every few seconds (its request cleanup interval), far past this timeout.
        final io.nats.client.Subscription silent = responder.subscribe("quiet.never");
        responder.flush(Duration.ofSeconds(5));
        try
        {
            final long startNs = System.nanoTime();
            assertThatThrownBy(() -> client.request("quiet.never", bytes("?"), Duration.ofMillis(300)))
                .isInstanceOfSatisfying(GatewayException.class, ex ->
                    assertThat(ex.status()).as(ex.getMessage()).isEqualTo(GatewayStatus.NATS_TIMEOUT));
            assertThat(System.nanoTime() - startNs).as("answered before the client's own deadline")
                .isLessThan(TimeUnit.MILLISECONDS.toNanos(300) + GatewayClient.LOCAL_TIMEOUT_SLACK.toNanos());
            assertThat(gateway.stats().total(GatewayOperation.REQUEST, GatewayStatus.NATS_TIMEOUT)).isEqualTo(1);
            assertThat(gateway.stats().inFlight()).isZero();
            // jnats' own timeout comes later: dropped and counted, never a second answer.
            awaitCount(() -> gateway.stats().lateNatsAnswers(), 1);
            assertThat(client.request("svc.echo", bytes("after"), Duration.ofSeconds(5))).asString()
                .isEqualTo("echo:after");
            assertThat(gateway.stats().total(GatewayOperation.REQUEST, GatewayStatus.NATS_TIMEOUT)).isEqualTo(1);
        }
        finally
        {
            silent.unsubscribe();
        }
    }

    @Test
    void shouldRefuseACallBeyondTheBulkheadWhileTheFirstIsSlow() throws Exception
    {
        final Gateway gateway = start("downstreams:\n  - prefix: svc\n    maxConcurrentCalls: 1\n");
        final GatewayClient client = connect(gateway);
        SLOW_MS.set(700);
        final CompletableFuture<byte[]> first = client.requestAsync("svc.slow", bytes("1"), Duration.ofSeconds(5));
        awaitCount(() -> gateway.stats().inFlight(), 1);
        assertThatThrownBy(() -> client.request("svc.echo", bytes("2"), Duration.ofSeconds(5)))
            .isInstanceOfSatisfying(GatewayException.class, ex ->
                assertThat(ex.status()).isEqualTo(GatewayStatus.BULKHEAD_FULL));
        assertThat(first.get(10, TimeUnit.SECONDS)).asString().isEqualTo("echo:1");
        assertThat(client.request("svc.echo", bytes("3"), Duration.ofSeconds(5))).asString().isEqualTo("echo:3");
    }

    @Test
    void shouldAuditEveryCallAndMessageInALogThatVerifies() throws Exception
    {
        final Path auditDir = tempDir.resolve("audit");
        final Gateway gateway = start("audit:\n  directory: " + auditDir + "\n  durability: record\n");
        final GatewayClient client = connect(gateway);
        final AtomicLong received = new AtomicLong();
        final Subscription subscription = client.subscribe("audited.>", message -> received.incrementAndGet());
        for (int i = 0; i < 3; i++)
        {
            client.request("svc.echo", bytes("r" + i), Duration.ofSeconds(5));
        }
        client.publish("audited.one", bytes("p1"));
        client.publish("audited.two", bytes("p2"));
        awaitCount(received::get, 2);
        subscription.close();
        client.close();
        gateway.close();

        final AuditVerifyReport report = AuditVerifier.verify(auditDir, AuditConfig.DEFAULT_NAME, null);
        assertThat(report.ok()).as(report.problems().toString()).isTrue();
        // 3 requests in + 3 responses out + 2 publishes in + 2 messages out.
        assertThat(report.records()).isEqualTo(10);
    }

    @Test
    void shouldDrainACallInFlightOnCloseThenRemoveTheServiceFiles() throws Exception
    {
        final Gateway gateway = start("drainTimeout: 5s\n");
        final GatewayClient client = connect(gateway);
        SLOW_MS.set(400);
        final CompletableFuture<byte[]> inFlight = client.requestAsync("svc.slow", bytes("drain"),
            Duration.ofSeconds(5));
        awaitCount(() -> gateway.stats().inFlight(), 1);
        final Path serviceDir = gateway.serviceDirectory();
        gateway.close();
        assertThat(inFlight.get(5, TimeUnit.SECONDS)).asString().isEqualTo("echo:drain");
        assertThatThrownBy(() -> client.request("svc.echo", bytes("late"), Duration.ofSeconds(1)))
            .isInstanceOfSatisfying(GatewayException.class, ex ->
                assertThat(ex.status()).isEqualTo(GatewayStatus.GATEWAY_UNAVAILABLE));
        client.close();
        awaitCount(() -> Files.exists(serviceDir) ? 0 : 1, 1);
    }

    @Test
    void shouldFailFastWhileNatsIsDownAndRecoverWhenItReturns() throws Exception
    {
        final Gateway gateway = start(String.join("\n",
            "nats:",
            "  reconnectWait: 100ms",
            "downstreams:",
            "  - prefix: svc",
            "    breaker:",
            "      slidingWindowSize: 4",
            "      minimumNumberOfCalls: 4",
            "      waitInOpenState: 2s",
            "      probesInHalfOpen: 1",
            ""));
        final GatewayClient client = connect(gateway);
        assertThat(client.request("svc.echo", bytes("up"), Duration.ofSeconds(5))).asString().isEqualTo("echo:up");
        nats.kill();
        try
        {
            awaitCount(() -> gateway.stats().natsConnected() ? 0 : 1, 1);
            final List<GatewayStatus> statuses = new ArrayList<>();
            for (int i = 0; i < 6; i++)
            {
                try
                {
                    client.request("svc.echo", bytes("down"), Duration.ofSeconds(2));
                    statuses.add(GatewayStatus.OK);
                }
                catch (final GatewayException ex)
                {
                    statuses.add(ex.status());
                }
            }
            // The window of 4 holds the first success: 2 or 3 failures open the breaker (50 %).
            assertThat(statuses).startsWith(GatewayStatus.NATS_UNAVAILABLE, GatewayStatus.NATS_UNAVAILABLE)
                .endsWith(GatewayStatus.BREAKER_OPEN, GatewayStatus.BREAKER_OPEN)
                .containsOnly(GatewayStatus.NATS_UNAVAILABLE, GatewayStatus.BREAKER_OPEN);
            assertThat(gateway.stats().health()).isEqualTo(GatewayStats.Health.DOWN);
        }
        finally
        {
            nats.restart();
        }
        awaitCount(() -> gateway.stats().natsConnected() ? 1 : 0, 1);
        awaitCount(() -> responder.getStatus() == Connection.Status.CONNECTED ? 1 : 0, 1);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        byte[] reply = null;
        while (reply == null && System.nanoTime() - deadline < 0)
        {
            try
            {
                reply = client.request("svc.echo", bytes("back"), Duration.ofSeconds(2));
            }
            catch (final GatewayException ex)
            {
                Thread.sleep(100);
            }
        }
        assertThat(reply).asString().isEqualTo("echo:back");
        assertThat(gateway.stats().natsReconnects()).isPositive();
        assertThat(gateway.stats().breakerStates()).containsEntry("svc", CircuitBreakerState.CLOSED);
    }

    @Test
    void shouldServeAClientWhoseClassPathHasNoNatsClient() throws Exception
    {
        final Gateway gateway = start("");
        final List<java.net.URL> urls = new ArrayList<>();
        // Surefire and failsafe name the whole test class path here (java.class.path may be a manifest-only jar).
        final String classPath = System.getProperty("surefire.test.class.path",
            System.getProperty("java.class.path"));
        for (final String entry : classPath.split(java.io.File.pathSeparator))
        {
            final Path path = Path.of(entry);
            if (entry.contains("jnats"))
            {
                continue;
            }
            // The packaged application jar's manifest names target/lib/*, jnats included: use its classes instead.
            final boolean applicationJar = path.getFileName().toString().startsWith("ipc-examples-") &&
                entry.endsWith(".jar");
            urls.add((applicationJar ? path.resolveSibling("classes") : path).toUri().toURL());
        }
        try (java.net.URLClassLoader withoutNats = new java.net.URLClassLoader(urls.toArray(new java.net.URL[0]),
            ClassLoader.getPlatformClassLoader()))
        {
            assertThatThrownBy(() -> withoutNats.loadClass("io.nats.client.Connection"))
                .isInstanceOf(ClassNotFoundException.class);
            final Class<?> contextType = withoutNats.loadClass("io.ipcgateway.shm.ClientContext");
            final Object context = contextType.getConstructor().newInstance();
            contextType.getMethod("serviceName", String.class).invoke(context, gateway.config().service());
            contextType.getMethod("baseDirectory", Path.class).invoke(context, shmDir);
            final Class<?> clientType = withoutNats.loadClass(GatewayClient.class.getName());
            final Object client = clientType.getMethod("connect", contextType).invoke(null, context);
            try
            {
                final byte[] reply = (byte[])clientType.getMethod("request", String.class, byte[].class,
                    Duration.class).invoke(client, "svc.echo", bytes("no-jnats"), Duration.ofSeconds(5));
                assertThat(reply).asString().isEqualTo("echo:no-jnats");
                assertThat(clientType.getMethod("publish", String.class, byte[].class)
                    .invoke(client, "svc.events", bytes("e")).toString()).isEqualTo("OK");
            }
            finally
            {
                ((AutoCloseable)client).close();
            }
        }
    }

    private Gateway start(final String extraYaml)
    {
        final String service = "gw-res-" + SERVICES.incrementAndGet();
        final Gateway gateway = Gateway.start(GatewayConfig.parse("service: " + service + "\ndirectory: " + shmDir +
            "\n" + (extraYaml.contains("nats:") ? extraYaml.replace("nats:\n", "nats:\n  url: " + nats.url() +
            "\n") : "nats:\n  url: " + nats.url() + "\n" + extraYaml), "test"));
        toClose.add(gateway);
        return gateway;
    }

    private GatewayClient connect(final Gateway gateway)
    {
        final GatewayClient client = GatewayClient.connect(new ClientContext()
            .serviceName(gateway.config().service()).baseDirectory(shmDir)
            .connectTimeoutNs(TimeUnit.SECONDS.toNanos(30)));
        toClose.add(client);
        return client;
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void awaitCount(final java.util.function.LongSupplier count, final long atLeast)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (count.getAsLong() < atLeast)
        {
            assertThat(System.nanoTime() - deadline).as("count reached %d within 30 s", atLeast).isNegative();
            Thread.sleep(5);
        }
    }

    private static void sleep(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
