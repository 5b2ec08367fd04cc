package io.ipcgateway.examples;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a flat JSON object, as {@link JsonObjectWriter} writes it, into a map of field names to values.
 * <p>
 * Values become {@link String}, {@link Long} (whole numbers), {@link Double} (other numbers), {@link Boolean}
 * or {@code null}. Nested objects and arrays are refused: the demo reads the client's report with this, and
 * a report is flat by design.
 */
public final class FlatJson
{
    private final String text;
    private int position;

    private FlatJson(final String text)
    {
        this.text = text;
    }

    /**
     * Parses one flat JSON object.
     *
     * @param text the JSON text.
     * @return the fields in their order.
     * @throws IllegalArgumentException when the text is not a flat JSON object; the message gives the position.
     */
    public static Map<String, Object> parse(final String text)
    {
        return new FlatJson(text).object();
    }

    private Map<String, Object> object()
    {
        final Map<String, Object> fields = new LinkedHashMap<>();
        expect('{');
        if (peek() == '}')
        {
            position++;
        }
        else
        {
            while (true)
            {
                final String name = string();
                expect(':');
                fields.put(name, value());
                final char next = next();
                if (next == '}')
                {
                    break;
                }
                if (next != ',')
                {
                    throw error("',' or '}'");
                }
            }
        }
        if (peek() != 0)
        {
            throw error("end of text");
        }
        return fields;
    }

    private Object value()
    {
        final char c = peek();
        if (c == '"')
        {
            return string();
        }
        if (c == '-' || (c >= '0' && c <= '9'))
        {
            return number();
        }
        for (final String word : new String[] {"true", "false", "null"})
        {
            if (text.startsWith(word, position))
            {
                position += word.length();
                return "null".equals(word) ? null : Boolean.valueOf(word);
            }
        }
        throw error("a string, number, true, false or null");
    }

    private Object number()
    {
        final int start = position;
        while (position < text.length() && "+-0123456789.eE".indexOf(text.charAt(position)) >= 0)
        {
            position++;
        }
        final String digits = text.substring(start, position);
        try
        {
            if (digits.indexOf('.') < 0 && digits.indexOf('e') < 0 && digits.indexOf('E') < 0)
            {
                return Long.valueOf(digits);
            }
            return Double.valueOf(digits);
        }
        catch (final NumberFormatException ex)
        {
            position = start;
            throw error("a number");
        }
    }

    private String string()
    {
        expect('"');
        final StringBuilder value = new StringBuilder();
        while (position < text.length())
        {
            final char c = text.charAt(position++);
            if (c == '"')
            {
                return value.toString();
            }
            if (c != '\\')
            {
                value.append(c);
                continue;
            }
            if (position >= text.length())
            {
                break;
            }
            final char escaped = text.charAt(position++);
            switch (escaped)
            {
                case 'n' -> value.append('\n');
                case 'r' -> value.append('\r');
                case 't' -> value.append('\t');
                case 'b' -> value.append('\b');
                case 'f' -> value.append('\f');
                case 'u' ->
                {
                    if (position + 4 > text.length())
                    {
                        throw error("four hex digits");
                    }
                    try
                    {
                        value.append((char)Integer.parseInt(text.substring(position, position + 4), 16));
                    }
                    catch (final NumberFormatException ex)
                    {
                        throw error("four hex digits");
                    }
                    position += 4;
                }
                default -> value.append(escaped);
            }
        }
        throw error("a closing '\"'");
    }

    private void expect(final char expected)
    {
        if (next() != expected)
        {
            position--;
            throw error("'" + expected + "'");
        }
    }

    private char next()
    {
        final char c = peek();
        position++;
        return c;
    }

    private char peek()
    {
        while (position < text.length() && Character.isWhitespace(text.charAt(position)))
        {
            position++;
        }
        return position < text.length() ? text.charAt(position) : 0;
    }

    private IllegalArgumentException error(final String expected)
    {
        return new IllegalArgumentException("invalid JSON: expected " + expected + " at position="
            + Math.max(0, Math.min(position, text.length())));
    }
}
