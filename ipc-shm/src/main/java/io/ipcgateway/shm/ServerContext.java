package io.ipcgateway.shm;

import java.util.Arrays;

import io.ipcgateway.core.Configuration;

/**
 * Settings of a {@link ShmServer}. The ring capacity is the server's inbox (all clients write into it), default
 * {@link ShmConfiguration#SERVER_RING_CAPACITY_DEFAULT} (1 MiB, property
 * {@value ShmConfiguration#SERVER_RING_CAPACITY_PROP_NAME}). See {@link ShmConfiguration} for sizing.
 */
public final class ServerContext extends ShmContext<ServerContext>
{
    /** Default most messages one duty-cycle pass reads before it does other duties. */
    public static final int POLL_LIMIT_DEFAULT = 256;

    private int pollLimit = POLL_LIMIT_DEFAULT;
    private String threadName;
    private int[] allowedUids;
    private Boolean recordChecksums;
    private boolean closeOnShutdown = Configuration.booleanProperty(
        ShmConfiguration.CLOSE_ON_SHUTDOWN_PROP_NAME, ShmConfiguration.CLOSE_ON_SHUTDOWN_DEFAULT);

    /**
     * A context with every setting at its default (or its system property).
     */
    public ServerContext()
    {
        super(Configuration.sizeProperty(
            ShmConfiguration.SERVER_RING_CAPACITY_PROP_NAME, ShmConfiguration.SERVER_RING_CAPACITY_DEFAULT));
    }

    @Override
    void concludeSpecific()
    {
        Configuration.requireRange("pollLimit", pollLimit, 1, 1 << 20);
        if (threadName == null)
        {
            threadName = "ipc-server-" + serviceName();
        }
        if (allowedUids == null)
        {
            allowedUids = parseUids(System.getProperty(ShmConfiguration.ALLOWED_UIDS_PROP_NAME));
        }
        for (final int uid : allowedUids)
        {
            Configuration.requireRange("allowedUids", uid, 0, Integer.MAX_VALUE);
        }
        Arrays.sort(allowedUids);
        if (recordChecksums == null)
        {
            recordChecksums = parseBoolean(ShmConfiguration.RECORD_CHECKSUMS_PROP_NAME,
                System.getProperty(ShmConfiguration.RECORD_CHECKSUMS_PROP_NAME),
                ShmConfiguration.RECORD_CHECKSUMS_DEFAULT);
        }
    }

    private static boolean parseBoolean(final String setting, final String text, final boolean defaultValue)
    {
        if (text == null || text.trim().isEmpty())
        {
            return defaultValue;
        }
        if ("true".equalsIgnoreCase(text.trim()) || "false".equalsIgnoreCase(text.trim()))
        {
            return Boolean.parseBoolean(text.trim());
        }
        throw Configuration.invalid(setting, text, "true or false");
    }

    private static int[] parseUids(final String text)
    {
        if (text == null || text.trim().isEmpty())
        {
            return new int[0];
        }
        final String[] parts = text.split(",");
        final int[] uids = new int[parts.length];
        for (int i = 0; i < parts.length; i++)
        {
            try
            {
                uids[i] = Integer.parseInt(parts[i].trim());
            }
            catch (final NumberFormatException ex)
            {
                throw Configuration.invalid(ShmConfiguration.ALLOWED_UIDS_PROP_NAME, text,
                    "comma-separated numeric uids, e.g. 1000,1001");
            }
        }
        return uids;
    }

    @Override
    String ringCapacityName()
    {
        return ShmConfiguration.SERVER_RING_CAPACITY_PROP_NAME;
    }

    /**
     * Most messages one duty-cycle pass reads before it writes heartbeats and samples counters.
     *
     * @param pollLimit messages per pass.
     * @return this context.
     */
    public ServerContext pollLimit(final int pollLimit)
    {
        this.pollLimit = pollLimit;
        return this;
    }

