package io.ipcgateway.bench.transport;

/**
 * One transport under test, as seen from one JVM: the server JVM opens the server end, a client JVM opens one
 * client end per client thread.
 * <p>
 * An instance lives for one JVM and may hold state shared by the client ends of that JVM (an Aeron client, for
 * example); {@link #openClient(int)} is therefore safe to call from several threads.
 */
public interface Transport extends AutoCloseable
{
    /**
     * Open the server end. Called once, in the server JVM, before any client starts.
     *
     * @return the server end.
     * @throws Exception when the transport cannot be set up.
     */
    ServerChannel openServer() throws Exception;

    /**
     * Open the end of one client. Called in a client JVM once the server is ready.
     *
     * @param clientId the client's id, 0 to clients - 1.
     * @return the client end.
     * @throws Exception when the client cannot connect.
     */
    ClientChannel openClient(int clientId) throws Exception;

    /**
     * Release what the instance shares between channels (drivers, clients, folders).
     */
    @Override
    void close();
}
