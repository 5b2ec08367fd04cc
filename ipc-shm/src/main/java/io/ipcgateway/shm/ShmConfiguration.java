package io.ipcgateway.shm;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.Configuration;
import io.ipcgateway.core.ConfigurationException;
import io.ipcgateway.core.IdleMode;
import org.agrona.BitUtil;

/**
 * Settings of the shared-memory transport: each a {@code *_PROP_NAME} system property paired with a
 * {@code *_DEFAULT}, read by {@link ServerContext} and {@link ClientContext} when a setting is not set explicitly.
 * Durations are nanoseconds; sizes are bytes (property values accept {@code 64k}, {@code 10ms}, ...).
 *
 * <h2>Memory and how to size rings</h2>
 * A service uses one server file and one file per connected client, each a {@link ChannelDescriptor#HEADER_LENGTH}
 * (12 KiB) header (counters included) plus a ring of the configured capacity plus Agrona's 768-byte ring trailer:
 * <pre>
 *   server file  = 12 KiB + serverRingCapacity (default 1 MiB)  + 768 B
 *   client file  = 12 KiB + clientRingCapacity (default 64 KiB) + 768 B
 *   32 clients   = 1.01 MiB + 32 x 76.75 KiB = about 3.4 MiB in total (target: at most 8 MiB)
 * </pre>
 * Ring capacities must be a power of two between {@value #MIN_RING_CAPACITY} and {@value #MAX_RING_CAPACITY} bytes.
 * One ring record holds at most capacity / 8 bytes (Agrona's limit); larger messages are fragmented into records of
 * that size and reassembled, up to {@link #MAX_MESSAGE_LENGTH_DEFAULT}. Size the server ring for the burst all
 * clients may send while the server is busy (throughput), each client ring for the responses and pushes in flight
 * to that client; a full ring returns {@code BACK_PRESSURED}, it never blocks or drops.
 */
public final class ShmConfiguration
{
    /** Smallest valid ring capacity in bytes. */
    public static final int MIN_RING_CAPACITY = 1024;

    /** Largest valid ring capacity in bytes. */
    public static final int MAX_RING_CAPACITY = 1 << 30;

    /** Longest valid service name, in characters. */
    public static final int MAX_SERVICE_NAME_LENGTH = 100;

    /** Base directory holding one folder per service. */
    public static final String BASE_DIR_PROP_NAME = "ipc.shm.dir";

    /** Capacity of the server's inbox ring (many clients to one server), bytes. */
    public static final String SERVER_RING_CAPACITY_PROP_NAME = "ipc.shm.server.ring.capacity";

    /** Default server inbox ring capacity: 1 MiB. */
    public static final int SERVER_RING_CAPACITY_DEFAULT = 1024 * 1024;

    /** Capacity of each client's inbox ring (server to that client), bytes. */
    public static final String CLIENT_RING_CAPACITY_PROP_NAME = "ipc.shm.client.ring.capacity";

    /** Default client inbox ring capacity: 64 KiB. */
    public static final int CLIENT_RING_CAPACITY_DEFAULT = 64 * 1024;

    /** Largest message, after reassembly of fragments, bytes. */
    public static final String MAX_MESSAGE_LENGTH_PROP_NAME = "ipc.shm.max.message.length";

    /** Default maximum message length: 16 MiB. */
    public static final int MAX_MESSAGE_LENGTH_DEFAULT = 16 * 1024 * 1024;

    /** Idle mode of consumers: spin, yield, backoff or block (sleep on the notifier). */
    public static final String IDLE_MODE_PROP_NAME = "ipc.shm.idle.mode";

    /**
     * Cores that threads waiting for a response may spin on (BLOCK mode): while fewer threads wait, in this process
     * and for the service on the host, than this many, a waiter spins briefly and yields before it sleeps; from this
     * many on it sleeps on the notifier at once, so waiters that spin never take the cores from those that slept.
     * 0 never spins; a very large value spins always (the behaviour before the gate).
     */
    public static final String WAIT_CORES_PROP_NAME = "ipc.shm.wait.cores";

    /**
     * Default wait cores: {@link Runtime#availableProcessors()}, which the JVM derives from the process's CPU affinity
     * and its cgroup CPU quota.
     */
    public static final int WAIT_CORES_DEFAULT = -1;

    /** Default idle mode: block, so an idle endpoint uses no CPU. */
    public static final IdleMode IDLE_MODE_DEFAULT = IdleMode.BLOCK;

    /** How long a client waits for the service to accept it, nanoseconds. */
    public static final String CONNECT_TIMEOUT_PROP_NAME = "ipc.shm.connect.timeout";

