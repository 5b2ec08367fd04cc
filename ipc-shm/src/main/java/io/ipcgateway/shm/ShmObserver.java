package io.ipcgateway.shm;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.ipcgateway.core.CounterKind;
import io.ipcgateway.shm.notify.NotifierDescriptor;
import io.ipcgateway.shm.notify.Notifiers;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.agrona.concurrent.status.CountersReader;

/**
 * Reads the channel files of running services from the outside, as AeronStat does for Aeron: no cooperation from
 * the processes that own them, nothing written. Used by the Prometheus collector and {@code bin/ipc stat}.
 * <p>
 * Each {@link #snapshot()} maps every file, validates its header like any opener (magic, version, type, sizes),
 * copies what it shows into a {@link ChannelSnapshot} and unmaps it. Counters are read by id and type id only,
 * never through their labels, so a corrupt metadata area cannot make the reader run past the file. Files that are
 * half-created, corrupt or vanish during the read are skipped and listed in {@link #problems()}.
 */
public final class ShmObserver
{
    private static final String CLIENT_GLOB = "client-*.ipc";
    private static final String EXTENSION = ".ipc";

    private final Path baseDirectory;
    private final List<String> serviceFilter;
    private List<String> problems = List.of();

    /**
     * Observes every service under a base directory.
     *
     * @param baseDirectory the transport's base directory (see {@link ShmConfiguration#defaultBaseDirectory()}).
     */
    public ShmObserver(final Path baseDirectory)
    {
        this(baseDirectory, null);
    }

    /**
     * Observes one service, or all when {@code serviceName} is null.
     *
     * @param baseDirectory the transport's base directory.
     * @param serviceName   the service to read, or null for all.
     */
    public ShmObserver(final Path baseDirectory, final String serviceName)
    {
        this(serviceName == null ? null : List.of(serviceName), baseDirectory);
    }

    private ShmObserver(final List<String> serviceFilter, final Path baseDirectory)
    {
        this.baseDirectory = baseDirectory;
        this.serviceFilter = serviceFilter;
    }

    /**
     * Observes the named services only, so a stale service of another application under the same base directory
     * is neither exported nor reported, and two processes that each observe their own services do not count the same
     * channel twice.
     *
     * @param baseDirectory the transport's base directory.
     * @param serviceNames  the services to read (an absent one simply yields no snapshot); empty reads none.
     * @return the observer.
     */
    public static ShmObserver ofServices(final Path baseDirectory, final List<String> serviceNames)
    {
        return new ShmObserver(List.copyOf(serviceNames), baseDirectory);
    }

    /**
     * The base directory read.
     *
     * @return the directory.
     */
    public Path baseDirectory()
    {
        return baseDirectory;
    }

