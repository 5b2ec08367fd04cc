package io.ipcgateway.shm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.CounterKind;
import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.IpcCounters;
import io.ipcgateway.core.IpcException;
import io.ipcgateway.core.JvmAccess;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.shm.notify.Notifier;
import io.ipcgateway.shm.notify.NotifierIdleStrategy;
import io.ipcgateway.shm.notify.NotifierKind;
import io.ipcgateway.shm.notify.Notifiers;
import io.ipcgateway.shm.notify.SharedWake;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * A named service in shared memory: clients connect to it by name with {@link ShmClient#connect}, send one-way
 * messages and requests into its inbox ring, and get responses and pushes in their own rings.
 * <p>
 * The work is one Agrona {@link Agent} ({@link #agent()}): {@link #launch} runs it on a thread of its own
 * ({@link AgentRunner}, with the idle strategy of the configured {@link IdleMode}); {@link #create} leaves it to the
 * application, e.g. an {@code AgentInvoker} on its own thread. {@link #close()} tells clients, releases the
 * sessions and deletes the files this process created.
 * <p>
 * <b>Lifecycle</b>: a launched server closes itself when the JVM shuts down (SIGTERM, {@code System.exit}), so its
 * folder goes without a hook of the application's ({@link ServerContext#closeOnShutdown}, on by default);
 * {@link #awaitShutdown()} blocks the main thread until then.
 * <p>
 * <b>Other threads</b>: handler callbacks and {@link ClientSession}'s sends belong to the duty-cycle thread. From any
 * other thread (a timer, a market-data feed) use {@link #execute(Runnable)}, which runs a task on the duty cycle and
 * wakes it, or the thread-safe {@link #push(ClientSession, int, byte[])} and {@link #pushToAll(int, byte[])}.
 * <pre>{@code
 * try (ShmServer server = ShmServer.launch(new ServerContext().serviceName("echo"), new ServerHandler()
 * {
 *     public void onRequest(ClientSession s, long id, int type, DirectBuffer b, int o, int l)
 *     {
 *         s.respond(id, type, b, o, l);
 *     }
 * }))
 * { ... }
 * }</pre>
 */
public final class ShmServer implements AutoCloseable
{
    static final UnsafeBuffer EMPTY = new UnsafeBuffer(new byte[0]);

    private final ServerContext context;
    private final ServerAgent agent;
    private final AgentRunner runner;
    private final AtomicBoolean closeStarted = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread shutdownHook;

    private ShmServer(final ServerContext context, final ServerHandler handler, final boolean launch)
    {
        this.context = context;
        this.agent = new ServerAgent(context, handler);
        this.shutdownHook = launch && context.closeOnShutdown() ?
            new Thread(this::closeOnShutdown, context.threadName() + "-shutdown") : null;
        if (launch)
        {
            runner = new AgentRunner(idleStrategy(), context.errorHandler(), null, agent);
            AgentRunner.startOnThread(runner, r ->
            {
                final Thread thread = new Thread(r, context.threadName());
                thread.setDaemon(true);
                thread.setUncaughtExceptionHandler((t, error) -> agent.onThreadEnded(error));
                return thread;
            });
        }
        else
        {
            runner = null;
        }
        if (shutdownHook != null)
        {
            try
            {
                Runtime.getRuntime().addShutdownHook(shutdownHook);
            }
            catch (final IllegalStateException jvmShuttingDown)
            {
                close();
                throw new IpcException("cannot launch service=" + context.serviceName() + ": the JVM is shutting down",
                    jvmShuttingDown);
            }
        }
    }

    /**
     * Publishes the service and runs its duty cycle on a new daemon thread.
     *
     * @param context settings (concluded here).
     * @param handler the application's callbacks.
     * @return the running server.
     */
    public static ShmServer launch(final ServerContext context, final ServerHandler handler)
    {
        JvmAccess.ensureAgronaAccess();
        return new ShmServer(context.conclude(), handler, true);
    }

    /**
     * Publishes the service without starting a thread: drive {@link #agent()} yourself, e.g. with an
     * {@code AgentInvoker}, and use {@link #idleStrategy()} between passes with no work.
     *
     * @param context settings (concluded here).
     * @param handler the application's callbacks.
     * @return the server.
     */
    public static ShmServer create(final ServerContext context, final ServerHandler handler)
    {
        JvmAccess.ensureAgronaAccess();
        return new ShmServer(context.conclude(), handler, false);
    }

    /**
     * The duty cycle: one pass reads the inbox, dispatches to the handler and writes the heartbeat.
     *
     * @return the agent.
     */
    public Agent agent()
    {
        return agent;
    }

    /**
     * A new idle strategy for the configured mode; in BLOCK mode it sleeps on the inbox notifier.
     *
     * @return a fresh strategy for one thread.
     */
    public IdleStrategy idleStrategy()
    {
        if (context.idleMode() == IdleMode.BLOCK)
        {
            return new NotifierIdleStrategy(agent.notifier(), agent::hasWork, context.spinBeforeSleepNs(),
                context.maxSleepNs());
        }
        return context.idleMode().newIdleStrategy();
    }

    /**
     * The settings.
     *
     * @return the concluded context.
     */
    public ServerContext context()
    {
        return context;
    }

    /**
     * Folder of the service.
     *
     * @return {@code baseDirectory/serviceName}.
     */
    public Path serviceDirectory()
    {
        return context.serviceDirectory();
    }

    /**
     * Clients connected now.
     *
     * @return the number of sessions.
     */
    public int sessionCount()
    {
        return agent.sessionCount();
    }

    /**
     * The server's counters (in its file header, readable from other processes).
     *
     * @return the counters.
     */
    public IpcCounters counters()
    {
        return agent.counters();
    }

    /**
     * The notifier primitive used by the inbox in BLOCK mode.
     *
     * @return the kind, or null when the server does not block.
     */
    public NotifierKind notifierKind()
    {
        final Notifier notifier = agent.notifier();
        return notifier == null ? null : notifier.kind();
    }

    /**
     * Messages received so far (one-way and requests), for tests and tools.
     *
     * @return the counter value.
     */
    public long messagesReceived()
    {
        return agent.counters().get(CounterKind.MESSAGES_RECEIVED);
    }

    /**
     * Stops the duty cycle (when launched), tells every client the service closes, and deletes the server file and,
     * when empty, the service folder. With {@link #create}, stop invoking the agent before closing.
     */
    @Override
    public void close()
    {
        if (!closeStarted.compareAndSet(false, true))
        {
            awaitClosedUninterruptibly();
            return;
        }
        try
        {
            if (shutdownHook != null && Thread.currentThread() != shutdownHook)
            {
                try
                {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                }
                catch (final IllegalStateException jvmShuttingDown)
                {
                    // The hook runs or will run; this close does the work and the hook finds it done.
                }
            }
            if (runner != null)
            {
                agent.beginClose();
                runner.close();
            }
            else
            {
                agent.onClose();
            }
        }
        finally
        {
            closed.countDown();
        }
    }

    private void closeOnShutdown()
    {
        close();
    }

    private void awaitClosedUninterruptibly()
    {
        boolean interrupted = false;
        while (true)
        {
            try
            {
                closed.await();
                break;
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Blocks until this server is closed: by {@link #close()} on another thread or, for a launched server, by the
     * JVM's shutdown (SIGTERM) through {@link ServerContext#closeOnShutdown}. The usual end of a server's
     * {@code main}.
     *
     * @throws InterruptedException when the waiting thread is interrupted.
     */
    public void awaitShutdown() throws InterruptedException
    {
        closed.await();
    }

    /**
     * Blocks until this server is closed or the timeout passes.
     *
     * @param timeout the longest wait.
     * @return true when the server is closed.
     * @throws InterruptedException when the waiting thread is interrupted.
     */
    public boolean awaitShutdown(final Duration timeout) throws InterruptedException
    {
        return closed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Whether {@link #close()} has completed.
     *
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return closed.getCount() == 0;
    }

    /**
     * Runs a task on the server's duty-cycle thread, soon, and wakes the duty cycle if it sleeps: the thread-safe way
     * to use {@link ClientSession}s (respond later, push) from other threads. Tasks run in the order they were given,
     * between reads of the inbox; a task that throws is reported to the error handler and counted in the errors
     * counter. Tasks given before {@link #close()} run before the clients are told the service closes. Allocates (a
     * queue node per task): for the hot path, send from the handler callbacks. With {@link #create}, the tasks run
     * in the application's {@code agent().doWork()}.
     *
     * @param task the work.
     * @throws IpcException when the server is closed (the task will not run).
     */
    public void execute(final Runnable task)
    {
        if (task == null)
        {
            throw new IllegalArgumentException("task must not be null");
        }
        if (!agent.execute(task))
        {
            throw new IpcException("service=" + context.serviceName() + " is closed: the task was not run");
        }
    }

    /**
     * Pushes a message to one client from any thread: copies the bytes and sends them on the duty cycle.
     *
     * @param session the client, as given to the handler's callbacks.
     * @param typeId  application type id (non-negative).
     * @param payload the message, copied before this returns.
     * @return completes on the duty-cycle thread with the {@link OfferResult} code of the push ({@code OK},
     *         {@code BACK_PRESSURED}, {@code NOT_CONNECTED}, ...); with {@code CLOSED} when the server is closed.
     */
    public CompletableFuture<Long> push(final ClientSession session, final int typeId, final byte[] payload)
    {
        final UnsafeBuffer copy = new UnsafeBuffer(payload.clone());
        final CompletableFuture<Long> result = new CompletableFuture<>();
        if (!agent.execute(() -> completeWithPush(result, session, typeId, copy)))
        {
            result.complete(OfferResult.CLOSED);
        }
        return result;
    }

    private static void completeWithPush(
        final CompletableFuture<Long> result, final ClientSession session, final int typeId, final UnsafeBuffer copy)
    {
        try
        {
            result.complete(session.push(typeId, copy, 0, copy.capacity()));
        }
        catch (final RuntimeException ex)
        {
            result.completeExceptionally(ex);
            throw ex;
        }
    }

    /**
     * Pushes a message from any thread to one client, copying {@code src[offset, offset + length)}.
     *
     * @param session the client.
     * @param typeId  application type id (non-negative).
     * @param src     buffer holding the message.
     * @param offset  offset of the message.
     * @param length  length of the message.
     * @return as {@link #push(ClientSession, int, byte[])}.
     */
    public CompletableFuture<Long> push(
        final ClientSession session, final int typeId, final DirectBuffer src, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        src.getBytes(offset, bytes);
        return push(session, typeId, bytes);
    }

    /**
     * Pushes a message from any thread to every client connected when the duty cycle sends it.
     *
     * @param typeId  application type id (non-negative).
     * @param payload the message, copied before this returns.
     * @return completes with the number of clients the push reached ({@code OK}); clients whose ring was full or
     *         who disconnected are not counted. Completes with 0 when the server is closed.
     */
    public CompletableFuture<Integer> pushToAll(final int typeId, final byte[] payload)
    {
        final UnsafeBuffer copy = new UnsafeBuffer(payload.clone());
        final CompletableFuture<Integer> result = new CompletableFuture<>();
        final boolean queued = agent.execute(() ->
        {
            int reached = 0;
            final List<ClientSession> sessions = agent.sessions();
            for (final ClientSession session : sessions)
            {
                try
                {
                    reached += session.push(typeId, copy, 0, copy.capacity()) >= 0 ? 1 : 0;
                }
                catch (final RuntimeException ex)
                {
                    context.errorHandler().onError(ex);
                }
            }
            result.complete(reached);
        });
        if (!queued)
        {
            result.complete(0);
        }
        return result;
    }

    static int inboxTrailerLength()
    {
        return RingBufferDescriptor.TRAILER_LENGTH;
    }

    static ManyToOneRingBuffer inbox(final ChannelFile file)
    {
        return new ManyToOneRingBuffer(file.ring());
    }

    static Notifier openNotifier(final ChannelFile file, final boolean consumerSide, final NotifierKind kind)
    {
        return Notifiers.open(file.header(), ChannelDescriptor.NOTIFIER_OFFSET, file.path(), consumerSide, kind);
    }

    /** The producer side of a client's inbox notifier, waking through the server's shared word when it sleeps there. */
    static Notifier openClientNotifier(final ChannelFile file, final NotifierKind kind, final SharedWake sharedWake)
    {
        return Notifiers.open(
            file.header(), ChannelDescriptor.NOTIFIER_OFFSET, file.path(), false, kind, sharedWake);
    }

    /**
     * Opens the consumer side of a notifier and gives its wake socket (when the socket fallback made one) the same
     * access as the channel file, so in group mode the group's producers can wake the consumer and nobody else can.
     */
    static Notifier openConsumerNotifier(final ChannelFile file, final NotifierKind kind, final FileAccess access)
    {
        final Notifier notifier = openNotifier(file, true, kind);
        final Path wakeSocket = Notifiers.wakeSocketPath(file.path());
        if (Files.exists(wakeSocket, LinkOption.NOFOLLOW_LINKS))
        {
            try
            {
                access.applyToSocket(wakeSocket);
            }
            catch (final IOException ex)
            {
                notifier.close();
                throw new ChannelFileException(wakeSocket, "cannot set access " + access + " on the wake socket: " + ex,
                    ex);
            }
        }
        return notifier;
    }
}
