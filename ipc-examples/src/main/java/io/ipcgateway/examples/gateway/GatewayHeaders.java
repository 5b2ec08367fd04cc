package io.ipcgateway.examples.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Headers of a message to send through the gateway, carried into NATS headers: name/value pairs in order, names
 * printable ASCII without {@code :}, values without CR or LF. Mutable and reusable ({@link #clear()}): one per thread,
 * not thread-safe. {@link #traceId(String)} sets the {@value GatewayProtocol#TRACE_ID_HEADER} header.
 */
public final class GatewayHeaders
{
    private final List<String> names = new ArrayList<>(4);
    private final List<String> values = new ArrayList<>(4);

    /**
     * Adds a header (a name may repeat).
     *
     * @param name  the name, 1 to {@value GatewayProtocol#MAX_HEADER_NAME_LENGTH} printable ASCII characters, no
     *              {@code :}.
     * @param value the value, no CR or LF.
     * @return this.
     * @throws IllegalArgumentException when the name or value is not allowed.
     */
    public GatewayHeaders add(final String name, final String value)
    {
        if (name == null || name.isEmpty() || name.length() > GatewayProtocol.MAX_HEADER_NAME_LENGTH)
        {
            throw new IllegalArgumentException("header name must be 1 to " + GatewayProtocol.MAX_HEADER_NAME_LENGTH +
                " characters: name=" + name);
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (c <= ' ' || c > '~' || c == ':')
            {
                throw new IllegalArgumentException("header name must be printable ASCII without ':': name=" + name);
            }
        }
        if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0)
        {
            throw new IllegalArgumentException("header value must not be null or hold CR/LF: name=" + name);
        }
        names.add(name);
        values.add(value);
        return this;
    }

    /**
     * Sets the trace id header, replacing an earlier one.
     *
     * @param traceId the trace id.
     * @return this.
     */
    public GatewayHeaders traceId(final String traceId)
    {
        remove(GatewayProtocol.TRACE_ID_HEADER);
        return add(GatewayProtocol.TRACE_ID_HEADER, traceId);
    }

    /**
     * The first value of a header.
     *
     * @param name the name (case-sensitive).
     * @return the value, or null.
     */
    public String get(final String name)
    {
        final int index = names.indexOf(name);
        return index < 0 ? null : values.get(index);
    }

    /**
     * Removes every header of a name.
     *
     * @param name the name.
     * @return this.
     */
    public GatewayHeaders remove(final String name)
    {
        for (int i = names.size() - 1; i >= 0; i--)
        {
            if (names.get(i).equals(name))
            {
                names.remove(i);
                values.remove(i);
            }
        }
        return this;
    }

    /**
     * Removes every header, to reuse this object.
     *
     * @return this.
     */
    public GatewayHeaders clear()
    {
        names.clear();
        values.clear();
        return this;
    }

    /**
     * Number of headers.
     *
     * @return the count.
     */
    public int size()
    {
        return names.size();
    }

    /**
     * Name of the header at an index.
     *
     * @param index 0 to {@link #size()} - 1.
     * @return the name.
     */
    public String name(final int index)
    {
        return names.get(index);
    }

    /**
     * Value of the header at an index.
     *
     * @param index 0 to {@link #size()} - 1.
     * @return the value.
     */
    public String value(final int index)
    {
        return values.get(index);
    }

    /**
     * Calls {@code action} for each header in order.
     *
     * @param action receives name and value.
     */
    public void forEach(final BiConsumer<String, String> action)
    {
        for (int i = 0; i < names.size(); i++)
        {
            action.accept(names.get(i), values.get(i));
        }
    }

    @Override
    public String toString()
    {
        final StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < names.size(); i++)
        {
            out.append(i == 0 ? "" : ", ").append(names.get(i)).append('=').append(values.get(i));
        }
        return out.append('}').toString();
    }
}
