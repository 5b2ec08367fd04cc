package io.ipcgateway.resilience.circuitbreaker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.ipcgateway.core.ConfigurationException;
import io.ipcgateway.resilience.shared.SharedStateOptions;

/**
 * Breakers by name, made on first use with the registry's default config (or a given one). Whether a breaker is
 * shared between processes is chosen per breaker: {@link #circuitBreaker} makes an in-process one,
 * {@link #sharedCircuitBreaker} opens the host-wide one of that name. {@link #close()} unmaps the shared ones.
 */
public final class CircuitBreakerRegistry implements AutoCloseable
{
    private final CircuitBreakerConfig defaultConfig;
    private final ConcurrentMap<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

    private CircuitBreakerRegistry(final CircuitBreakerConfig defaultConfig)
    {
        this.defaultConfig = Objects.requireNonNull(defaultConfig, "defaultConfig");
    }

    /**
     * A registry whose default config is {@link CircuitBreakerConfig#ofDefaults()}.
     *
     * @return the registry.
     */
    public static CircuitBreakerRegistry ofDefaults()
    {
        return new CircuitBreakerRegistry(CircuitBreakerConfig.ofDefaults());
    }

    /**
     * A registry with a default config.
     *
     * @param defaultConfig the config of breakers made without one.
     * @return the registry.
     */
    public static CircuitBreakerRegistry of(final CircuitBreakerConfig defaultConfig)
    {
        return new CircuitBreakerRegistry(defaultConfig);
    }

    /**
     * The default config.
     *
     * @return the config.
     */
    public CircuitBreakerConfig defaultConfig()
    {
        return defaultConfig;
    }

    /**
     * The in-process breaker of this name, made with the default config on first use.
     *
     * @param name the name.
     * @return the breaker.
     */
    public CircuitBreaker circuitBreaker(final String name)
    {
        return circuitBreaker(name, defaultConfig);
    }

    /**
     * The in-process breaker of this name, made with this config on first use (an existing one is returned as is).
     *
     * @param name   the name.
     * @param config the config for a new breaker.
     * @return the breaker.
     * @throws ConfigurationException when the name belongs to a shared breaker.
     */
    public CircuitBreaker circuitBreaker(final String name, final CircuitBreakerConfig config)
    {
        final CircuitBreaker breaker = breakers.computeIfAbsent(name, key -> CircuitBreaker.of(key, config));
        if (breaker.isShared())
        {
            throw new ConfigurationException("circuitBreaker=" + name + " is registered as a shared breaker: use "
                + "sharedCircuitBreaker(name, ...) or another name");
        }
        return breaker;
    }

    /**
     * The shared breaker of this name, opened with the default config on first use.
     *
     * @param name    the name (also its file name).
     * @param options where the file lives.
     * @return the breaker.
     */
    public SharedCircuitBreaker sharedCircuitBreaker(final String name, final SharedStateOptions options)
    {
        return sharedCircuitBreaker(name, defaultConfig, options);
    }

    /**
     * The shared breaker of this name, opened with this config on first use.
     *
     * @param name    the name (also its file name).
     * @param config  the config, the same in every sharing process.
     * @param options where the file lives.
     * @return the breaker.
     * @throws ConfigurationException when the name belongs to an in-process breaker.
     */
    public SharedCircuitBreaker sharedCircuitBreaker(
        final String name, final CircuitBreakerConfig config, final SharedStateOptions options)
    {
        final CircuitBreaker breaker =
            breakers.computeIfAbsent(name, key -> SharedCircuitBreaker.open(key, config, options));
        if (!breaker.isShared())
        {
            throw new ConfigurationException("circuitBreaker=" + name + " is registered as an in-process breaker: "
                + "use circuitBreaker(name) or another name");
        }
        return (SharedCircuitBreaker)breaker;
    }

    /**
     * The breaker of this name, if made.
     *
     * @param name the name.
     * @return the breaker or empty.
     */
    public Optional<CircuitBreaker> find(final String name)
    {
        return Optional.ofNullable(breakers.get(name));
    }

    /**
     * Every breaker made so far.
     *
     * @return a snapshot of them.
     */
    public Collection<CircuitBreaker> all()
    {
        return Collections.unmodifiableList(new ArrayList<>(breakers.values()));
    }

    /**
     * Forgets a breaker (closing it when shared).
     *
     * @param name the name.
     * @return the breaker removed, if any.
     */
    public Optional<CircuitBreaker> remove(final String name)
    {
        final CircuitBreaker breaker = breakers.remove(name);
        if (breaker instanceof SharedCircuitBreaker)
        {
            ((SharedCircuitBreaker)breaker).close();
        }
        return Optional.ofNullable(breaker);
    }

    /**
     * Closes every shared breaker and forgets every breaker.
     */
    @Override
    public void close()
    {
        for (final String name : new ArrayList<>(breakers.keySet()))
        {
            remove(name);
        }
    }
}
