package io.ipcgateway.examples.gateway;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayFrameTest
{
    @Test
    void shouldReadBackWhatWasEncoded()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        final GatewayHeaders headers = new GatewayHeaders().traceId("trace-1").add("X-Other", "v\u00e4lue");
        final byte[] payload = "hello".getBytes(StandardCharsets.UTF_8);
        final int head = GatewayFrame.encodeHead(buffer, 8, 42, "orders.eu", "_INBOX.1", headers);
        buffer.putBytes(8 + head, payload);
        final int length = head + payload.length;
        assertThat(length).isEqualTo(GatewayFrame.frameLength("orders.eu", "_INBOX.1", headers, payload.length));

        final GatewayFrame frame = new GatewayFrame();
        assertThat(frame.wrap(buffer, 8, length)).isTrue();
        assertThat(frame.argument()).isEqualTo(42);
        assertThat(frame.subject()).isEqualTo("orders.eu");
        assertThat(frame.replyTo()).isEqualTo("_INBOX.1");
        final List<String> seen = new ArrayList<>();
        assertThat(frame.readHeaders((name, value) -> seen.add(name + "=" + value))).isTrue();
        assertThat(seen).containsExactly(GatewayProtocol.TRACE_ID_HEADER + "=trace-1", "X-Other=v\u00e4lue");
        assertThat(new String(frame.payloadBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
    }

    @Test
    void shouldReadAFrameWithoutReplyHeadersOrPayload()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        final int length = GatewayFrame.encodeHead(buffer, 0, 0, "a", null, null);
        final GatewayFrame frame = new GatewayFrame();
        assertThat(frame.wrap(buffer, 0, length)).isTrue();
        assertThat(frame.replyTo()).isNull();
        assertThat(frame.hasHeaders()).isFalse();
        assertThat(frame.payloadLength()).isZero();
    }

    @Test
    void shouldRefuseFramesWhoseLengthsDoNotFit()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        final int length = GatewayFrame.encodeHead(buffer, 0, 0, "orders", null, null);
        final GatewayFrame frame = new GatewayFrame();
        assertThat(frame.wrap(buffer, 0, length - 1)).isFalse();
        assertThat(frame.wrap(buffer, 0, GatewayFrame.HEADER_LENGTH - 1)).isFalse();
    }

    @Test
    void shouldRefuseHeaderNamesAndValuesNatsCannotCarry()
    {
        final GatewayHeaders headers = new GatewayHeaders();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> headers.add("a:b", "v"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name=a:b");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> headers.add("a", "x\r\ny"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CR/LF");
    }
}
