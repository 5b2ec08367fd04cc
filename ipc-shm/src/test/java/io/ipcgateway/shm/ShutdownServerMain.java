package io.ipcgateway.shm;

import java.nio.file.Paths;

/**
 * A server whose {@code main} does what a user's would, no shutdown hook of its own: launch, print {@code READY}
 * and wait with {@link ShmServer#awaitShutdown()}. Arguments: {@code dir service}.
 */
final class ShutdownServerMain
{
    private ShutdownServerMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final ShmServer server = ShmServer.launch(new ServerContext().baseDirectory(Paths.get(args[0]))
            .serviceName(args[1]).ringCapacity(64 * 1024), new EchoHandler());
        System.out.println("READY " + server.serviceDirectory());
        System.out.flush();
        server.awaitShutdown();
        System.out.println("CLOSED");
    }
}
