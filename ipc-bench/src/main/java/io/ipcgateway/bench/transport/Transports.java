package io.ipcgateway.bench.transport;

import java.util.List;

/**
 * The transports the harness knows, by the name used on the command line.
 */
public final class Transports
{
    /** Chronicle Queue: runs only in JVMs of its own, with its own flags and class path. */
    public static final String CHRONICLE = "chronicle";
    /** Our transport first, then its peers; the order of columns in reports. */
    public static final List<String> NAMES = List.of("ipc", "agrona", "aeron", "uds", CHRONICLE);
    private static final String CHRONICLE_CLASS = "io.ipcgateway.bench.chronicle.ChronicleTransport";

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
            case CHRONICLE -> chronicle(config);
            default -> throw new IllegalArgumentException("unknown transport: " + name + ", known: " + NAMES);
        };
    }

    /** By name, so that no class of the other transports' JVMs links to Chronicle's. */
    private static Transport chronicle(final TransportConfig config)
    {
        try
        {
            return (Transport)Class.forName(CHRONICLE_CLASS).getConstructor(TransportConfig.class)
                .newInstance(config);
        }
        catch (final ReflectiveOperationException | LinkageError ex)
        {
            throw new IllegalStateException("cannot load Chronicle Queue (" + CHRONICLE_CLASS + "): is it on the "
                + "class path and were Chronicle's JVM flags given? The harness does both for a chronicle run", ex);
        }
    }
}
