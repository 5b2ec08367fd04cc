package io.ipcgateway.bench.load;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import io.ipcgateway.bench.transport.ClientChannel;
import io.ipcgateway.bench.transport.Transport;
import io.ipcgateway.bench.transport.TransportConfig;
import io.ipcgateway.bench.transport.Transports;

/**
 * A client JVM of a run: hosts a range of clients, one thread each, each with its own connection.
 * <p>
 * Protocol on standard output: {@code READY} once every client has said hello and been answered, then one
 * {@code RESULT client <id> count=<n> hist=<base64>} per client and {@code DONE} after the measured window; the JVM
 * stays connected (idle) until EXIT so that the server's idle CPU can be measured with clients attached.
 */
public final class ClientRole
{
    private ClientRole()
    {
    }

    /**
     * Run the clients {@code first} to {@code first + count - 1} of one run.
     *
     * @param spec  the run.
     * @param dir   the run's folder.
     * @param first the first client id of this JVM.
     * @param count how many clients this JVM hosts.
     * @param out   where the protocol lines go.
     * @throws Exception when a client fails.
     */
    public static void run(final RunSpec spec, final Path dir, final int first, final int count,
        final PrintStream out) throws Exception
    {
        final Control control = Control.start(System.in);
        final TransportConfig config = new TransportConfig(dir, spec.idle(), spec.size(), spec.clients(),
            spec.mode() != Mode.ONEWAY);
        try (Transport transport = Transports.create(spec.transport(), config))
        {
            runClients(spec, transport, control, first, count, out);
        }
    }

    private static void runClients(final RunSpec spec, final Transport transport, final Control control,
        final int first, final int count, final PrintStream out) throws Exception
    {
        final List<ClientChannel> channels = new ArrayList<>();
        try
        {
            final CountDownLatch ready = new CountDownLatch(count);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final List<ClientWorker> workers = new ArrayList<>();
            final List<Thread> threads = new ArrayList<>();
            for (int id = first; id < first + count; id++)
            {
                final ClientChannel channel = transport.openClient(id);
                channels.add(channel);
                final ClientWorker worker = new ClientWorker(spec, id, channel, control);
                workers.add(worker);
                final Thread thread = new Thread(() ->
                {
                    try
                    {
                        worker.hello();
                        ready.countDown();
                        if (control.awaitGo())
                        {
                            worker.run();
                        }
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                        ready.countDown();
                    }
                }, "bench-client-" + id);
                // Daemon: a client stuck in a blocking read must not keep a failed JVM alive.
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
            ready.await();
            throwIfFailed(failure);
            out.println("READY");
            out.flush();
            for (final Thread thread : threads)
            {
                thread.join();
            }
            throwIfFailed(failure);
            for (final ClientWorker worker : workers)
            {
                out.println("RESULT client " + worker.clientId() + " count=" + worker.count() + " hist=" +
                    Histograms.encode(worker.histogram()));
            }
            out.println("DONE");
            out.flush();
            control.awaitExit();
        }
        finally
        {
            channels.forEach(ClientChannel::close);
        }
    }

    private static void throwIfFailed(final AtomicReference<Throwable> failure) throws Exception
    {
        final Throwable ex = failure.get();
        if (ex instanceof Exception)
        {
            throw (Exception)ex;
        }
        if (ex != null)
        {
            throw new IllegalStateException("client failed", ex);
        }
    }
}
