package io.ipcgateway.shm;

import java.nio.file.Path;

import io.ipcgateway.core.Configuration;
import io.ipcgateway.core.ConfigurationException;
import io.ipcgateway.core.IdleMode;
import io.ipcgateway.shm.notify.NotifierKind;
import io.ipcgateway.shm.notify.Notifiers;
import org.agrona.ErrorHandler;

/**
 * Settings shared by {@link ServerContext} and {@link ClientContext}: Aeron-style, with fluent setters, defaults from
 * {@link ShmConfiguration} (each overridable by its system property) and one {@link #conclude()} that validates
 * everything once. A context is used by one server or client and cannot be concluded twice.
 * Durations are nanoseconds; error messages show them in human units ({@code connectTimeout=10 s}).
 *
 * @param <T> the concrete context type, returned by the fluent setters.
 */
public abstract class ShmContext<T extends ShmContext<T>>
{
    private String serviceName;
    private Path baseDirectory;
    private long ringCapacity;
    private long maxMessageLength =
        Configuration.sizeProperty(ShmConfiguration.MAX_MESSAGE_LENGTH_PROP_NAME,
        ShmConfiguration.MAX_MESSAGE_LENGTH_DEFAULT);
    private IdleMode idleMode = Configuration.enumProperty(
        ShmConfiguration.IDLE_MODE_PROP_NAME, IdleMode.class, ShmConfiguration.IDLE_MODE_DEFAULT);
    private NotifierKind notifierKind;
    private long sendTimeoutNs = Configuration.durationProperty(
        ShmConfiguration.SEND_TIMEOUT_PROP_NAME, ShmConfiguration.SEND_TIMEOUT_DEFAULT_NS);
    private long heartbeatIntervalNs = Configuration.durationProperty(
        ShmConfiguration.HEARTBEAT_INTERVAL_PROP_NAME, ShmConfiguration.HEARTBEAT_INTERVAL_DEFAULT_NS);
    private long livenessTimeoutNs = Configuration.durationProperty(
        ShmConfiguration.LIVENESS_TIMEOUT_PROP_NAME, ShmConfiguration.LIVENESS_TIMEOUT_DEFAULT_NS);
    private long maxSleepNs = Configuration.durationProperty(
        ShmConfiguration.MAX_SLEEP_PROP_NAME, ShmConfiguration.MAX_SLEEP_DEFAULT_NS);
    private long spinBeforeSleepNs = Configuration.durationProperty(
        ShmConfiguration.SPIN_BEFORE_SLEEP_PROP_NAME, ShmConfiguration.SPIN_BEFORE_SLEEP_DEFAULT_NS);
    private ErrorHandler errorHandler = Throwable::printStackTrace;
    private String fileGroup = System.getProperty(ShmConfiguration.GROUP_PROP_NAME);
    private FileAccess fileAccess;
    private boolean concluded;

    ShmContext(final long ringCapacity)
    {
        this.ringCapacity = ringCapacity;
    }

    @SuppressWarnings("unchecked")
    private T self()
    {
        return (T)this;
    }

