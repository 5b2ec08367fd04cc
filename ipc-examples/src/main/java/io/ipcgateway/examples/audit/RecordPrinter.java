package io.ipcgateway.examples.audit;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ipcgateway.audit.AuditRecordHandler;
import org.agrona.DirectBuffer;

/**
 * Prints records as {@code dump} and {@code tail} show them: one line each, as text or as one JSON object. The
 * payload is shown as UTF-8 when it is printable UTF-8 and as hex otherwise ({@code --payload auto}), or always one
 * way. Records the {@link AuditTap} wrote also show who sent them (pid, uid, session, correlation id, type id).
 */
final class RecordPrinter implements AuditRecordHandler
{
    /** How payloads are shown. */
    enum PayloadFormat
    {
        /** UTF-8 when printable, else hex. */
        auto,
        /** Always hex. */
        hex,
        /** Always UTF-8 (malformed bytes replaced). */
        utf8
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintWriter out;
    private final boolean json;
    private final PayloadFormat format;
    private long printed;

    RecordPrinter(final PrintWriter out, final boolean json, final PayloadFormat format)
    {
        this.out = out;
        this.json = json;
        this.format = format;
    }

    long printed()
    {
        return printed;
    }

    @Override
    public void onRecord(final int type, final int flags, final long timestamp, final long sequence,
        final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] payload = new byte[length];
        buffer.getBytes(offset, payload);
        final TapRecord tap = TapRecord.decode(type, payload);
        final byte[] body = tap != null ? tap.body() : payload;
        final boolean utf8 = format == PayloadFormat.utf8 || format == PayloadFormat.auto && isPrintableUtf8(body);
        final String shown = utf8 ? new String(body, StandardCharsets.UTF_8) : hex(body);
        if (json)
        {
            final Map<String, Object> object = new LinkedHashMap<>();
            object.put("sequence", sequence);
            object.put("timestamp", timestamp);
            object.put("time", time(timestamp));
            object.put("type", type);
            object.put("flags", flags);
            object.put("length", length);
            if (tap != null)
            {
                tap.describe(object);
            }
            object.put(utf8 ? "utf8" : "hex", shown);
            try
            {
                out.println(JSON.writeValueAsString(object));
            }
            catch (final JsonProcessingException ex)
            {
                throw new IllegalStateException("cannot write record " + sequence + " as JSON", ex);
            }
        }
        else
        {
            out.printf("%d %s type=%d flags=%d length=%d%s %s=%s%n", sequence, time(timestamp), type, flags, length,
                tap != null ? " " + tap : "", utf8 ? "utf8" : "hex", utf8 ? quote(shown) : shown);
        }
        printed++;
    }

    static String time(final long epochNanos)
    {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos,
            1_000_000_000L)).toString();
    }

    static String hex(final byte[] bytes)
    {
        final char[] chars = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++)
        {
            chars[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
            chars[2 * i + 1] = HEX[bytes[i] & 0xF];
        }
        return new String(chars);
    }

    static boolean isPrintableUtf8(final byte[] bytes)
    {
        final String text;
        try
        {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        }
        catch (final CharacterCodingException ex)
        {
            return false;
        }
        return text.codePoints().allMatch(c -> c == '\n' || c == '\t' || c == '\r' || !Character.isISOControl(c));
    }

    private static String quote(final String text)
    {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r")
            .replace("\t", "\\t") + '"';
    }
}
