package io.ipcgateway.examples.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ipcgateway.core.Configuration;
import io.ipcgateway.core.ConfigurationException;
import io.ipcgateway.core.IdleMode;
import io.ipcgateway.shm.ShmConfiguration;

/**
 * The gateway's whole configuration, immutable, read from one YAML or JSON file with Jackson
 * ({@link #load(Path)}), then {@link #withEnvironment overridden} by environment variables and {@link #validate()
 * validated}: every error names the key, the bad value and what is valid. See {@code docs/gateway-example.yml}.
 *
 * @param service   the shared-memory service name local clients connect to (default
 *                  {@value GatewayProtocol#DEFAULT_SERVICE}).
 * @param directory base directory of the service's files, or null for the default ({@code /dev/shm/ipc-gateway}).
 * @param idleMode  how the duty cycle waits: {@code spin}, {@code yield}, {@code backoff} or {@code block} (default).
 * @param nats      the NATS connection.
 * @param limits    input limits.
 * @param jetstream    durable subjects.
 * @param downstreams  circuit breaker, bulkhead and retry per subject prefix (default: one default downstream).
 * @param rateLimits   rate limits per local client and in total (default: none).
 * @param audit        the audit log (default: off).
 * @param spool        what publishes do while NATS is down: fail fast (default) or go to a local spool.
 * @param drainTimeout on shutdown, how long calls in flight may take to finish (default
 *                     {@value #DEFAULT_DRAIN_TIMEOUT}).
 * @param metrics      the HTTP endpoint with {@code /metrics} and {@code /health} (default: off).
 */
