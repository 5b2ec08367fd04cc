package io.ipcgateway.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.Jvm;
import io.ipcgateway.shm.ServerContext;
import io.ipcgateway.shm.ServerHandler;
import io.ipcgateway.shm.ShmServer;

/**
 * The {@code Main-Class} of the examples jar, so {@code java -jar ipc-examples-VERSION.jar COMMAND ...} works without
 * any JVM flag: the jar's manifest carries {@code Add-Opens: java.base/jdk.internal.misc} and
 * {@code Enable-Native-Access: ALL-UNNAMED}, and its {@code Class-Path} names the libraries copied into
 * {@code lib/} beside it. Commands: {@code demo}, {@code server}, {@code client}, {@code stat} (as {@code bin/ipc}),
 * {@code quote-server}, {@code quote-client}, and {@code check}, which tells whether this JVM can run IPC Gateway.
 */
public final class Main
{
    private static final String USAGE = """
        Usage: java -jar ipc-examples.jar COMMAND [options]

        Commands (each takes --help):
          demo, server, client, stat, quote-server, quote-client   as bin/ipc COMMAND
          check   tell whether this JVM can run IPC Gateway
        """;

    private Main()
    {
    }

    /**
     * Runs one command.
     *
     * @param args the command and its options.
     * @throws Exception from the command.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length == 0)
        {
            System.err.print(USAGE);
            System.exit(ExitCode.USAGE);
        }
        final String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0])
        {
            case "demo" -> DemoMain.main(rest);
            case "server" -> EchoServerMain.main(rest);
            case "client" -> LoadClientMain.main(rest);
            case "stat" -> StatMain.main(rest);
            case "quote-server" -> QuoteServerMain.main(rest);
            case "quote-client" -> QuoteClientMain.main(rest);
            case "check" -> check();
            case "-h", "--help", "help" -> System.out.print(USAGE);
            default ->
            {
                System.err.println("unknown command '" + args[0] + "'");
                System.err.print(USAGE);
                System.exit(ExitCode.USAGE);
            }
        }
    }

    /** Checks the flags and publishes a blocking service for a moment, so the notifier is exercised too. */
    private static void check() throws IOException
    {
        Jvm.check();
        final Path dir = Files.createTempDirectory("ipc-check-");
        try (ShmServer server = ShmServer.launch(new ServerContext().serviceName("check").baseDirectory(dir)
            .idleMode(IdleMode.BLOCK).ringCapacity(64 * 1024), new ServerHandler() { }))
        {
            System.out.println("JVM OK: java " + Runtime.version().feature() + ", notifier="
                + server.notifierKind().name().toLowerCase(java.util.Locale.ROOT));
        }
        finally
        {
            Files.deleteIfExists(dir);
        }
    }
}
