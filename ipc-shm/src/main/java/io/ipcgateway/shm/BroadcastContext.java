package io.ipcgateway.shm;

import java.nio.file.Path;

import io.ipcgateway.core.Configuration;

/**
 * Settings of a broadcast channel ({@link ShmBroadcastPublisher}, {@link ShmBroadcastSubscriber}): its name (a safe
 * file name, validated like a service name), base directory, buffer capacity and file access (owner only, or group
 * mode like {@link ShmContext#fileGroup(String)}). The file is {@code baseDirectory/name/broadcast.ipc}.
 */
public final class BroadcastContext
{
    /** Buffer capacity of a broadcast channel, bytes. */
    public static final String CAPACITY_PROP_NAME = "ipc.shm.broadcast.capacity";

    /** Default broadcast capacity: 1 MiB (one message at most 128 KiB, capacity / 8). */
    public static final int CAPACITY_DEFAULT = 1024 * 1024;

    private String name;
    private Path baseDirectory;
    private long capacity = Configuration.sizeProperty(CAPACITY_PROP_NAME, CAPACITY_DEFAULT);
    private String fileGroup = System.getProperty(ShmConfiguration.GROUP_PROP_NAME);
    private FileAccess fileAccess;
    private boolean concluded;

    /**
     * Validates every setting once.
     *
     * @return this context.
     * @throws io.ipcgateway.core.ConfigurationException naming the invalid setting.
     */
    public BroadcastContext conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException("context already concluded: use a new context per publisher/subscriber");
        }
        ShmConfiguration.validateServiceName(name);
        if (baseDirectory == null)
        {
            baseDirectory = ShmConfiguration.defaultBaseDirectory();
        }
        ShmConfiguration.validateRingCapacity(CAPACITY_PROP_NAME, capacity);
        fileAccess = fileGroup == null || fileGroup.trim().isEmpty() ?
            FileAccess.OWNER_ONLY : FileAccess.group(ShmConfiguration.GROUP_PROP_NAME, fileGroup.trim());
        concluded = true;
        return this;
    }

    /**
     * Name of the channel.
     *
     * @param name a safe file name (same rules as a service name).
     * @return this context.
     */
    public BroadcastContext name(final String name)
    {
        this.name = name;
        return this;
    }

    /**
     * @return the channel name.
     */
    public String name()
    {
        return name;
    }

    /**
     * Base directory; default {@link ShmConfiguration#defaultBaseDirectory()}.
     *
     * @param baseDirectory the directory.
     * @return this context.
     */
    public BroadcastContext baseDirectory(final Path baseDirectory)
    {
        this.baseDirectory = baseDirectory;
        return this;
    }

    /**
     * @return the base directory.
     */
    public Path baseDirectory()
    {
        return baseDirectory;
    }

    /**
     * Capacity of the broadcast buffer: a power of two from 1 KiB to 1 GiB. Readers slower than the publisher by
     * more than this are lapped and told how many messages they lost.
     *
     * @param capacity bytes.
     * @return this context.
     */
    public BroadcastContext capacity(final long capacity)
    {
        this.capacity = capacity;
        return this;
    }

    /**
     * @return the capacity in bytes.
     */
    public int capacity()
    {
        return (int)capacity;
    }

    /**
     * Opt-in group mode: members of this group may read the channel too (folder 0770, file 0660, group set on
     * each); the publisher and its subscribers must name the same group. Default: the
     * {@value ShmConfiguration#GROUP_PROP_NAME} property, else none (owner only: folder 0700, file 0600).
     * Checked on {@link #conclude()}: an unknown group is refused.
     *
     * @param fileGroup the group name, or null for owner only.
     * @return this context.
     */
    public BroadcastContext fileGroup(final String fileGroup)
    {
        this.fileGroup = fileGroup;
        return this;
    }

    /**
     * @return the group of group mode, or null when the file is owner only.
     */
    public String fileGroup()
    {
        return fileGroup;
    }

    FileAccess fileAccess()
    {
        return fileAccess == null ? FileAccess.OWNER_ONLY : fileAccess;
    }

    Path file()
    {
        return baseDirectory.resolve(name).resolve("broadcast.ipc");
    }
}
