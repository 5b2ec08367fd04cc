package io.ipcgateway.examples;

import java.util.Locale;

/**
 * Writes one flat JSON object (string, number and boolean fields) in the order the fields are added.
 * <p>
 * The reports are flat on purpose, so scripts and {@link FlatJson} can read them without a JSON library.
 */
public final class JsonObjectWriter
{
    private final StringBuilder text = new StringBuilder("{");

    /**
     * Adds a text field.
     *
     * @param name  the field name.
     * @param value the value, escaped as JSON requires.
     * @return this writer.
     */
    public JsonObjectWriter field(final String name, final String value)
    {
        key(name);
        quote(value);
        return this;
    }

    /**
     * Adds a whole number field.
     *
     * @param name  the field name.
     * @param value the value.
     * @return this writer.
     */
    public JsonObjectWriter field(final String name, final long value)
    {
        key(name);
        text.append(value);
        return this;
    }

    /**
     * Adds a decimal field, written with up to three decimals; NaN and infinities, which JSON cannot hold,
     * become {@code null}.
     *
     * @param name  the field name.
     * @param value the value.
     * @return this writer.
     */
    public JsonObjectWriter field(final String name, final double value)
    {
        key(name);
        if (Double.isNaN(value) || Double.isInfinite(value))
        {
            text.append("null");
        }
        else
        {
            String formatted = String.format(Locale.ROOT, "%.3f", value);
            formatted = formatted.replaceAll("0+$", "");
            text.append(formatted.endsWith(".") ? formatted + "0" : formatted);
        }
        return this;
    }

    /**
     * Adds a boolean field.
     *
     * @param name  the field name.
     * @param value the value.
     * @return this writer.
     */
    public JsonObjectWriter field(final String name, final boolean value)
    {
        key(name);
        text.append(value);
        return this;
    }

    /**
     * The object written so far, closed.
     *
     * @return the JSON text, without a trailing line break.
     */
    @Override
    public String toString()
    {
        return text + (text.length() == 1 ? "}" : "\n}");
    }

    private void key(final String name)
    {
        text.append(text.length() == 1 ? "\n  " : ",\n  ");
        quote(name);
        text.append(": ");
    }

    private void quote(final String value)
    {
        text.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        text.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
                    }
                    else
                    {
                        text.append(c);
                    }
                }
            }
        }
        text.append('"');
    }
}