    /**
     * Validates every setting once and fills in defaults. Called by the server or client that uses this context.
     *
     * @return this context.
     * @throws ConfigurationException naming the first invalid setting.
     * @throws IllegalStateException  when concluded already (a context belongs to one server or client).
     */
    public T conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException("context already concluded: use a new context per server or client");
        }
        ShmConfiguration.validateServiceName(serviceName);
        if (baseDirectory == null)
        {
            baseDirectory = ShmConfiguration.defaultBaseDirectory();
        }
        ShmConfiguration.validateRingCapacity(ringCapacityName(), ringCapacity);
        Configuration.requireRange("maxMessageLength", maxMessageLength, 0, Integer.MAX_VALUE - 64);
        if (idleMode == null)
        {
            throw Configuration.invalid("idleMode", null, "one of spin, yield, backoff, block");
        }
        if (notifierKind == null)
        {
            final String text = System.getProperty(Notifiers.NOTIFIER_PROP_NAME, Notifiers.NOTIFIER_DEFAULT);
            try
            {
                notifierKind = NotifierKind.parse(text);
            }
            catch (final IllegalArgumentException ex)
            {
                throw Configuration.invalid(Notifiers.NOTIFIER_PROP_NAME, text, "auto, futex or unix-socket");
            }
        }
        Configuration.requireDurationRange("sendTimeout", sendTimeoutNs, 0, Long.MAX_VALUE / 2);
        Configuration.requireDurationRange("heartbeatInterval", heartbeatIntervalNs, 1, Long.MAX_VALUE / 2);
        Configuration.requireDurationRange("maxSleep", maxSleepNs, 1_000, Long.MAX_VALUE / 2);
        Configuration.requireDurationRange("livenessTimeout", livenessTimeoutNs, 1, Long.MAX_VALUE / 2);
        Configuration.requireDurationRange("spinBeforeSleep", spinBeforeSleepNs, 0, Long.MAX_VALUE / 2);
        if (errorHandler == null)
        {
            throw Configuration.invalid("errorHandler", null, "a handler");
        }
        fileAccess = fileGroup == null || fileGroup.trim().isEmpty() ?
            FileAccess.OWNER_ONLY : FileAccess.group(ShmConfiguration.GROUP_PROP_NAME, fileGroup.trim());
        concludeSpecific();
        concluded = true;
        return self();
    }

    abstract void concludeSpecific();

    abstract String ringCapacityName();

    /**
     * The folder of this service: {@code baseDirectory/serviceName}.
     *
     * @return the service directory (valid after {@link #conclude()}).
     */
    public Path serviceDirectory()
    {
        return baseDirectory.resolve(serviceName);
    }

    /**
     * Name of the service: at most {@value ShmConfiguration#MAX_SERVICE_NAME_LENGTH} ASCII letters, digits,
     * {@code -}, {@code _} and {@code .} (no space, not even a trailing one), not {@code .} and no {@code ..};
     * checked by {@link #conclude()}, whose error quotes the name.
     *
     * @param serviceName the name.
     * @return this context.
     */
    public T serviceName(final String serviceName)
    {
        this.serviceName = serviceName;
        return self();
    }

    /**
     * @return the service name.
     */
    public String serviceName()
    {
        return serviceName;
    }

    /**
     * Base directory holding one folder per service; default {@link ShmConfiguration#defaultBaseDirectory()}.
     *
     * @param baseDirectory the directory.
     * @return this context.
     */
    public T baseDirectory(final Path baseDirectory)
    {
        this.baseDirectory = baseDirectory;
        return self();
    }

    /**
     * @return the base directory.
     */
    public Path baseDirectory()
    {
        return baseDirectory;
    }

    /**
     * Capacity of this endpoint's inbox ring in bytes: a power of two from 1 KiB to 1 GiB (Agrona's trailer is added).
     *
     * @param ringCapacity the capacity.
     * @return this context.
     */
    public T ringCapacity(final long ringCapacity)
    {
        this.ringCapacity = ringCapacity;
        return self();
    }

    /**
     * @return the inbox ring capacity in bytes.
     */
    public int ringCapacity()
    {
        return (int)ringCapacity;
    }

    /**
     * Largest message this endpoint accepts after reassembly; larger offers return {@code TOO_LARGE}.
     *
     * @param maxMessageLength the limit in bytes (default 16 MiB).
     * @return this context.
     */
    public T maxMessageLength(final long maxMessageLength)
    {
        this.maxMessageLength = maxMessageLength;
        return self();
    }

    /**
     * @return the largest message accepted, in bytes.
     */
    public int maxMessageLength()
    {
        return (int)maxMessageLength;
    }

    /**
     * How this endpoint waits for its inbox: spin, yield, backoff or block (sleep on the notifier).
     *
     * @param idleMode the mode.
     * @return this context.
     */
    public T idleMode(final IdleMode idleMode)
    {
        this.idleMode = idleMode;
        return self();
    }

    /**
     * @return the idle mode.
     */
    public IdleMode idleMode()
    {
        return idleMode;
    }

    /**
     * Notifier primitive for blocking mode: AUTO (futex on JDK 22+ Linux, else the fallback), or forced.
     *
     * @param notifierKind the kind; default from {@value Notifiers#NOTIFIER_PROP_NAME}.
     * @return this context.
     */
    public T notifierKind(final NotifierKind notifierKind)
    {
        this.notifierKind = notifierKind;
        return self();
    }

    /**
     * @return the requested notifier kind.
     */
    public NotifierKind notifierKind()
    {
        return notifierKind;
    }

    /**
     * How long a fragmented send retries a full ring before it gives up with {@code BACK_PRESSURED}.
     *
     * @param sendTimeoutNs nanoseconds.
     * @return this context.
     */
    public T sendTimeoutNs(final long sendTimeoutNs)
    {
        this.sendTimeoutNs = sendTimeoutNs;
        return self();
    }

    /**
     * @return the send timeout in nanoseconds.
     */
    public long sendTimeoutNs()
    {
        return sendTimeoutNs;
    }

    /**
     * Interval between heartbeats written into this endpoint's file header.
     *
     * @param heartbeatIntervalNs nanoseconds.
     * @return this context.
     */
    public T heartbeatIntervalNs(final long heartbeatIntervalNs)
    {
        this.heartbeatIntervalNs = heartbeatIntervalNs;
        return self();
    }

    /**
     * @return the heartbeat interval in nanoseconds.
     */
    public long heartbeatIntervalNs()
    {
        return heartbeatIntervalNs;
    }

    /**
     * How old a peer's heartbeat may get before its process is checked (dead: pid gone or reused).
     *
     * @param livenessTimeoutNs nanoseconds.
     * @return this context.
     */
    public T livenessTimeoutNs(final long livenessTimeoutNs)
    {
        this.livenessTimeoutNs = livenessTimeoutNs;
        return self();
    }

    /**
     * @return the liveness timeout in nanoseconds.
     */
    public long livenessTimeoutNs()
    {
        return livenessTimeoutNs;
    }

    /**
     * Longest single sleep of a blocked consumer before it re-checks (a safety net against lost signals).
     *
     * @param maxSleepNs nanoseconds, at least 1 us.
     * @return this context.
     */
    public T maxSleepNs(final long maxSleepNs)
    {
        this.maxSleepNs = maxSleepNs;
        return self();
    }

    /**
     * @return the longest sleep in nanoseconds.
     */
    public long maxSleepNs()
    {
        return maxSleepNs;
    }

    /**
     * How long a blocking consumer spins before it sleeps.
     *
     * @param spinBeforeSleepNs nanoseconds.
     * @return this context.
     */
    public T spinBeforeSleepNs(final long spinBeforeSleepNs)
    {
        this.spinBeforeSleepNs = spinBeforeSleepNs;
        return self();
    }

    /**
     * @return the spin before sleep in nanoseconds.
     */
    public long spinBeforeSleepNs()
    {
        return spinBeforeSleepNs;
    }

    /**
     * Opt-in group mode: members of this group may use the service's files too (folders 0770, files 0660, group
     * set on each); the server and its clients must name the same group. Default: the
     * {@value ShmConfiguration#GROUP_PROP_NAME} property, else none (owner only: folders 0700, files 0600).
     * Checked on {@link #conclude()}: an unknown group is refused.
     *
     * @param fileGroup the group name, or null for owner only.
     * @return this context.
     */
    public T fileGroup(final String fileGroup)
    {
        this.fileGroup = fileGroup;
        return self();
    }

    /**
     * @return the group of group mode, or null when files are owner only.
     */
    public String fileGroup()
    {
        return fileGroup;
    }

    FileAccess fileAccess()
    {
        return fileAccess == null ? FileAccess.OWNER_ONLY : fileAccess;
    }

    /**
     * Receives errors of duty cycles and handlers (they never stop the duty cycle); default prints them.
     *
     * @param errorHandler the handler.
     * @return this context.
     */
    public T errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return self();
    }

    /**
     * @return the error handler.
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }
}
