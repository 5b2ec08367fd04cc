package io.ipcgateway.bench.report;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

/**
 * The reports' JSON, through Jackson: maps, lists, strings, numbers, booleans and null, written indented and read
 * back as insertion-ordered maps, lists and {@link Number}s. Not-a-number and infinities are written as
 * {@code null}, since JSON has neither; a whole-valued double is written without a fraction ({@code 5}, not
 * {@code 5.0}), as the reports always were.
 */
public final class Json
{
    private static final ObjectMapper MAPPER = new ObjectMapper()
        .registerModule(new SimpleModule("ipc-bench-report").addSerializer(Double.class, new DoubleSerializer()));
    private static final ObjectWriter WRITER = MAPPER.writer(new DefaultPrettyPrinter()
        .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

    private Json()
    {
    }

    /**
     * Write a value as indented JSON.
     *
     * @param value a {@link Map} with string keys, {@link List}, {@link CharSequence}, {@link Number},
     *              {@link Boolean} or null.
     * @return the text, ending with a line break.
     */
    public static String write(final Object value)
    {
        try
        {
            return WRITER.writeValueAsString(value) + "\n";
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalArgumentException("cannot write as JSON: " + ex.getOriginalMessage(), ex);
        }
    }

    /**
     * Read JSON text.
     *
     * @param text the JSON.
     * @return maps, lists, strings, numbers ({@link Integer}, {@link Long} or {@link Double}), booleans and nulls.
     * @throws IllegalArgumentException naming the line and column when the text is not valid JSON.
     */
    public static Object read(final String text)
    {
        try
        {
            return MAPPER.readValue(text, Object.class);
        }
        catch (final JsonProcessingException ex)
        {
            final JsonLocation where = ex.getLocation();
            throw new IllegalArgumentException("invalid JSON"
                + (where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr()) + ": "
                + ex.getOriginalMessage(), ex);
        }
    }

    /** NaN and infinities as null; whole values below 10^15 without a fraction. */
    private static final class DoubleSerializer extends StdSerializer<Double>
    {
        private static final long serialVersionUID = 1L;

        DoubleSerializer()
        {
            super(Double.class);
        }

        @Override
        public void serialize(final Double value, final JsonGenerator generator, final SerializerProvider provider)
            throws IOException
        {
            final double number = value;
            if (Double.isNaN(number) || Double.isInfinite(number))
            {
                generator.writeNull();
            }
            else if (number == Math.rint(number) && Math.abs(number) < 1e15)
            {
                generator.writeNumber((long)number);
            }
            else
            {
                generator.writeNumber(number);
            }
        }
    }
}
