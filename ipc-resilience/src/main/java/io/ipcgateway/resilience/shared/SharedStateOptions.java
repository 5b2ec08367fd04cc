package io.ipcgateway.resilience.shared;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.Configuration;
import io.ipcgateway.core.ConfigurationException;

/**
 * Where shared state files live and who may use them, immutable; made by {@link #builder()} or
 * {@link #defaults()}. Each setting has a system property that overrides its default.
 * <ul>
 *     <li>base directory ({@value #BASE_DIR_PROP_NAME}): default {@code /dev/shm/ipc-resilience-<user>}, or the
 *     same name under {@code java.io.tmpdir} when there is no {@code /dev/shm};</li>
 *     <li>group ({@value #GROUP_PROP_NAME}): unset by default, meaning owner only (folders 0700, files 0600);
 *     a group name opts in to group mode (0770/0660, the group set on the folder and every file);</li>
 *     <li>initialisation timeout ({@value #INIT_TIMEOUT_PROP_NAME}): how long an opener waits for another process
 *     that is creating the same file, default {@value #INIT_TIMEOUT_DEFAULT_MS} ms.</li>
 * </ul>
 */
public final class SharedStateOptions
{
    /** System property of the base directory. */
    public static final String BASE_DIR_PROP_NAME = "ipc.resilience.shared.dir";

    /** System property of the group for group mode. */
    public static final String GROUP_PROP_NAME = "ipc.resilience.shared.group";

    /** System property of the initialisation timeout (a duration such as {@code 5s}). */
    public static final String INIT_TIMEOUT_PROP_NAME = "ipc.resilience.shared.initTimeout";

    /** Default initialisation timeout in milliseconds. */
    public static final long INIT_TIMEOUT_DEFAULT_MS = 5_000;

    /** Largest initialisation timeout accepted: one hour. */
    public static final long INIT_TIMEOUT_MAX_NS = TimeUnit.HOURS.toNanos(1);

    private final Path baseDirectory;
    private final String group;
    private final long initTimeoutNs;

    private SharedStateOptions(final Builder builder)
    {
        this.baseDirectory = builder.baseDirectory;
        this.group = builder.group;
        this.initTimeoutNs = builder.initTimeoutNs;
    }

    /**
     * Options with every default (and the system property overrides).
     *
     * @return the options.
     */
    public static SharedStateOptions defaults()
    {
        return builder().build();
    }

    /**
     * A builder holding the defaults (and the system property overrides).
     *
     * @return a new builder.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * The default base directory, see the class comment.
     *
     * @return the folder.
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
        return root.resolve("ipc-resilience-" + user);
    }

    /**
     * The folder that holds the files.
     *
     * @return the base directory.
     */
    public Path baseDirectory()
    {
        return baseDirectory;
    }

    /**
     * The group of group mode.
     *
     * @return the group name, or null for owner-only access.
     */
    public String group()
    {
        return group;
    }

    /**
     * How long an opener waits for another process to finish creating a file.
     *
     * @return the timeout in nanoseconds.
     */
    public long initTimeoutNs()
    {
        return initTimeoutNs;
    }

    @Override
    public String toString()
    {
        return "SharedStateOptions{baseDirectory=" + baseDirectory + ", group=" + group + ", initTimeoutNs="
            + initTimeoutNs + '}';
    }

    /**
     * Builds {@link SharedStateOptions}; each setter validates at once.
     */
    public static final class Builder
    {
        private Path baseDirectory = defaultBaseDirectory();
        private String group = emptyToNull(System.getProperty(GROUP_PROP_NAME));
        private long initTimeoutNs = Configuration.durationProperty(
            INIT_TIMEOUT_PROP_NAME, TimeUnit.MILLISECONDS.toNanos(INIT_TIMEOUT_DEFAULT_MS));

        private Builder()
        {
            checkTimeout(INIT_TIMEOUT_PROP_NAME, initTimeoutNs);
        }

        /**
         * Sets the folder that holds the files.
         *
         * @param baseDirectory the folder; created (0700, or 0770 in group mode) when missing.
         * @return this builder.
         */
        public Builder baseDirectory(final Path baseDirectory)
        {
            this.baseDirectory = Objects.requireNonNull(baseDirectory, "baseDirectory");
            return this;
        }

        /**
         * Sets group mode with the named group, or owner-only access with null.
         *
         * @param group an existing group the users sharing the files are in, or null.
         * @return this builder.
         */
        public Builder group(final String group)
        {
            this.group = emptyToNull(group);
            return this;
        }

        /**
         * Sets how long an opener waits for another process to finish creating a file.
         *
         * @param timeout the timeout, 1 ns to 1 hour.
         * @param unit    its unit.
         * @return this builder.
         */
        public Builder initTimeout(final long timeout, final TimeUnit unit)
        {
            final long nanos = unit.toNanos(timeout);
            checkTimeout("initTimeout", nanos);
            this.initTimeoutNs = nanos;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options.
         */
        public SharedStateOptions build()
        {
            return new SharedStateOptions(this);
        }

        private static void checkTimeout(final String setting, final long nanos)
        {
            if (nanos <= 0 || nanos > INIT_TIMEOUT_MAX_NS)
            {
                throw new ConfigurationException(setting + "=" + nanos + "ns is invalid: valid range is 1 ns to "
                    + INIT_TIMEOUT_MAX_NS + " ns (1 hour)");
            }
        }

        private static String emptyToNull(final String text)
        {
            return text == null || text.trim().isEmpty() ? null : text.trim();
        }
    }
}
