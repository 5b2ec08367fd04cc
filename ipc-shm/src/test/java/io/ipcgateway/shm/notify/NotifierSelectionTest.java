package io.ipcgateway.shm.notify;

import io.ipcgateway.core.IpcException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Selection and configuration under surefire, which runs from {@code target/classes}: the base Futex class is
 * loaded, so the futex is unavailable and AUTO must fall back (the packaged jar is covered by the failsafe ITs).
 */
class NotifierSelectionTest
{
    @TempDir
    Path dir;

    private final UnsafeBuffer header = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));

    @AfterEach
    void clearProperty()
    {
        System.clearProperty(Notifiers.NOTIFIER_PROP_NAME);
    }

    @Test
    void shouldFallBackToSocketAndSayWhyWhenBaseFutexClassIsLoaded()
    {
        assertThat(Notifiers.futexImplementation()).startsWith("base@file:").contains("target/classes");
        assertThat(Notifiers.autoKind()).isEqualTo(NotifierKind.UNIX_SOCKET);
        assertThat(Notifiers.selectionReport())
            .startsWith("notifier=UNIX_SOCKET, reason=fallback: futex needs JDK 22+")
            .contains("ipc.notifier=auto")
            .contains("futexClass=base@");
    }

    @Test
    void shouldRefuseForcedFutexWithReasonWhenUnavailable()
    {
        assertThatThrownBy(() -> Notifiers.open(header, 0, dir.resolve("ch"), true, NotifierKind.FUTEX))
            .isInstanceOf(IpcException.class)
            .hasMessageContaining("futex notifier forced but unavailable")
            .hasMessageContaining("reason=futex needs JDK 22+");
    }

    @Test
    void shouldRefuseFutexPropertyWhenUnavailableAndReportIt()
    {
        System.setProperty(Notifiers.NOTIFIER_PROP_NAME, "futex");

        assertThat(Notifiers.autoKind()).isEqualTo(NotifierKind.FUTEX);
        assertThat(Notifiers.selectionReport()).contains("forced by ipc.notifier but futex unavailable");
        assertThatThrownBy(() -> Notifiers.open(header, 0, dir.resolve("ch"), true, NotifierKind.AUTO))
            .isInstanceOf(IpcException.class)
            .hasMessageContaining("ipc.notifier=futex");
    }

    @Test
    void shouldLetExplicitKindWinOverProperty()
    {
        System.setProperty(Notifiers.NOTIFIER_PROP_NAME, "futex");

        try (Notifier notifier = Notifiers.open(header, 0, dir.resolve("ch"), true, NotifierKind.UNIX_SOCKET))
        {
            assertThat(notifier.kind()).isEqualTo(NotifierKind.UNIX_SOCKET);
        }
    }

    @Test
    void shouldRejectUnknownPropertyValueNamingIt()
    {
        System.setProperty(Notifiers.NOTIFIER_PROP_NAME, "eventfd");

        assertThatThrownBy(Notifiers::autoKind)
            .isInstanceOf(IpcException.class)
            .hasMessageContaining("ipc.notifier=eventfd")
            .hasMessageContaining("auto, futex, unix-socket");
    }

    @Test
    void shouldParseKindAliases()
    {
        assertThat(NotifierKind.parse(" Auto ")).isEqualTo(NotifierKind.AUTO);
        assertThat(NotifierKind.parse("FUTEX")).isEqualTo(NotifierKind.FUTEX);
        assertThat(NotifierKind.parse("unix_socket")).isEqualTo(NotifierKind.UNIX_SOCKET);
        assertThat(NotifierKind.parse("uds")).isEqualTo(NotifierKind.UNIX_SOCKET);
        assertThat(NotifierKind.fromCode(NotifierKind.FUTEX.code())).isEqualTo(NotifierKind.FUTEX);
        assertThat(NotifierKind.fromCode(99)).isNull();
    }

    @Test
    void shouldPublishConsumerKindInSharedAreaForProducers()
    {
        try (Notifier notifier = Notifiers.open(header, 64, dir.resolve("ch"), true, NotifierKind.AUTO))
        {
            assertThat(header.getInt(64 + NotifierDescriptor.CONSUMER_KIND_OFFSET))
                .isEqualTo(notifier.kind().code());
        }
    }

    @Test
    void shouldClearStaleWaiterWordLeftByDeadConsumerWhenNewConsumerOpens()
    {
        header.putInt(64 + NotifierDescriptor.WAITER_OFFSET, NotifierDescriptor.SLEEPING);

        try (Notifier notifier = Notifiers.open(header, 64, dir.resolve("ch"), true, NotifierKind.AUTO))
        {
            assertThat(notifier.sleeps()).isZero();
            assertThat(header.getInt(64 + NotifierDescriptor.WAITER_OFFSET)).isEqualTo(NotifierDescriptor.AWAKE);
        }
    }

    @Test
    void shouldRefuseSocketPathLongerThanUnixDomainLimit()
    {
        final Path deep = dir.resolve("x".repeat(120));

        assertThatThrownBy(() -> Notifiers.open(header, 0, deep, true, NotifierKind.UNIX_SOCKET))
            .isInstanceOf(IpcException.class)
            .hasMessageContaining("wake-up socket path too long");
    }
}
