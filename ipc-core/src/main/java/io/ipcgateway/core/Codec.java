package io.ipcgateway.core;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Turns values of one type into the bytes of a message and back, for typed calls such as
 * {@code client.call(QUOTE, "AAPL", Codecs.utf8(), Codecs.int64())}. Ready-made codecs are in {@link Codecs}.
 * <p>
 * Implementations must be stateless (or thread-safe): one codec is shared by every thread that calls.
 *
 * @param <T> the type encoded.
 */
public interface Codec<T>
{
    /**
     * Writes a value.
     *
     * @param value  the value, never null unless the codec documents it.
     * @param buffer where to write; it expands as needed when it is expandable (the transport passes one that is).
     * @param offset where the value starts.
     * @return the number of bytes written.
     */
    int encode(T value, MutableDirectBuffer buffer, int offset);

    /**
     * Reads a value from a view that is only valid during the call.
     *
     * @param buffer buffer holding the bytes.
     * @param offset offset of the first byte.
     * @param length number of bytes.
     * @return the value.
     * @throws CodecException when the bytes are not a value of this type.
     */
    T decode(DirectBuffer buffer, int offset, int length);
}
