package io.ipcgateway.shm;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.IpcException;
import io.ipcgateway.core.OfferResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Work from other threads: {@link ShmServer#execute} runs on the duty cycle (and wakes a sleeping one), the
 * thread-safe pushes reach the clients, and {@link ShmServer#awaitShutdown} returns once the server is closed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ServerExecuteTest
{
    @TempDir
    Path dir;

    private final List<String> pushes = new CopyOnWriteArrayList<>();

    private ServerContext serverContext(final IdleMode mode)
    {
        return new ServerContext().serviceName("exec").baseDirectory(dir).idleMode(mode).ringCapacity(64 * 1024)
            .closeOnShutdown(false);
    }

    private ShmClient connect()
    {
        return ShmClient.connect(new ClientContext().serviceName("exec").baseDirectory(dir).receiverThread(true)
            .pushHandler((typeId, buffer, offset, length) ->
                pushes.add(typeId + ":" + buffer.getStringWithoutLengthUtf8(offset, length))));
    }

    @ParameterizedTest
    @EnumSource(value = IdleMode.class, names = {"BLOCK", "BACKOFF"})
    void shouldRunTasksFromOtherThreadsOnTheDutyCycleThreadInOrder(final IdleMode mode) throws Exception
    {
        try (ShmServer server = ShmServer.launch(serverContext(mode), new EchoHandler()))
        {
            // Let a BLOCK server fall asleep on its notifier first: execute must wake it.
            Thread.sleep(200);
            final List<String> ranOn = new CopyOnWriteArrayList<>();
            final CompletableFuture<Void> done = new CompletableFuture<>();
            for (int i = 0; i < 3; i++)
            {
                final int n = i;
                server.execute(() -> ranOn.add(n + "@" + Thread.currentThread().getName()));
            }
            server.execute(() -> done.complete(null));

            done.get(10, TimeUnit.SECONDS);
            assertThat(ranOn).containsExactly("0@ipc-server-exec", "1@ipc-server-exec", "2@ipc-server-exec");
        }
    }

    @Test
    void shouldCountAndReportATaskThatThrowsAndKeepRunningLaterTasks() throws Exception
    {
        final List<Throwable> reported = new CopyOnWriteArrayList<>();
        try (ShmServer server = ShmServer.launch(serverContext(IdleMode.BLOCK).errorHandler(reported::add),
            new EchoHandler()))
        {
            final CompletableFuture<Void> after = new CompletableFuture<>();
            server.execute(() ->
            {
                throw new IllegalStateException("task failed");
            });
            server.execute(() -> after.complete(null));

            after.get(10, TimeUnit.SECONDS);
            assertThat(reported).singleElement().extracting(Throwable::getMessage).isEqualTo("task failed");
            assertThat(server.counters().get(io.ipcgateway.core.CounterKind.ERRORS)).isEqualTo(1);
        }
    }

    @Test
    void shouldPushFromAnyThreadToOneSessionAndToAll() throws Exception
    {
        final EchoHandler handler = new EchoHandler();
        try (ShmServer server = ShmServer.launch(serverContext(IdleMode.BLOCK), handler);
            ShmClient first = connect();
            ShmClient second = connect())
        {
            assertThat(first.isConnected() && second.isConnected()).isTrue();
            final ClientSession last = handler.lastSession;
            assertThat(server.push(last, 3, "one".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS))
                .isEqualTo(OfferResult.OK);
            assertThat(server.pushToAll(4, "all".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS))
                .isEqualTo(2);

            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (pushes.size() < 3 && System.nanoTime() - deadline < 0)
            {
                Thread.sleep(5);
            }
            assertThat(pushes).containsExactlyInAnyOrder("3:one", "4:all", "4:all");
        }
    }

    @Test
    void shouldRefuseTasksAndCompletePushesWithClosedAfterClose() throws Exception
    {
        final EchoHandler handler = new EchoHandler();
        final ShmServer server = ShmServer.launch(serverContext(IdleMode.BLOCK), handler);
        try (ShmClient client = connect())
        {
            assertThat(client.isConnected()).isTrue();
            final ClientSession session = handler.lastSession;
            server.close();
            assertThatThrownBy(() -> server.execute(() -> { }))
                .isInstanceOf(IpcException.class)
                .hasMessageContaining("service=exec is closed");
            assertThat(server.push(session, 1, new byte[1]).get(1, TimeUnit.SECONDS)).isEqualTo(OfferResult.CLOSED);
            assertThat(server.pushToAll(1, new byte[1]).get(1, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void shouldReturnFromAwaitShutdownOnceAnotherThreadCloses() throws Exception
    {
        final ShmServer server = ShmServer.launch(serverContext(IdleMode.BLOCK), new EchoHandler());
        assertThat(server.awaitShutdown(Duration.ofMillis(50))).isFalse();
        assertThat(server.isClosed()).isFalse();
        final Thread closer = new Thread(server::close);
        closer.start();

        server.awaitShutdown();
        closer.join();
        assertThat(server.isClosed()).isTrue();
        assertThat(Files.exists(dir.resolve("exec"))).isFalse();
        server.close();
    }
}
