package io.ipcgateway.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small part of JSON the reports need: writing maps, lists, strings, numbers, booleans and null, and
 * reading them back (objects as insertion-ordered maps, numbers as {@link Double}). Not-a-number is written as
 * {@code null}, since JSON has no NaN.
 */
public final class Json
{
    private Json()
    {
    }

    /**
     * Write a value as indented JSON.
     *
     * @param value a {@link Map} with string keys, {@link List}, {@link CharSequence}, {@link Number},
     *              {@link Boolean} or null.
     * @return the text.
     */
    public static String write(final Object value)
    {
        final StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.append('\n').toString();
    }

    private static void write(final StringBuilder out, final Object value, final int depth)
    {
        if (value == null)
        {
            out.append("null");
        }
        else if (value instanceof Map<?, ?> map)
        {
            writeMap(out, map, depth);
        }
        else if (value instanceof List<?> list)
        {
            writeList(out, list, depth);
        }
        else if (value instanceof Double || value instanceof Float)
        {
            final double number = ((Number)value).doubleValue();
            if (Double.isNaN(number) || Double.isInfinite(number))
            {
                out.append("null");
            }
            else if (number == Math.rint(number) && Math.abs(number) < 1e15)
            {
                out.append((long)number);
            }
            else
            {
                out.append(number);
            }
        }
        else if (value instanceof Number || value instanceof Boolean)
        {
            out.append(value);
        }
        else
        {
            writeString(out, value.toString());
        }
    }

    private static void writeMap(final StringBuilder out, final Map<?, ?> map, final int depth)
    {
        if (map.isEmpty())
        {
            out.append("{}");
            return;
        }
        out.append("{\n");
        int i = 0;
        for (final Map.Entry<?, ?> entry : map.entrySet())
        {
            indent(out, depth + 1);
            writeString(out, entry.getKey().toString());
            out.append(": ");
            write(out, entry.getValue(), depth + 1);
            out.append(++i < map.size() ? ",\n" : "\n");
        }
        indent(out, depth);
        out.append('}');
    }

    private static void writeList(final StringBuilder out, final List<?> list, final int depth)
    {
        final boolean scalars = list.stream().noneMatch(item -> item instanceof Map || item instanceof List);
        if (scalars)
        {
            out.append('[');
            for (int i = 0; i < list.size(); i++)
            {
                write(out, list.get(i), depth);
                out.append(i + 1 < list.size() ? ", " : "");
            }
            out.append(']');
            return;
        }
        out.append("[\n");
        for (int i = 0; i < list.size(); i++)
        {
            indent(out, depth + 1);
            write(out, list.get(i), depth + 1);
            out.append(i + 1 < list.size() ? ",\n" : "\n");
        }
        indent(out, depth);
        out.append(']');
    }

    private static void indent(final StringBuilder out, final int depth)
    {
        out.append("  ".repeat(depth));
    }

    private static void writeString(final StringBuilder out, final String text)
    {
        out.append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        out.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * Read JSON text.
     *
     * @param text the JSON.
     * @return maps, lists, strings, doubles, booleans and nulls.
     * @throws IllegalArgumentException naming the position when the text is not valid JSON.
     */
    public static Object read(final String text)
    {
        final Reader reader = new Reader(text);
        final Object value = reader.value();
        reader.skipSpace();
        if (reader.pos != text.length())
        {
            throw reader.error("trailing characters");
        }
        return value;
    }

    /** A recursive-descent reader over one text. */
    private static final class Reader
    {
        private final String text;
        private int pos;

        Reader(final String text)
        {
            this.text = text;
        }

        Object value()
        {
            skipSpace();
            if (pos >= text.length())
            {
                throw error("unexpected end");
            }
            final char c = text.charAt(pos);
            if (c == '{')
            {
                return object();
            }
            if (c == '[')
            {
                return array();
            }
            if (c == '"')
            {
                return string();
            }
            if (text.startsWith("true", pos))
            {
                pos += 4;
                return Boolean.TRUE;
            }
            if (text.startsWith("false", pos))
            {
                pos += 5;
                return Boolean.FALSE;
            }
            if (text.startsWith("null", pos))
            {
                pos += 4;
                return null;
            }
            return number();
        }

        private Map<String, Object> object()
        {
            final Map<String, Object> map = new LinkedHashMap<>();
            pos++;
            skipSpace();
            if (peek() == '}')
            {
                pos++;
                return map;
            }
            while (true)
            {
                skipSpace();
                final String key = string();
                skipSpace();
                expect(':');
                map.put(key, value());
                skipSpace();
                if (peek() == ',')
                {
                    pos++;
                    continue;
                }
                expect('}');
                return map;
            }
        }

        private List<Object> array()
        {
            final List<Object> list = new ArrayList<>();
            pos++;
            skipSpace();
            if (peek() == ']')
            {
                pos++;
                return list;
            }
            while (true)
            {
                list.add(value());
                skipSpace();
                if (peek() == ',')
                {
                    pos++;
                    continue;
                }
                expect(']');
                return list;
            }
        }

        private String string()
        {
            expect('"');
            final StringBuilder out = new StringBuilder();
            while (true)
            {
                if (pos >= text.length())
                {
                    throw error("unterminated string");
                }
                final char c = text.charAt(pos++);
                if (c == '"')
                {
                    return out.toString();
                }
                if (c != '\\')
                {
                    out.append(c);
                    continue;
                }
                final char escaped = text.charAt(pos++);
                switch (escaped)
                {
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' ->
                    {
                        out.append((char)Integer.parseInt(text.substring(pos, pos + 4), 16));
                        pos += 4;
                    }
                    default -> out.append(escaped);
                }
            }
        }

        private Double number()
        {
            final int start = pos;
            while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0)
            {
                pos++;
            }
            try
            {
                return Double.valueOf(text.substring(start, pos));
            }
            catch (final NumberFormatException ex)
            {
                throw error("not a value");
            }
        }

        private char peek()
        {
            if (pos >= text.length())
            {
                throw error("unexpected end");
            }
            return text.charAt(pos);
        }

        private void expect(final char c)
        {
            if (peek() != c)
            {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        void skipSpace()
        {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos)))
            {
                pos++;
            }
        }

        IllegalArgumentException error(final String message)
        {
            return new IllegalArgumentException("invalid JSON at offset " + pos + ": " + message);
        }
    }
}
