package io.ipcgateway.bench.transport;

import java.util.List;

/**
 * The transports the harness knows, by the name used on the command line.
 */
public final class Transports
{
    /** Our transport first, then its peers; the order of columns in reports. */
    public static final List<String> NAMES = List.of("ipc", "agrona", "aeron", "uds");

    private Transports()
    {
    }

    /**
     * Create the transport for one JVM of a run.
     *
     * @param name   one of {@link #NAMES}.
     * @param config of the run.
     * @return a new instance.
     * @throws IllegalArgumentException naming the transport when it is unknown.
     */
    public static Transport create(final String name, final TransportConfig config)
    {
        return switch (name)
        {
            case "ipc" -> new IpcTransport(config);
            case "agrona" -> new AgronaTransport(config);
            case "aeron" -> new AeronTransport(config);
            case "uds" -> new UdsTransport(config);
            default -> throw new IllegalArgumentException("unknown transport: " + name + ", known: " + NAMES);
        };
    }
}