    /**
     * @return messages per duty-cycle pass.
     */
    public int pollLimit()
    {
        return pollLimit;
    }

    /**
     * Name of the thread {@link ShmServer#launch} starts; default {@code ipc-server-<service>}.
     *
     * @param threadName the name.
     * @return this context.
     */
    public ServerContext threadName(final String threadName)
    {
        this.threadName = threadName;
        return this;
    }

    /**
     * @return the duty-cycle thread name.
     */
    public String threadName()
    {
        return threadName;
    }

    /**
     * Restricts which users may connect: a client whose file is owned by a uid not listed is refused with a
     * reason naming its uid and the service. Default: the {@value ShmConfiguration#ALLOWED_UIDS_PROP_NAME}
     * property, else empty, which admits every user who can open the service's files (only the owner, unless
     * group mode is on, see {@link #fileGroup(String)}).
     *
     * @param uids the uids admitted; none to admit every user who can open the files.
     * @return this context.
     */
    public ServerContext allowedUids(final int... uids)
    {
        this.allowedUids = uids == null ? new int[0] : uids.clone();
        return this;
    }

    /**
     * @return the uids admitted (sorted after {@link #conclude()}); empty when every user who can open the files is.
     */
    public int[] allowedUids()
    {
        return allowedUids == null ? new int[0] : allowedUids.clone();
    }

    /**
     * Whether clients append a checksum to every record they write into this service's inbox, verified by the
     * server: a record damaged after its producer wrote it (by a producer that was stopped in the middle of writing
     * its own record, skipped after the liveness timeout, and resumed over the reused slot) is dropped, reported
     * naming its session and counted in the errors counter, instead of delivered. Costs a pass over each record on
     * both sides. Default: the {@value ShmConfiguration#RECORD_CHECKSUMS_PROP_NAME} property, else
     * {@value ShmConfiguration#RECORD_CHECKSUMS_DEFAULT}. Written into the service's file header, so every client
     * follows the server's choice.
     *
     * @param recordChecksums true to checksum every inbox record.
     * @return this context.
     */
    public ServerContext recordChecksums(final boolean recordChecksums)
    {
        this.recordChecksums = recordChecksums;
        return this;
    }

    /**
     * @return whether inbox records carry a checksum (the property's value until {@link #conclude()}).
     */
    public boolean recordChecksums()
    {
        return recordChecksums != null ? recordChecksums : parseBoolean(ShmConfiguration.RECORD_CHECKSUMS_PROP_NAME,
            System.getProperty(ShmConfiguration.RECORD_CHECKSUMS_PROP_NAME), ShmConfiguration.RECORD_CHECKSUMS_DEFAULT);
    }

    /**
     * Whether a server started with {@link ShmServer#launch} registers a JVM shutdown hook that closes it, so a
     * server stopped by SIGTERM (or {@code System.exit}) tells its clients and deletes its folder without a hook of
     * the application's. Default: the {@value ShmConfiguration#CLOSE_ON_SHUTDOWN_PROP_NAME} property, else
     * {@value ShmConfiguration#CLOSE_ON_SHUTDOWN_DEFAULT}. {@link ShmServer#create} never registers one: the
     * application drives that server's duty cycle, so it closes it too.
     *
     * @param closeOnShutdown false to opt out.
     * @return this context.
     */
    public ServerContext closeOnShutdown(final boolean closeOnShutdown)
    {
        this.closeOnShutdown = closeOnShutdown;
        return this;
    }

    /**
     * @return whether a launched server closes itself on JVM shutdown.
     */
    public boolean closeOnShutdown()
    {
        return closeOnShutdown;
    }

    /**
     * Whether a client of this uid may connect.
     *
     * @param uid the owner uid of the client's file.
     * @return true when no allow-list is set or the uid is on it.
     */
    public boolean isUidAllowed(final int uid)
    {
        return allowedUids == null || allowedUids.length == 0 || Arrays.binarySearch(allowedUids, uid) >= 0;
    }
}
