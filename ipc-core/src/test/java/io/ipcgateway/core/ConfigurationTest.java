package io.ipcgateway.core;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigurationTest
{
    @Test
    void shouldParseSizesWithBinarySuffixes()
    {
        assertThat(Configuration.parseSize("s", "4096")).isEqualTo(4096);
        assertThat(Configuration.parseSize("s", "64k")).isEqualTo(65536);
        assertThat(Configuration.parseSize("s", "64K")).isEqualTo(65536);
        assertThat(Configuration.parseSize("s", "16m")).isEqualTo(16L * 1024 * 1024);
        assertThat(Configuration.parseSize("s", " 2g ")).isEqualTo(2L * 1024 * 1024 * 1024);
    }

    @Test
    void shouldParseDurationsIntoNanoseconds()
    {
        assertThat(Configuration.parseDurationNs("d", "250")).isEqualTo(250);
        assertThat(Configuration.parseDurationNs("d", "250ns")).isEqualTo(250);
        assertThat(Configuration.parseDurationNs("d", "20us")).isEqualTo(TimeUnit.MICROSECONDS.toNanos(20));
        assertThat(Configuration.parseDurationNs("d", "10ms")).isEqualTo(TimeUnit.MILLISECONDS.toNanos(10));
        assertThat(Configuration.parseDurationNs("d", "5s")).isEqualTo(TimeUnit.SECONDS.toNanos(5));
        assertThat(Configuration.parseDurationNs("d", "2m")).isEqualTo(TimeUnit.MINUTES.toNanos(2));
    }

    @Test
    void shouldNameSettingValueAndValidFormsWhenSizeIsInvalid()
    {
        assertThatThrownBy(() -> Configuration.parseSize("ipc.ring.size", "12q"))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("ipc.ring.size='12q'")
            .hasMessageContaining("64k");
        assertThatThrownBy(() -> Configuration.parseSize("ipc.ring.size", "-1k"))
            .isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> Configuration.parseSize("ipc.ring.size", ""))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("non-empty");
        assertThatThrownBy(() -> Configuration.parseSize("ipc.ring.size", "9999999999999g"))
            .isInstanceOf(ConfigurationException.class);
    }

    @Test
    void shouldRefuseInvalidDuration()
    {
        assertThatThrownBy(() -> Configuration.parseDurationNs("ipc.timeout", "ten seconds"))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("ipc.timeout='ten seconds'")
            .hasMessageContaining("10ms");
    }

    @Test
    void shouldUseSystemPropertyWhenSetAndDefaultOtherwise()
    {
        final String name = "ipc.test.size." + System.nanoTime();
        assertThat(Configuration.sizeProperty(name, 7)).isEqualTo(7);
        System.setProperty(name, "8k");
        try
        {
            assertThat(Configuration.sizeProperty(name, 7)).isEqualTo(8192);
        }
        finally
        {
            System.clearProperty(name);
        }
    }

    @Test
    void shouldParseEnumCaseInsensitiveAndListValidValuesOtherwise()
    {
        assertThat(Configuration.parseEnum("mode", IdleMode.class, "block")).isEqualTo(IdleMode.BLOCK);
        assertThatThrownBy(() -> Configuration.parseEnum("mode", IdleMode.class, "sleepy"))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("one of spin yield backoff block");
    }

    @Test
    void shouldRefuseValueOutsideRange()
    {
        assertThat(Configuration.requireRange("n", 5, 1, 10)).isEqualTo(5);
        assertThatThrownBy(() -> Configuration.requireRange("clients", 0, 1, 10))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("clients='0'")
            .hasMessageContaining("[1, 10]");
    }
}
