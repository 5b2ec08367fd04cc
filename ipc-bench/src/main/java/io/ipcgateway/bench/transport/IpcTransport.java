package io.ipcgateway.bench.transport;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.MessageHandler;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.shm.ClientContext;
import io.ipcgateway.shm.ClientSession;
import io.ipcgateway.shm.ServerContext;
import io.ipcgateway.shm.ServerHandler;
import io.ipcgateway.shm.ShmClient;
import io.ipcgateway.shm.ShmServer;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Ours: an {@link ShmServer} and {@link ShmClient}s of ipc-shm, used as an application would use them.
 * <p>
 * The server is {@linkplain ShmServer#create created} without a thread and its agent is driven by the harness's
 * server loop with {@link ShmServer#idleStrategy()}. One-way runs use {@link ShmClient#offer}; ping-pong and
 * request/response runs use the blocking {@link ShmClient#request} answered with {@link ClientSession#respond}.
 * Idle {@link Idle#SPIN} maps to {@link IdleMode#SPIN}, {@link Idle#BLOCK} to {@link IdleMode#BLOCK} (the
 * notifier). Rings have the library's default sizes (1 MiB server inbox, 64 KiB per client), the same as the
 * raw Agrona peer.
 * <p>
 * The server's handler applies {@link InjectedDelay} to every message (nothing unless a delay is injected).
 */
public final class IpcTransport implements Transport
{
    /** The service name every run publishes, in its own base directory. */
    public static final String SERVICE_NAME = "bench";
    private static final int TYPE_ID = 1;
    private static final long REQUEST_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    private final TransportConfig config;

    /**
     * Create the transport for one JVM of a run.
     *
     * @param config of the run.
     */
    public IpcTransport(final TransportConfig config)
    {
        this.config = config;
    }

    /**
     * Where this transport keeps its service folders within a run's folder.
     *
     * @param runDir the run's folder.
     * @return the base directory of the service.
     */
    public static Path baseDirectory(final Path runDir)
    {
        return runDir.resolve("ipc");
    }

    private IdleMode idleMode()
    {
        return config.idle() == Idle.BLOCK ? IdleMode.BLOCK : IdleMode.SPIN;
    }

    @Override
    public ServerChannel openServer()
    {
        final Server server = new Server();
        server.server = ShmServer.create(new ServerContext()
            .serviceName(SERVICE_NAME)
            .baseDirectory(baseDirectory(config.runDir()))
            .idleMode(idleMode()), server);
        server.agent = server.server.agent();
        server.idle = server.server.idleStrategy();
        return server;
    }

    @Override
    public ClientChannel openClient(final int clientId)
    {
        return new Client(ShmClient.connect(new ClientContext()
            .serviceName(SERVICE_NAME)
            .baseDirectory(baseDirectory(config.runDir()))
            .idleMode(idleMode())
            .receiverThread(false)));
    }

    @Override
    public void close()
    {
    }

    private static IllegalStateException failure(final String what, final long code)
    {
        return new IllegalStateException("ipc " + what + " failed: code=" + code + " (see OfferResult)");
    }

    private final class Server implements ServerChannel, ServerHandler
    {
        private ShmServer server;
        private Agent agent;
        private IdleStrategy idle;
        private FrameHandler handler;
        private ClientSession session;
        private long correlationId;

        @Override
        public int poll(final FrameHandler handler, final int limit)
        {
            this.handler = handler;
            try
            {
                return agent.doWork();
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException("ipc server duty cycle failed", ex);
            }
        }

        @Override
        public void onMessage(final ClientSession session, final int typeId, final DirectBuffer buffer,
            final int offset, final int length)
        {
            this.session = session;
            this.correlationId = 0;
            InjectedDelay.apply();
            handler.onFrame(buffer, offset, length);
        }

        @Override
        public void onRequest(final ClientSession session, final long correlationId, final int typeId,
            final DirectBuffer buffer, final int offset, final int length)
        {
            this.session = session;
            this.correlationId = correlationId;
            InjectedDelay.apply();
            handler.onFrame(buffer, offset, length);
        }

        @Override
        public void accept(final int clientId)
        {
            // Sessions are the library's business: the reply goes to the session of the request being handled.
        }

        @Override
        public boolean reply(final int clientId, final DirectBuffer buffer, final int offset, final int length)
        {
            final long result = session.respond(correlationId, TYPE_ID, buffer, offset, length);
            if (result == OfferResult.OK)
            {
                return true;
            }
            if (result == OfferResult.BACK_PRESSURED)
            {
                return false;
            }
            throw failure("respond", result);
        }

        @Override
        public IdleStrategy idleStrategy()
        {
            return idle;
        }

        @Override
        public void close()
        {
            server.close();
        }
    }

    private final class Client implements ClientChannel, MessageHandler
    {
        private final ShmClient client;
        private final UnsafeBuffer response;
        private final IdleStrategy idle;
        private int responseLength = -1;

        Client(final ShmClient client)
        {
            this.client = client;
            this.response = new UnsafeBuffer(ByteBuffer.allocateDirect(Math.max(64, config.maxMessageLength())));
            this.idle = client.idleStrategy();
        }

        @Override
        public boolean offer(final DirectBuffer buffer, final int offset, final int length)
        {
            final long result;
            if (config.roundTrip() || responseLength == -1)
            {
                // Round trips, and the hello of every run, use the request API: it sends and waits in one call
                // (with the client's idle mode), and poll() then hands over the response it stored.
                result = client.request(TYPE_ID, buffer, offset, length, this, REQUEST_TIMEOUT_NS);
            }
            else
            {
                result = client.offer(TYPE_ID, buffer, offset, length);
            }
            if (result == OfferResult.OK)
            {
                return true;
            }
            if (result == OfferResult.BACK_PRESSURED)
            {
                return false;
            }
            throw failure(config.roundTrip() ? "request" : "offer", result);
        }

        @Override
        public void onMessage(final int typeId, final DirectBuffer buffer, final int offset, final int length)
        {
            response.putBytes(0, buffer, offset, length);
            responseLength = length;
        }

        @Override
        public int poll(final FrameHandler handler, final int limit)
        {
            if (responseLength > 0)
            {
                final int length = responseLength;
                responseLength = 0;
                handler.onFrame(response, 0, length);
                return 1;
            }
            return client.poll();
        }

        @Override
        public IdleStrategy idleStrategy()
        {
            return idle;
        }

        @Override
        public void close()
        {
            client.close();
        }
    }
}
