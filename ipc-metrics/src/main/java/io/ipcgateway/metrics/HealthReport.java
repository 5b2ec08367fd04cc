package io.ipcgateway.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.ipcgateway.core.health.Health;
import io.ipcgateway.core.health.HealthIndicator;
import io.ipcgateway.core.health.HealthStatus;

/**
 * The overall health of a process: each component's reading and the worst status among them.
 * <p>
 * An indicator that throws is reported {@link HealthStatus#DOWN} with the error's message, so one broken
 * component cannot hide the others. A process with no components is {@link HealthStatus#UP}.
 */
public final class HealthReport
{
    private final HealthStatus status;
    private final Map<String, Health> components;

    private HealthReport(final HealthStatus status, final Map<String, Health> components)
    {
        this.status = status;
        this.components = Collections.unmodifiableMap(components);
    }

    /**
     * Reads every indicator now.
     *
     * @param indicators the components, in the order they are shown.
     * @return the report.
     */
    public static HealthReport of(final List<? extends HealthIndicator> indicators)
    {
        HealthStatus overall = HealthStatus.UP;
        final Map<String, Health> components = new LinkedHashMap<>();
        for (final HealthIndicator indicator : indicators)
        {
            Health health;
            try
            {
                health = indicator.health();
            }
            catch (final RuntimeException ex)
            {
                health = Health.of(HealthStatus.DOWN, Map.of("error", String.valueOf(ex)));
            }
            components.put(indicator.name(), health);
            overall = overall.worst(health.status());
        }
        return new HealthReport(overall, components);
    }

    /**
     * An indicator that reports a failure to read a component as {@link HealthStatus#DOWN}.
     *
     * @param name  the component's name.
     * @param error what failed.
     * @return the indicator.
     */
    static HealthIndicator failed(final String name, final RuntimeException error)
    {
        return HealthIndicator.of(name, Health.of(HealthStatus.DOWN, Map.of("error", String.valueOf(error))));
    }

    /**
     * The worst status of all components.
     *
     * @return the overall status.
     */
    public HealthStatus status()
    {
        return status;
    }

    /**
     * Each component's reading by name.
     *
     * @return the components, in the order of the indicators.
     */
    public Map<String, Health> components()
    {
        return components;
    }

    /**
     * The HTTP status code a health endpoint answers with: 200 while serving (up or degraded), 503 when down.
     *
     * @return 200 or 503.
     */
    public int httpStatus()
    {
        return status == HealthStatus.DOWN ? 503 : 200;
    }

    /**
     * The report as JSON: {@code {"status":"UP","components":{"name":{"status":"UP","details":{...}}}}}.
     *
     * @return the JSON text.
     */
    public String toJson()
    {
        final StringBuilder json = new StringBuilder(256);
        json.append("{\"status\":\"").append(status).append("\",\"components\":{");
        final List<String> names = new ArrayList<>(components.keySet());
        for (int i = 0; i < names.size(); i++)
        {
            final Health health = components.get(names.get(i));
            if (i > 0)
            {
                json.append(',');
            }
            appendString(json, names.get(i));
            json.append(":{\"status\":\"").append(health.status()).append("\",\"details\":{");
            boolean first = true;
            for (final Map.Entry<String, Object> detail : health.details().entrySet())
            {
                if (!first)
                {
                    json.append(',');
                }
                first = false;
                appendString(json, detail.getKey());
                json.append(':');
                appendValue(json, detail.getValue());
            }
            json.append("}}");
        }
        return json.append("}}").toString();
    }

    private static void appendValue(final StringBuilder json, final Object value)
    {
        if (value instanceof Double || value instanceof Float)
        {
            final double d = ((Number)value).doubleValue();
            if (Double.isFinite(d))
            {
                json.append(d);
            }
            else
            {
                json.append("null");
            }
        }
        else if (value instanceof Number || value instanceof Boolean)
        {
            json.append(value);
        }
        else
        {
            appendString(json, String.valueOf(value));
        }
    }

    private static void appendString(final StringBuilder json, final String s)
    {
        json.append('"');
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            switch (c)
            {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        json.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
