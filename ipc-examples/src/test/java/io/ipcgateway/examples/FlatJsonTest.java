package io.ipcgateway.examples;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlatJsonTest
{
    @Test
    void shouldReadBackWhatTheWriterWrote()
    {
        final String json = new JsonObjectWriter()
            .field("name", "a \"quoted\" \\ path\n\u0001")
            .field("count", 42L)
            .field("negative", -7L)
            .field("rate", 1234.5678)
            .field("ok", true)
            .field("nan", Double.NaN)
            .toString();

        final Map<String, Object> fields = FlatJson.parse(json);

        assertThat(fields.keySet()).containsExactly("name", "count", "negative", "rate", "ok", "nan");
        assertThat(fields)
            .containsEntry("name", "a \"quoted\" \\ path\n\u0001")
            .containsEntry("count", 42L)
            .containsEntry("negative", -7L)
            .containsEntry("rate", 1234.568)
            .containsEntry("ok", true)
            .containsEntry("nan", null);
    }

    @Test
    void shouldWriteDecimalsWithoutTrailingZeros()
    {
        assertThat(new JsonObjectWriter().field("a", 2.0).field("b", 0.125).toString())
            .isEqualTo("{\n  \"a\": 2.0,\n  \"b\": 0.125\n}");
    }

    @Test
    void shouldReadAnEmptyObject()
    {
        assertThat(FlatJson.parse(" { } ")).isEmpty();
        assertThat(new JsonObjectWriter().toString()).isEqualTo("{}");
    }

    @Test
    void shouldRefuseNestedValuesAndTrailingText()
    {
        assertThatThrownBy(() -> FlatJson.parse("{\"a\": [1]}"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("expected a string, number, true, false or null at position=6");
        assertThatThrownBy(() -> FlatJson.parse("{\"a\": 1} x"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("expected end of text");
        assertThatThrownBy(() -> FlatJson.parse("{\"a\": 1"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("expected ',' or '}'");
        assertThatThrownBy(() -> FlatJson.parse("{\"a\": \"open"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("closing");
    }
}
