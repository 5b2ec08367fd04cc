package io.ipcgateway.shm.notify;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Which notifier the packaged jar selects on the JVM running the test: failsafe runs it against the jar, so on
 * Linux with JDK 22+ the {@code META-INF/versions/22} layer must be loaded and FUTEX chosen; the second failsafe
 * execution runs it on JDK 17, where the base class must be loaded and the socket fallback chosen.
 * A jar whose layer is silently ignored (no {@code Multi-Release: true}) fails here.
 */
class NotifierSelectionIT
{
    /** Set by the JDK 17 failsafe execution; otherwise derived from the running JVM and OS. */
    private static final String EXPECTED_KIND_PROP = "ipc.test.expectedAutoKind";

    @TempDir
    Path dir;

    private static NotifierKind expectedAutoKind()
    {
        final String configured = System.getProperty(EXPECTED_KIND_PROP);
        if (configured != null && !configured.isBlank())
        {
            return NotifierKind.valueOf(configured);
        }
        final boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");
        return linux && Runtime.version().feature() >= 22 ? NotifierKind.FUTEX : NotifierKind.UNIX_SOCKET;
    }

    @Test
    void shouldLoadTheFutexClassMatchingTheJvmFromThePackagedJar()
    {
        final String implementation = Notifiers.futexImplementation();

        assertThat(implementation).as("failsafe must test the packaged jar").contains("jar:file:");
        if (expectedAutoKind() == NotifierKind.FUTEX)
        {
            assertThat(implementation)
                .as("JDK %s must load the Java 22 layer of the multi-release jar", Runtime.version())
                .startsWith("ffm@")
                .contains("!/META-INF/versions/22/io/ipcgateway/shm/notify/Futex.class");
        }
        else
        {
            assertThat(implementation).startsWith("base@").doesNotContain("META-INF/versions");
        }
    }

    @Test
    void shouldSelectTheExpectedKindAutomaticallyAndReportWhy()
    {
        final NotifierKind expected = expectedAutoKind();

        assertThat(Notifiers.autoKind()).isEqualTo(expected);
        assertThat(Notifiers.selectionReport())
            .startsWith("notifier=" + expected + ", reason=")
            .contains("java=" + Runtime.version())
            .contains("futexClass=" + Notifiers.futexImplementation());
        final UnsafeBuffer header = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
        try (Notifier notifier = Notifiers.open(header, 0, dir.resolve("ch"), true, NotifierKind.AUTO))
        {
            assertThat(notifier.kind()).isEqualTo(expected);
        }
    }

    @Test
    void shouldRefuseForcedFutexWhereItIsUnavailable()
    {
        assumeTrue(expectedAutoKind() != NotifierKind.FUTEX, "futex is available on this JVM");
        final UnsafeBuffer header = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));

        assertThatThrownBy(() -> Notifiers.open(header, 0, dir.resolve("ch"), true, NotifierKind.FUTEX))
            .hasMessageContaining("futex notifier forced but unavailable")
            .hasMessageContaining("channel=" + dir.resolve("ch"));
    }

    @Test
    @Timeout(30)
    void shouldWakeSleepingThreadWithFutexWhenProducerSignals() throws InterruptedException
    {
        assumeTrue(expectedAutoKind() == NotifierKind.FUTEX, "futex is not available on this JVM");
        final UnsafeBuffer header = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
        final Path channel = dir.resolve("ch");
        try (Notifier consumer = Notifiers.open(header, 64, channel, true, NotifierKind.FUTEX);
            Notifier producer = Notifiers.open(header, 64, channel, false, NotifierKind.FUTEX))
        {
            final AtomicBoolean signalled = new AtomicBoolean();
            final Thread sleeper = new Thread(
                () -> signalled.set(consumer.await(() -> false, TimeUnit.SECONDS.toNanos(20))));
            sleeper.start();
            while (consumer.sleeps() == 0)
            {
                Thread.onSpinWait();
            }
            producer.signal();
            sleeper.join();

            assertThat(signalled.get()).as("woken by FUTEX_WAKE, not by the 20 s timeout").isTrue();
            assertThat(consumer.timeouts()).isZero();
            assertThat(consumer.wakeups()).isEqualTo(1);

            final long startNs = System.nanoTime();
            assertThat(consumer.await(() -> false, TimeUnit.MILLISECONDS.toNanos(30))).isFalse();
            assertThat(System.nanoTime() - startNs).as("FUTEX_WAIT honours the timeout")
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(30));
            assertThat(consumer.timeouts()).isEqualTo(1);
        }
    }

    @Test
    @Timeout(30)
    void shouldWakeSocketConsumerFromProducerThatResolvedFutex() throws InterruptedException
    {
        assumeTrue(expectedAutoKind() == NotifierKind.FUTEX, "futex is not available on this JVM");
        final UnsafeBuffer header = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
        final Path channel = dir.resolve("ch");
        try (Notifier consumer = Notifiers.open(header, 0, channel, true, NotifierKind.UNIX_SOCKET);
            Notifier producer = Notifiers.open(header, 0, channel, false, NotifierKind.AUTO))
        {
            assertThat(producer.kind()).isEqualTo(NotifierKind.FUTEX);
            final AtomicBoolean signalled = new AtomicBoolean();
            final Thread sleeper = new Thread(
                () -> signalled.set(consumer.await(() -> false, TimeUnit.SECONDS.toNanos(20))));
            sleeper.start();
            while (consumer.sleeps() == 0)
            {
                Thread.onSpinWait();
            }
            producer.signal();
            sleeper.join();

            assertThat(signalled.get()).as("the producer follows the kind the consumer announced").isTrue();
            assertThat(consumer.timeouts()).isZero();
        }
    }

    @Test
    @Timeout(60)
    void shouldFallBackToSocketWhenNativeAccessIsDenied() throws Exception
    {
        assumeTrue(Runtime.version().feature() >= 24, "--illegal-native-access exists from JDK 24");
        try (ChildJvm child = ChildJvm.start(
            dir, List.of("--illegal-native-access=deny"), SelectionReportProcess.class))
        {
            final Map<String, String> result = child.awaitResult(50);

            assertThat(result.get("autoKind")).isEqualTo(NotifierKind.UNIX_SOCKET.name());
            assertThat(result.get("report")).contains("IllegalCallerException");
            assertThat(result.get("futexImplementation")).startsWith("ffm@");
        }
    }

    @Test
    @Timeout(60)
    void shouldSelectTheSameKindInAChildJvmStartedFromTheSameClassPath() throws Exception
    {
        try (ChildJvm child = ChildJvm.start(
            dir, List.of("--enable-native-access=ALL-UNNAMED"), SelectionReportProcess.class))
        {
            final Map<String, String> result = child.awaitResult(50);

            assertThat(result.get("autoKind")).isEqualTo(expectedAutoKind().name());
        }
    }
}
