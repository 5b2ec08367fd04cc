package io.ipcgateway.shm.notify;

import io.ipcgateway.core.IpcException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The negotiation between a consumer and producers that cannot call the futex, under surefire (base classes, so
 * every producer opened here is one without the futex, as on JDK 17). A futex consumer is either written into the
 * area by hand or built with a stand-in futex sleeper; the real futex across JDKs is covered by
 * {@code MixedJdkNotifierIT}.
 */
class NotifierNegotiationTest
{
    private static final int AREA = 64;

    @TempDir
    Path dir;

    private final UnsafeBuffer header = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));

    private void recordConsumer(final NotifierKind kind, final int listens)
    {
        header.putInt(AREA + NotifierDescriptor.CONSUMER_KIND_OFFSET, kind.code());
        header.putInt(AREA + NotifierDescriptor.CONSUMER_LISTENS_OFFSET, listens);
    }

    private int socketRequests()
    {
        return header.getIntVolatile(AREA + NotifierDescriptor.SOCKET_REQUESTS_OFFSET);
    }

    @Test
    void shouldAskFutexConsumerForTheSocketWhenProducerCannotCallFutex()
    {
        recordConsumer(NotifierKind.FUTEX, NotifierKind.FUTEX.mask() | NotifierKind.UNIX_SOCKET.mask());

        try (Notifier first = Notifiers.open(header, AREA, dir.resolve("ch"), false, NotifierKind.AUTO);
            Notifier second = Notifiers.open(header, AREA, dir.resolve("ch"), false, NotifierKind.AUTO))
        {
            assertThat(first.kind()).isEqualTo(NotifierKind.UNIX_SOCKET);
            assertThat(second.kind()).isEqualTo(NotifierKind.UNIX_SOCKET);
            assertThat(socketRequests()).as("one request per producer without the futex").isEqualTo(2);
        }
    }

    @Test
    void shouldRefuseProducerWithoutFutexWhenConsumerAcceptsOnlyTheFutex()
    {
        recordConsumer(NotifierKind.FUTEX, NotifierKind.FUTEX.mask());

        assertThatThrownBy(() -> Notifiers.open(header, AREA, dir.resolve("ch"), false, NotifierKind.AUTO))
            .isInstanceOf(IpcException.class)
            .hasMessageContaining("cannot wake the consumer of channel=" + dir.resolve("ch"))
            .hasMessageContaining("forces ipc.notifier=futex")
            .hasMessageContaining("run this process on JDK 22+ with --enable-native-access=ALL-UNNAMED")
            .hasMessageContaining("start the consumer with ipc.notifier=auto");
        assertThat(socketRequests()).isZero();
    }

    @Test
    void shouldRecordSocketConsumerAndLeaveItsProducersAlone()
    {
        try (Notifier consumer = Notifiers.open(header, AREA, dir.resolve("ch"), true, NotifierKind.AUTO);
            Notifier producer = Notifiers.open(header, AREA, dir.resolve("ch"), false, NotifierKind.AUTO))
        {
            assertThat(consumer.kind()).isEqualTo(NotifierKind.UNIX_SOCKET);
            assertThat(Notifiers.consumerKind(header, AREA)).isEqualTo(NotifierKind.UNIX_SOCKET);
            assertThat(header.getInt(AREA + NotifierDescriptor.CONSUMER_LISTENS_OFFSET))
                .isEqualTo(NotifierKind.UNIX_SOCKET.mask());
            assertThat(socketRequests()).isZero();
            assertThat(producer.kind()).isEqualTo(NotifierKind.UNIX_SOCKET);
        }
    }

    @Test
    void shouldReportNoConsumerKindBeforeAConsumerOpened()
    {
        assertThat(Notifiers.consumerKind(header, AREA)).isNull();
    }

    @Test
    @Timeout(30)
    void shouldSwitchFutexConsumerToTheSocketBeforeItsNextSleepAndBeWokenThere() throws Exception
    {
        final Path channel = dir.resolve("ch");
        final StandInFutex futex = new StandInFutex();
        try (Notifier consumer = new EventCountNotifier(header, AREA, NotifierKind.FUTEX, true, futex,
            new SocketSleeper(Notifiers.wakeSocketPath(channel), channel), null,
            new SocketWaker(Notifiers.wakeSocketPath(channel)), null))
        {
            assertThat(Notifiers.consumerKind(header, AREA)).isEqualTo(NotifierKind.FUTEX);
            assertThat(header.getInt(AREA + NotifierDescriptor.CONSUMER_LISTENS_OFFSET))
                .isEqualTo(NotifierKind.FUTEX.mask() | NotifierKind.UNIX_SOCKET.mask());
            assertThat(Files.exists(Notifiers.wakeSocketPath(channel)))
                .as("a futex consumer chosen automatically listens on the socket from the start").isTrue();

            try (Notifier producer = Notifiers.open(header, AREA, channel, false, NotifierKind.AUTO))
            {
                final AtomicBoolean signalled = new AtomicBoolean();
                final Thread sleeper = new Thread(
                    () -> signalled.set(consumer.await(() -> false, TimeUnit.SECONDS.toNanos(20))));
                sleeper.start();
                while (consumer.sleeps() == 0)
                {
                    Thread.onSpinWait();
                }
                assertThat(consumer.kind()).isEqualTo(NotifierKind.UNIX_SOCKET);
                assertThat(Notifiers.consumerKind(header, AREA)).isEqualTo(NotifierKind.UNIX_SOCKET);
                producer.signal();
                sleeper.join();

                assertThat(signalled.get()).as("woken through the socket, not by the 20 s timeout").isTrue();
                assertThat(consumer.timeouts()).isZero();
                assertThat(futex.sleeps).as("never slept on the futex after the request").isZero();
            }
        }
    }

    /** Stands in for the futex primitive, which the base classes cannot call: parks for the timeout. */
    private static final class StandInFutex implements Sleeper
    {
        private volatile int sleeps;

        @Override
        public void sleep(final long timeoutNs)
        {
            sleeps++;
            LockSupport.parkNanos(timeoutNs);
        }

        @Override
        public void close()
        {
        }
    }
}
