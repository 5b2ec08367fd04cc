package io.ipcgateway.bench.gateway;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.ipcgateway.bench.load.Histograms;
import io.ipcgateway.examples.gateway.Gateway;
import io.ipcgateway.examples.gateway.GatewayConfig;

/**
 * The gateway JVM of {@code bench gateway}: runs {@link Gateway} from a configuration file, prints {@value #READY}
 * once it serves, answers each {@value #SNAPSHOT} line on its standard input with the gateway's own local-leg
 * histogram and its NATS-leg histogram (cumulative, each encoded by {@link Histograms#encode}, separated by a space),
 * and closes (its shared-memory files removed) on
 * {@code EXIT} or the end of its input, printing {@value #STOPPED} and the gateway's counts.
 */
final class GatewayServerRole
{
    /** Printed once the gateway serves. */
    static final String READY = "READY";
    /** The command asking for the local-leg and NATS-leg histograms, and the prefix of the answer. */
    static final String SNAPSHOT = "SNAPSHOT";
    /** Printed after the gateway closed. */
    static final String STOPPED = "STOPPED";

    private GatewayServerRole()
    {
    }

    /**
     * Runs the gateway until told to stop.
     *
     * @param config the configuration file.
     * @param out    where the lines go.
     * @throws Exception when the gateway cannot start.
     */
    static void run(final Path config, final PrintStream out) throws Exception
    {
        final Gateway gateway = Gateway.start(GatewayConfig.load(config));
        try
        {
            out.println(READY + " service=" + gateway.config().service() + " nats=" + gateway.config().nats().url() +
                " mode=" + gateway.config().nats().mode());
            out.flush();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = in.readLine()) != null && line.startsWith(SNAPSHOT))
                {
                    out.println(SNAPSHOT + " " + Histograms.encode(gateway.stats().localLegNanos()) + " " +
                        Histograms.encode(gateway.stats().natsLegNanos()));
                    out.flush();
                }
            }
        }
        finally
        {
            gateway.close();
        }
        out.println(STOPPED + " " + gateway.stats().summary());
        out.flush();
    }
}
