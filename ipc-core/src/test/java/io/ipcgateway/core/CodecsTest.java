package io.ipcgateway.core;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CodecsTest
{
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4);

    @Test
    void shouldRoundTripEveryCodecAtAnOffsetInAnExpandingBuffer()
    {
        assertThat(roundTrip(Codecs.utf8(), "AAPL \u00e9\u20ac")).isEqualTo("AAPL \u00e9\u20ac");
        assertThat(roundTrip(Codecs.int64(), -123_456_789_012L)).isEqualTo(-123_456_789_012L);
        assertThat(roundTrip(Codecs.int32(), 42)).isEqualTo(42);
        assertThat(roundTrip(Codecs.float64(), 187.25)).isEqualTo(187.25);
        assertThat(roundTrip(Codecs.bytes(), new byte[] {1, 2, 3})).containsExactly(1, 2, 3);
    }

    @Test
    void shouldWriteNumbersLittleEndian()
    {
        assertThat(Codecs.int32().encode(0x01020304, buffer, 0)).isEqualTo(4);
        assertThat(buffer.getByte(0)).isEqualTo((byte)4);
        assertThat(buffer.getByte(3)).isEqualTo((byte)1);
    }

    @Test
    void shouldNameCodecAndLengthsWhenBytesAreNotAValue()
    {
        buffer.putInt(0, 7);
        assertThatThrownBy(() -> Codecs.int64().decode(buffer, 0, 3))
            .isInstanceOf(CodecException.class)
            .isInstanceOf(IpcException.class)
            .hasMessage("cannot decode with Codecs.int64(): length=3, expected=8");
    }

    private <T> T roundTrip(final Codec<T> codec, final T value)
    {
        final int length = codec.encode(value, buffer, 5);
        return codec.decode(buffer, 5, length);
    }
}