    /**
     * Reads every channel file now: for each service its server channel first, then its clients by name.
     *
     * @return one snapshot per readable channel file.
     */
    public List<ChannelSnapshot> snapshot()
    {
        final List<String> found = new ArrayList<>();
        final List<ChannelSnapshot> snapshots = new ArrayList<>();
        for (final Path serviceDir : serviceDirectories(found))
        {
            final String service = serviceDir.getFileName().toString();
            read(service, ServiceDirectory.serverFile(serviceDir), ChannelDescriptor.TYPE_SERVER, snapshots, found);
            final List<Path> clients = new ArrayList<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(serviceDir, CLIENT_GLOB))
            {
                files.forEach(clients::add);
            }
            catch (final IOException ex)
            {
                found.add(serviceDir + ": cannot list client files: " + ex.getMessage());
            }
            Collections.sort(clients);
            for (final Path client : clients)
            {
                read(service, client, ChannelDescriptor.TYPE_CLIENT, snapshots, found);
            }
        }
        problems = List.copyOf(found);
        return snapshots;
    }

    /**
     * What the last {@link #snapshot()} could not read, one line per file, naming the file and the reason.
     *
     * @return the problems, empty when every file was read.
     */
    public List<String> problems()
    {
        return problems;
    }

    private List<Path> serviceDirectories(final List<String> found)
    {
        final List<Path> dirs = new ArrayList<>();
        if (serviceFilter != null)
        {
            for (final String service : serviceFilter)
            {
                final Path dir = baseDirectory.resolve(service);
                if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS))
                {
                    dirs.add(dir);
                }
            }
            return dirs;
        }
        if (!Files.isDirectory(baseDirectory, LinkOption.NOFOLLOW_LINKS))
        {
            return dirs;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(baseDirectory))
        {
            for (final Path entry : entries)
            {
                if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS))
                {
                    dirs.add(entry);
                }
            }
        }
        catch (final IOException ex)
        {
            found.add(baseDirectory + ": cannot list services: " + ex.getMessage());
        }
        Collections.sort(dirs);
        return dirs;
    }

    private static void read(
        final String service,
        final Path file,
        final int fileType,
        final List<ChannelSnapshot> out,
        final List<String> found)
    {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS))
        {
            return;
        }
        try (ChannelFile channel = ChannelFile.open(file, fileType))
        {
            out.add(snapshotOf(service, channel));
        }
        catch (final ChannelFile.NotReadyException ex)
        {
            // Being created or just removed: not a problem worth reporting.
        }
        catch (final RuntimeException ex)
        {
            found.add(file + ": " + ex.getMessage());
        }
    }

    private static ChannelSnapshot snapshotOf(final String service, final ChannelFile channel)
    {
        final String fileName = channel.path().getFileName().toString();
        final String name = fileName.equals(ServiceDirectory.SERVER_FILE_NAME) ?
            ChannelSnapshot.SERVER_CHANNEL : fileName.substring(0, fileName.length() - EXTENSION.length());
        final UnsafeBuffer header = channel.header();
        final int capacity = channel.ringCapacity();
        final UnsafeBuffer ring = channel.ring();
        final long head = ring.getLongVolatile(capacity + RingBufferDescriptor.HEAD_POSITION_OFFSET);
        final long tail = ring.getLongVolatile(capacity + RingBufferDescriptor.TAIL_POSITION_OFFSET);
        final long occupancy = Math.max(0L, Math.min((long)capacity, tail - head));
        final int notifier = ChannelDescriptor.NOTIFIER_OFFSET;

        return new ChannelSnapshot(
            service,
            name,
            channel.path(),
            ChannelDescriptor.typeName(header.getInt(ChannelDescriptor.FILE_TYPE_OFFSET)),
            channel.ownerPid(),
            channel.ownerUid(),
            ProcessInfo.isOwnerAlive(channel, System.nanoTime(), ShmConfiguration.LIVENESS_TIMEOUT_DEFAULT_NS),
            channel.isClosedByOwner(),
            Math.max(0L, System.nanoTime() - channel.heartbeatNs()),
            capacity,
            occupancy,
            readCounters(header),
            header.getLongVolatile(notifier + NotifierDescriptor.SLEEPS_OFFSET),
            header.getLongVolatile(notifier + NotifierDescriptor.WAKEUPS_OFFSET),
            header.getLongVolatile(notifier + NotifierDescriptor.TIMEOUTS_OFFSET),
            Notifiers.consumerKind(header, notifier),
            header.getIntVolatile(ChannelDescriptor.WAITING_REQUESTERS_OFFSET),
            header.getIntVolatile(ChannelDescriptor.PARKED_REQUESTERS_OFFSET));
    }

    /**
     * The errors counter of a channel file, e.g. of a dead server, for the log line that replaces it.
     */
    static long errorCount(final ChannelFile channel)
    {
        return readCounters(channel.header())[CounterKind.ERRORS.ordinal()];
    }

    private static long[] readCounters(final UnsafeBuffer header)
    {
        final CountersReader reader = new CountersReader(
            new UnsafeBuffer(header, ChannelDescriptor.COUNTERS_METADATA_OFFSET,
                ChannelDescriptor.COUNTERS_METADATA_LENGTH),
            new UnsafeBuffer(header, ChannelDescriptor.COUNTERS_VALUES_OFFSET,
                ChannelDescriptor.COUNTERS_VALUES_LENGTH));
        final long[] values = new long[CounterKind.values().length];
        final int maxId = reader.maxCounterId();
        for (int id = 0; id < maxId; id++)
        {
            if (reader.getCounterState(id) == CountersReader.RECORD_ALLOCATED)
            {
                final CounterKind kind = CounterKind.fromTypeId(reader.getCounterTypeId(id));
                if (kind != null)
                {
                    values[kind.ordinal()] = reader.getCounterValue(id);
                }
            }
        }
        return values;
    }
}
