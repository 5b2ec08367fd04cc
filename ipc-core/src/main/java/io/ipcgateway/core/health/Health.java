package io.ipcgateway.core.health;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable health reading of one component: its status and a few details worth showing an operator
 * (heartbeat age, ring occupancy, ...). Detail values are strings, numbers or booleans.
 */
public final class Health
{
    private final HealthStatus status;
    private final Map<String, Object> details;

    private Health(final HealthStatus status, final Map<String, Object> details)
    {
        this.status = Objects.requireNonNull(status, "status");
        this.details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /**
     * A reading with the given status and no details.
     *
     * @param status the component's status.
     * @return the reading.
     */
    public static Health of(final HealthStatus status)
    {
        return new Health(status, Map.of());
    }

    /**
     * A reading with the given status and details, kept in the order given.
     *
     * @param status  the component's status.
     * @param details detail name to value (string, number or boolean).
     * @return the reading.
     * @throws IllegalArgumentException if a value is not a string, number or boolean.
     */
    public static Health of(final HealthStatus status, final Map<String, ?> details)
    {
        final Map<String, Object> copy = new LinkedHashMap<>();
        details.forEach((name, value) ->
        {
            if (!(value instanceof String || value instanceof Number || value instanceof Boolean))
            {
                throw new IllegalArgumentException("health detail must be a string, number or boolean: detail="
                    + name + ", type=" + (value == null ? "null" : value.getClass().getName()));
            }
            copy.put(Objects.requireNonNull(name, "detail name"), value);
        });
        return new Health(status, copy);
    }

    /**
     * The component's status.
     *
     * @return the status.
     */
    public HealthStatus status()
    {
        return status;
    }

    /**
     * The details, in insertion order.
     *
     * @return an unmodifiable map of detail name to value.
     */
    public Map<String, Object> details()
    {
        return details;
    }

    @Override
    public String toString()
    {
        return status + " " + details;
    }
}