    /** Default connect timeout: 10 s. */
    public static final long CONNECT_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(10);

    /** Default timeout of a request used by the request methods without a timeout argument, nanoseconds. */
    public static final String REQUEST_TIMEOUT_PROP_NAME = "ipc.shm.request.timeout";

    /** Default request timeout: 5 s. */
    public static final long REQUEST_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(5);

    /** How long a fragmented send retries a full ring before it gives up, nanoseconds. */
    public static final String SEND_TIMEOUT_PROP_NAME = "ipc.shm.send.timeout";

    /** Default send timeout for fragmented messages: 5 s. */
    public static final long SEND_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(5);

    /** Interval between heartbeats written by duty cycles into their file header, nanoseconds. */
    public static final String HEARTBEAT_INTERVAL_PROP_NAME = "ipc.shm.heartbeat.interval";

    /** Default heartbeat interval: 100 ms. */
    public static final long HEARTBEAT_INTERVAL_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * How old a peer's heartbeat may get before its process is checked; a peer whose process is gone (pid and start
     * time) is then declared dead: its session is freed, or the client's requests fail with {@code PEER_DEAD}.
     */
    public static final String LIVENESS_TIMEOUT_PROP_NAME = "ipc.shm.liveness.timeout";

    /** Default liveness timeout: 3 s (an idle blocked peer writes its heartbeat about once a second). */
    public static final long LIVENESS_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(3);

    /**
     * Longest a blocked consumer sleeps before re-checking its ring, nanoseconds: a safety net (the notifier loses
     * no wake-up), and the pace of an idle endpoint's heartbeat.
     */
    public static final String MAX_SLEEP_PROP_NAME = "ipc.shm.max.sleep";

    /** Default longest sleep: 1 s, so an idle blocked endpoint wakes once a second at most. */
    public static final long MAX_SLEEP_DEFAULT_NS = TimeUnit.SECONDS.toNanos(1);

    /**
     * How long a blocking consumer spins before it sleeps on the notifier, nanoseconds. A thread blocked in a
     * request busy-spins the first 2 us of it and yields for the rest, so on a machine with more waiting threads than
     * cores it hands its core to the threads that would answer it.
     */
    public static final String SPIN_BEFORE_SLEEP_PROP_NAME = "ipc.shm.spin.before.sleep";

    /** Default spin before sleep: 20 us (cuts wake-up syscalls in a fast stream, see the notifier notes). */
    public static final long SPIN_BEFORE_SLEEP_DEFAULT_NS = TimeUnit.MICROSECONDS.toNanos(20);

    /**
     * Whether a client whose service died or closed connects again by itself when the service is back (a new
     * session, a new inbox file); {@code false} leaves it disconnected until the application connects a new client.
     */
    public static final String RECONNECT_PROP_NAME = "ipc.shm.reconnect";

    /** Default: clients reconnect by themselves. */
    public static final boolean RECONNECT_DEFAULT = true;

    /** How often a disconnected client tries to connect again, nanoseconds. */
    public static final String RECONNECT_INTERVAL_PROP_NAME = "ipc.shm.reconnect.interval";

    /** Default reconnect interval: 200 ms. */
    public static final long RECONNECT_INTERVAL_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(200);

    /** Requests one client may have in flight at once (all threads together). */
    public static final String MAX_IN_FLIGHT_PROP_NAME = "ipc.shm.max.in.flight";

    /** Default requests in flight per client: 1024. */
    public static final int MAX_IN_FLIGHT_DEFAULT = 1024;

    /**
     * Opt-in group mode: the name of a group whose members may use a service's files too (folders 0770, files 0660,
     * group set on each). Unset (the default): owner only, folders 0700 and files 0600, whatever the umask.
     */
    public static final String GROUP_PROP_NAME = "ipc.shm.group";

    /**
     * Uids a server admits, comma-separated (the uid is the owner of the client's file); unset (the default): any
     * user who can open the service's files, which is only the owner unless group mode is on.
     */
    public static final String ALLOWED_UIDS_PROP_NAME = "ipc.shm.allowed.uids";

    /**
     * Opt-in record checksums in a service's inbox: {@code true} makes clients append a checksum to every record
     * they write and the server verify it, so a record damaged after it was written (e.g. by a producer that was
     * stopped mid-copy, skipped, and resumed over a reused slot) is dropped and reported instead of delivered.
     * {@code false} (the default) costs nothing. Declared by the server in its file header; clients follow it.
     */
    public static final String RECORD_CHECKSUMS_PROP_NAME = "ipc.shm.record.checksums";

    /** Default: no record checksums. */
    public static final boolean RECORD_CHECKSUMS_DEFAULT = false;

    /**
     * Whether a server started with {@link ShmServer#launch} closes itself when the JVM shuts down (SIGTERM, SIGINT,
     * {@code System.exit}, the end of {@code main}): it tells its clients and deletes its files and folder, as
     * {@link ShmServer#close()} does, through a shutdown hook of its own. {@code false} leaves that to the application
     * (a SIGKILL leaves the folder either way; the next server of that name removes it as stale).
     */
    public static final String CLOSE_ON_SHUTDOWN_PROP_NAME = "ipc.shm.close.on.shutdown";

    /** Default: a launched server closes itself on JVM shutdown. */
    public static final boolean CLOSE_ON_SHUTDOWN_DEFAULT = true;

    private ShmConfiguration()
    {
    }

    /**
     * The default base directory: {@code /dev/shm/ipc-gateway-<user>} when {@code /dev/shm} exists, else the same
     * name under {@code java.io.tmpdir}. Overridden by {@value #BASE_DIR_PROP_NAME}.
     *
     * @return the base directory.
     */
    public static Path defaultBaseDirectory()
    {
        final String configured = System.getProperty(BASE_DIR_PROP_NAME);
        if (configured != null && !configured.trim().isEmpty())
        {
            return Paths.get(configured.trim());
        }
        final String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        final Path shm = Paths.get("/dev/shm");
        final Path root = shm.toFile().isDirectory() ? shm : Paths.get(System.getProperty("java.io.tmpdir"));
        return root.resolve("ipc-gateway-" + user);
    }

    /**
     * Checks that a service name is a safe file name: not empty, at most {@value #MAX_SERVICE_NAME_LENGTH}
     * characters, only ASCII letters, digits, {@code -}, {@code _} and {@code .} (so no spaces, not even a trailing
     * one, no {@code /} or {@code \\}, no control characters), not {@code .} and no {@code ..}.
     *
     * @param name the service name.
     * @return the name.
     * @throws ConfigurationException naming the name (quoted, so a trailing space shows) and the rule broken.
     */
    public static String validateServiceName(final String name)
    {
        final String setting = "serviceName";
        final String allowed = "letters, digits, '-', '_', '.'";
        if (name == null || name.isEmpty())
        {
            throw Configuration.invalid(setting, name, "a non-empty name (" + allowed + ")");
        }
        if (name.length() > MAX_SERVICE_NAME_LENGTH)
        {
            throw Configuration.invalid(setting, name, "at most " + MAX_SERVICE_NAME_LENGTH
                + " characters, got " + name.length());
        }
        if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0)
        {
            throw Configuration.invalid(setting, name, "a file name without '/' or '\\'");
        }
        if (name.contains("..") || ".".equals(name))
        {
            throw Configuration.invalid(setting, name, "a file name without '..' and not '.'");
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (Character.isISOControl(c))
            {
                throw Configuration.invalid(setting, name.replaceAll("\\p{Cntrl}", "?"),
                    "a name without control characters (found code " + (int)c + " at index " + i + ")");
            }
            if (!isServiceNameChar(c))
            {
                throw Configuration.invalid(setting, name, "only " + allowed + " (found '" + c + "', code " + (int)c
                    + ", at index " + i + (c == ' ' && i == name.length() - 1 ? ": a trailing space" : "") + ")");
            }
        }
        return name;
    }

    private static boolean isServiceNameChar(final char c)
    {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
            || c == '.';
    }

    /**
     * Checks a ring capacity: a power of two in [{@value #MIN_RING_CAPACITY}, {@value #MAX_RING_CAPACITY}].
     * (Agrona's ring trailer is added on top by the transport.)
     *
     * @param setting name of the setting, for the error message.
     * @param capacity the capacity in bytes.
     * @return the capacity as an int.
     * @throws ConfigurationException listing which sizes are valid.
     */
    public static int validateRingCapacity(final String setting, final long capacity)
    {
        if (capacity < MIN_RING_CAPACITY || capacity > MAX_RING_CAPACITY || !BitUtil.isPowerOfTwo(capacity))
        {
            throw Configuration.invalid(setting, Long.toString(capacity),
                "a power of two between 1k and 1g bytes (1k, 2k, 4k, ... 64k, ... 1m, ...); Agrona's ring trailer"
                + " is added on top, so give the data capacity only");
        }
        return (int)capacity;
    }
}