public record GatewayConfig(
    String service,
    String directory,
    String idleMode,
    NatsConfig nats,
    LimitsConfig limits,
    JetStreamConfig jetstream,
    List<DownstreamConfig> downstreams,
    RateLimitConfig rateLimits,
    AuditConfig audit,
    SpoolSettings spool,
    String drainTimeout,
    MetricsConfig metrics)
{
    /** Environment variable that overrides {@code nats.url}. */
    public static final String ENV_NATS_URL = "IPC_GATEWAY_NATS_URL";
    /** Environment variable that overrides {@code nats.user}. */
    public static final String ENV_NATS_USER = "IPC_GATEWAY_NATS_USER";
    /** Environment variable that overrides {@code nats.password}. */
    public static final String ENV_NATS_PASSWORD = "IPC_GATEWAY_NATS_PASSWORD";
    /** Environment variable that overrides {@code nats.token}. */
    public static final String ENV_NATS_TOKEN = "IPC_GATEWAY_NATS_TOKEN";
    /** Environment variable that overrides {@code nats.credentialsFile}. */
    public static final String ENV_NATS_CREDS = "IPC_GATEWAY_NATS_CREDS";
    /** Default drain timeout. */
    public static final String DEFAULT_DRAIN_TIMEOUT = "5s";
    /** Default idle mode. */
    public static final String DEFAULT_IDLE_MODE = "block";

    /**
     * Fills in defaults.
     *
     * @param service   as the record's.
     * @param directory as the record's.
     * @param idleMode  as the record's.
     * @param nats      as the record's.
     * @param limits    as the record's.
     * @param jetstream    as the record's.
     * @param downstreams  as the record's.
     * @param rateLimits   as the record's.
     * @param audit        as the record's.
     * @param spool        as the record's.
     * @param drainTimeout as the record's.
     * @param metrics      as the record's.
     */
    public GatewayConfig
    {
        service = service != null ? service : GatewayProtocol.DEFAULT_SERVICE;
        idleMode = idleMode != null ? idleMode : DEFAULT_IDLE_MODE;
        nats = nats != null ? nats : NatsConfig.DEFAULTS;
        limits = limits != null ? limits : LimitsConfig.DEFAULTS;
        jetstream = jetstream != null ? jetstream : JetStreamConfig.DEFAULTS;
        downstreams = downstreams != null ? List.copyOf(downstreams) : List.of();
        rateLimits = rateLimits != null ? rateLimits : RateLimitConfig.DEFAULTS;
        audit = audit != null ? audit : AuditConfig.DISABLED;
        spool = spool != null ? spool : SpoolSettings.DEFAULTS;
        drainTimeout = drainTimeout != null ? drainTimeout : DEFAULT_DRAIN_TIMEOUT;
        metrics = metrics != null ? metrics : MetricsConfig.DEFAULTS;
    }

    /**
     * Every setting at its default.
     *
     * @return the configuration.
     */
    public static GatewayConfig defaults()
    {
        return new GatewayConfig(null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /**
     * Reads a configuration file: YAML, or JSON (a YAML subset, so one reader does both). Unknown keys are errors.
     *
     * @param file the file.
     * @return the configuration, not yet validated.
     * @throws ConfigurationException naming the file, the key and the problem.
     */
    public static GatewayConfig load(final Path file)
    {
        final String text;
        try
        {
            text = Files.readString(file);
        }
        catch (final NoSuchFileException ex)
        {
            throw new ConfigurationException("config file=" + file + " does not exist");
        }
        catch (final IOException ex)
        {
            throw new ConfigurationException("config file=" + file + " cannot be read: " + ex.getMessage(), ex);
        }
        return parse(text, "config file=" + file);
    }

    /**
     * Parses configuration text (YAML or JSON).
     *
     * @param text   the text.
     * @param source what it came from, for error messages.
     * @return the configuration, not yet validated.
     * @throws ConfigurationException naming the key and the problem.
     */
    public static GatewayConfig parse(final String text, final String source)
    {
        final ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        try
        {
            final GatewayConfig config = mapper.readValue(text, GatewayConfig.class);
            if (config == null)
            {
                throw new ConfigurationException(source + " is empty");
            }
            return config;
        }
        catch (final UnrecognizedPropertyException ex)
        {
            final String valid = ex.getKnownPropertyIds() == null ? "?" : ex.getKnownPropertyIds().stream()
                .map(String::valueOf).sorted().collect(Collectors.joining(", "));
            throw new ConfigurationException(source + ": unknown key=" + keyOf(ex) + where(ex) +
                " (valid keys there: " + valid + ")", ex);
        }
        catch (final JsonMappingException ex)
        {
            throw new ConfigurationException(source + ": bad value at key=" + keyOf(ex) + where(ex) + ": " +
                ex.getOriginalMessage(), ex);
        }
        catch (final JsonProcessingException ex)
        {
            throw new ConfigurationException(source + " is not valid YAML or JSON" + where(ex) + ": " +
                ex.getOriginalMessage(), ex);
        }
    }

    /**
     * A copy with the environment's overrides applied: {@value #ENV_NATS_URL}, {@value #ENV_NATS_USER},
     * {@value #ENV_NATS_PASSWORD}, {@value #ENV_NATS_TOKEN}, {@value #ENV_NATS_CREDS}.
     *
     * @param env the environment, e.g. {@code System.getenv()}.
     * @return the configuration with overrides.
     */
    public GatewayConfig withEnvironment(final Map<String, String> env)
    {
        NatsConfig overridden = nats;
        final String url = env.get(ENV_NATS_URL);
        if (url != null && !url.isBlank())
        {
            overridden = overridden.withUrl(url.trim());
        }
        overridden = overridden.withCredentials(env.get(ENV_NATS_USER), env.get(ENV_NATS_PASSWORD),
            env.get(ENV_NATS_TOKEN), env.get(ENV_NATS_CREDS));
        return new GatewayConfig(service, directory, idleMode, overridden, limits, jetstream, downstreams,
            rateLimits, audit, spool, drainTimeout, metrics);
    }

    /**
     * Checks every setting.
     *
     * @return this, valid.
     * @throws ConfigurationException naming the first bad key, its value and the valid values.
     */
    public GatewayConfig validate()
    {
        if (service.isEmpty() || service.length() > ShmConfiguration.MAX_SERVICE_NAME_LENGTH ||
            !service.matches("[A-Za-z0-9._-]+"))
        {
            throw invalid("service", service, "1 to " + ShmConfiguration.MAX_SERVICE_NAME_LENGTH +
                " ASCII letters, digits, '.', '_' or '-'");
        }
        idle();
        for (final String url : nats.url().split(","))
        {
            final String scheme = url.trim().toLowerCase(Locale.ROOT);
            if (!(scheme.startsWith("nats://") || scheme.startsWith("tls://") || scheme.startsWith("opentls://")))
            {
                throw invalid("nats.url", nats.url(), "nats://host:port, tls://host:port or opentls://host:port " +
                    "(comma-separated for several)");
            }
        }
        range("nats.poolSize", nats.poolSize(), 1, NatsConfig.MAX_POOL_SIZE);
        if (!NatsConfig.MODE_CONNECT.equals(nats.mode()) && !nats.loopback())
        {
            throw invalid("nats.mode", nats.mode(), NatsConfig.MODE_CONNECT + " (default) or " +
                NatsConfig.MODE_LOOPBACK + " (benchmarks only: no NATS, requests answered inside the gateway)");
        }
        if (nats.maxReconnects() < -1)
        {
            throw invalid("nats.maxReconnects", nats.maxReconnects(), "-1 (for ever) or more");
        }
        Configuration.requireDurationRange("nats.connectTimeout", nats.connectTimeoutNs(), 1_000_000L,
            600_000_000_000L);
        Configuration.requireDurationRange("nats.requestTimeout", nats.requestTimeoutNs(), 1_000_000L,
            600_000_000_000L);
        Configuration.requireDurationRange("nats.reconnectWait", nats.reconnectWaitNs(), 1_000_000L,
            600_000_000_000L);
        if (nats.credentialsFile() != null && !Files.isReadable(Path.of(nats.credentialsFile())))
        {
            throw invalid("nats.credentialsFile", nats.credentialsFile(), "a readable NATS .creds file");
        }
        if (nats.password() != null && nats.user() == null)
        {
            throw invalid("nats.user", null, "a user name when nats.password is set");
        }
        checkStore("nats.tls.keystore", nats.tls().keystore());
        checkStore("nats.tls.truststore", nats.tls().truststore());
        final long maxPayload = limits.maxPayloadBytes();
        if (maxPayload < 1 || maxPayload > ShmConfiguration.MAX_MESSAGE_LENGTH_DEFAULT / 2)
        {
            throw invalid("limits.maxPayload", limits.maxPayload(), "1 to " +
                ShmConfiguration.MAX_MESSAGE_LENGTH_DEFAULT / 2 + " bytes (e.g. 64k, 1m)");
        }
        range("limits.maxSubjectLength", limits.maxSubjectLength(), 1, GatewayProtocol.MAX_SUBJECT_LENGTH);
        for (int i = 0; i < jetstream.durableSubjects().size(); i++)
        {
            final String pattern = jetstream.durableSubjects().get(i);
            if (!SubjectRules.isValidPattern(pattern, limits.maxSubjectLength()))
            {
                throw invalid("jetstream.durableSubjects[" + i + "]", pattern,
                    "a NATS subject pattern (tokens separated by '.', '*' and a last '>' as wildcards)");
            }
        }
        Configuration.requireDurationRange("jetstream.publishTimeout", jetstream.publishTimeoutNs(), 1_000_000L,
            600_000_000_000L);
        for (int i = 0; i < downstreams.size(); i++)
        {
            final DownstreamConfig downstream = downstreams.get(i);
            if (downstream == null)
            {
                throw invalid("downstreams[" + i + "]", null, "a downstream with a prefix");
            }
            if (downstream.prefix() == null || !(">".equals(downstream.prefix()) ||
                SubjectRules.isValidSubject(downstream.prefix(), GatewayProtocol.MAX_SUBJECT_LENGTH)))
            {
                throw invalid("downstreams[" + i + "].prefix", downstream.prefix(),
                    "subject tokens without wildcards (e.g. orders or orders.eu), or '>' for the default downstream");
            }
            downstream.breaker().toConfig("downstreams[" + i + "].breaker");
            downstream.retry().toIntervals("downstreams[" + i + "].retry");
            range("downstreams[" + i + "].maxConcurrentCalls", downstream.maxConcurrentCalls(), 1,
                DownstreamConfig.MAX_CONCURRENT_CALLS);
        }
        if (!List.of("uid", "pid", "session").contains(rateLimits.clientKey()))
        {
            throw invalid("rateLimits.clientKey", rateLimits.clientKey(), "uid, pid or session");
        }
        range("rateLimits.perClient", rateLimits.perClient(), 0, Integer.MAX_VALUE / 4);
        range("rateLimits.total", rateLimits.total(), 0, Integer.MAX_VALUE / 4);
        Configuration.requireDurationRange("rateLimits.period", rateLimits.periodNs(), 1_000L, 3_600_000_000_000L);
        if (audit.enabled())
        {
            audit.policy();
            range("audit.maxPayload", audit.maxPayload(), 0, 65_536);
        }
        if (spool.enabled())
        {
            spool.toConfig();
        }
        else if (!SpoolSettings.FAIL_FAST.equals(spool.mode()))
        {
            throw invalid("spool.mode", spool.mode(), "fail-fast or spool");
        }
        Configuration.requireDurationRange("drainTimeout", drainTimeoutNs(), 0, 600_000_000_000L);
        if (metrics.host().isBlank())
        {
            throw invalid("metrics.host", metrics.host(), "an address to bind, e.g. 127.0.0.1 or 0.0.0.0");
        }
        range("metrics.port", metrics.port(), 0, 65_535);
        return this;
    }

    /**
     * The duty cycle's idle mode.
     *
     * @return the mode.
     */
    public IdleMode idle()
    {
        return Configuration.parseEnum("idleMode", IdleMode.class, idleMode);
    }

    /**
     * The drain timeout.
     *
     * @return nanoseconds.
     */
    public long drainTimeoutNs()
    {
        return Configuration.parseDurationNs("drainTimeout", drainTimeout);
    }

    private static void checkStore(final String key, final String path)
    {
        if (path != null && !Files.isReadable(Path.of(path)))
        {
            throw invalid(key, path, "a readable key store file");
        }
    }

    private static void range(final String key, final int value, final int min, final int max)
    {
        if (value < min || value > max)
        {
            throw invalid(key, value, min + " to " + max);
        }
    }

    private static ConfigurationException invalid(final String key, final Object value, final String valid)
    {
        return new ConfigurationException("invalid " + key + "=" + value + ": valid values are " + valid);
    }

    private static String where(final JsonProcessingException ex)
    {
        return ex.getLocation() == null ? "" : " (line " + ex.getLocation().getLineNr() + ", column " +
            ex.getLocation().getColumnNr() + ")";
    }

    private static String keyOf(final JsonMappingException ex)
    {
        final StringBuilder key = new StringBuilder();
        for (final JsonMappingException.Reference ref : ex.getPath())
        {
            if (ref.getFieldName() != null)
            {
                key.append(key.length() == 0 ? "" : ".").append(ref.getFieldName());
            }
            else if (ref.getIndex() >= 0)
            {
                key.append('[').append(ref.getIndex()).append(']');
            }
        }
        return key.length() == 0 ? "(top level)" : key.toString();
    }
}
