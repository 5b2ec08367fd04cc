package io.ipcgateway.shm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.CounterKind;
import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.IpcCounters;
import io.ipcgateway.core.JvmAccess;
import io.ipcgateway.shm.notify.Notifier;
import io.ipcgateway.shm.notify.NotifierIdleStrategy;
import io.ipcgateway.shm.notify.NotifierKind;
import io.ipcgateway.shm.notify.Notifiers;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
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

    private ShmServer(final ServerContext context, final ServerHandler handler, final boolean launch)
    {
        this.context = context;
        this.agent = new ServerAgent(context, handler);
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
