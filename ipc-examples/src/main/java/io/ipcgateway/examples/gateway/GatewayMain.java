package io.ipcgateway.examples.gateway;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.ipcgateway.core.ConfigurationException;
import io.ipcgateway.core.Jvm;
import io.ipcgateway.examples.CommandRunner;
import io.ipcgateway.examples.ExitCode;
import io.ipcgateway.examples.gateway.metrics.GatewayMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/ipc gateway --config FILE}: runs the gateway until SIGTERM or Ctrl-C, then closes it (local service
 * files removed, NATS flushed). Prints {@code METRICS url=...} when {@code metrics.enabled} (the HTTP endpoint of
 * {@code /metrics} and {@code /health}), then {@code READY ...} once it serves. Exit codes: 0 stopped normally, 1
 * could not start (NATS unreachable, service taken, metrics port taken), 2 bad usage or a bad configuration (the
 * message names the key).
 */
@Command(name = "ipc gateway", mixinStandardHelpOptions = true, version = "ipc gateway 0.1.0",
    description = "Run the IPC gateway: local processes over shared memory <-> NATS.")
public final class GatewayMain implements Callable<Integer>
{
    @Option(names = "--config", required = true, paramLabel = "FILE",
        description = "The configuration file, YAML or JSON (see docs/gateway-example.yml).")
    private Path configFile;

    @Option(names = "--check", description = "Validate the configuration (with environment overrides) and exit.")
    private boolean checkOnly;

    private PrintStream out = System.out;
    private PrintStream err = System.err;

    /**
     * Runs the gateway and exits with its code.
     *
     * @param args the command line; {@code --help} describes it.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the command.
     *
     * @param args the command line.
     * @param out  where normal output goes.
     * @param err  where errors go.
     * @return the exit code.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        final GatewayMain main = new GatewayMain();
        main.out = out;
        main.err = err;
        return CommandRunner.run(main, args, out, err);
    }

    @Override
    public Integer call() throws InterruptedException
    {
        final GatewayConfig config;
        try
        {
            config = GatewayConfig.load(configFile).withEnvironment(System.getenv()).validate();
        }
        catch (final ConfigurationException ex)
        {
            err.println("ipc gateway: " + ex.getMessage());
            return ExitCode.USAGE;
        }
        if (checkOnly)
        {
            out.println("OK config=" + configFile + " service=" + config.service() + " nats=" + config.nats().url());
            return ExitCode.OK;
        }
        Jvm.check();
        final Gateway gateway;
        try
        {
            gateway = Gateway.start(config);
        }
        catch (final GatewayStartException ex)
        {
            err.println("ipc gateway: " + ex.getMessage());
            return ExitCode.FAILED;
        }
        final GatewayMetrics metrics;
        try
        {
            metrics = config.metrics().enabled() ? GatewayMetrics.start(gateway, config.metrics()) : null;
        }
        catch (final UncheckedIOException ex)
        {
            gateway.close();
            err.println("ipc gateway: " + ex.getMessage());
            return ExitCode.FAILED;
        }
        final Thread hook = new Thread(() ->
        {
            gateway.close();
            if (metrics != null)
            {
                metrics.close();
            }
            out.println("STOPPED " + gateway.stats().summary());
            out.flush();
        }, "gateway-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (metrics != null)
        {
            out.println("METRICS url=" + metrics.url() + " port=" + metrics.port());
        }
        out.printf(Locale.ROOT, "READY service=%s dir=%s nats=%s pid=%d%n", config.service(),
            gateway.serviceDirectory(), config.nats().url(), ProcessHandle.current().pid());
        out.flush();
        gateway.awaitShutdown();
        return ExitCode.OK;
    }
}
