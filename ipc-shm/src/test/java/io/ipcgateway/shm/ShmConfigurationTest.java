package io.ipcgateway.shm;

import java.nio.file.Path;

import io.ipcgateway.core.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShmConfigurationTest
{
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"echo", "orders.v2", "a-b_c", "x"})
    void shouldAcceptSafeServiceNames(final String name)
    {
        assertThat(ShmConfiguration.validateServiceName(name)).isEqualTo(name);
    }

    @Test
    void shouldRefuseUnsafeServiceNamesSayingWhy()
    {
        assertThatThrownBy(() -> ShmConfiguration.validateServiceName(""))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("non-empty");
        assertThatThrownBy(() -> ShmConfiguration.validateServiceName(null))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("non-empty");
        assertThatThrownBy(() -> ShmConfiguration.validateServiceName("a".repeat(101)))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("at most 100 characters, got 101");
        assertThatThrownBy(() -> ShmConfiguration.validateServiceName("a/b"))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("without '/'");
        assertThatThrownBy(() -> ShmConfiguration.validateServiceName(".."))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("'..'");
        assertThatThrownBy(() -> ShmConfiguration.validateServiceName("x..y"))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("'..'");
        assertThatThrownBy(() -> ShmConfiguration.validateServiceName("bad\nname"))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("control characters")
            .hasMessageContaining("code 10 at index 3");
    }

    @ParameterizedTest
    @ValueSource(longs = {1024, 4096, 65536, 1 << 20, 1 << 30})
    void shouldAcceptPowerOfTwoRingCapacities(final long capacity)
    {
        assertThat(ShmConfiguration.validateRingCapacity("ring", capacity)).isEqualTo((int)capacity);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 512, 1000, 65536 + 768, 3 << 20, 1L << 31})
    void shouldRefuseRingCapacitiesAgronaCannotUseAndListValidSizes(final long capacity)
    {
        assertThatThrownBy(() -> ShmConfiguration.validateRingCapacity("ipc.shm.client.ring.capacity", capacity))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("ipc.shm.client.ring.capacity='" + capacity + "'")
            .hasMessageContaining("power of two between 1k and 1g");
    }

    @Test
    void shouldValidateContextOnceAtConclude()
    {
        assertThatThrownBy(() -> new ClientContext().serviceName("../etc").baseDirectory(dir).conclude())
            .isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> new ServerContext().serviceName("ok").baseDirectory(dir).ringCapacity(5000)
            .conclude())
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining(ShmConfiguration.SERVER_RING_CAPACITY_PROP_NAME);
        final ServerContext context = new ServerContext().serviceName("ok").baseDirectory(dir).conclude();
        assertThat(context.serviceDirectory()).isEqualTo(dir.resolve("ok"));
        assertThat(context.ringCapacity()).isEqualTo(ShmConfiguration.SERVER_RING_CAPACITY_DEFAULT);
        assertThat(context.maxMessageLength()).isEqualTo(ShmConfiguration.MAX_MESSAGE_LENGTH_DEFAULT);
        assertThatThrownBy(context::conclude).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldTakeDefaultsFromSystemProperties()
    {
        System.setProperty(ShmConfiguration.CLIENT_RING_CAPACITY_PROP_NAME, "16k");
        System.setProperty(ShmConfiguration.REQUEST_TIMEOUT_PROP_NAME, "250ms");
        try
        {
            final ClientContext context = new ClientContext().serviceName("p").baseDirectory(dir).conclude();
            assertThat(context.ringCapacity()).isEqualTo(16 * 1024);
            assertThat(context.requestTimeoutNs()).isEqualTo(250_000_000L);
        }
        finally
        {
            System.clearProperty(ShmConfiguration.CLIENT_RING_CAPACITY_PROP_NAME);
            System.clearProperty(ShmConfiguration.REQUEST_TIMEOUT_PROP_NAME);
        }
    }

    @Test
    void shouldTakeRecordChecksumsFromSystemPropertyAndRefuseOtherThanTrueOrFalse()
    {
        assertThat(new ServerContext().serviceName("c").baseDirectory(dir).conclude().recordChecksums()).isFalse();
        System.setProperty(ShmConfiguration.RECORD_CHECKSUMS_PROP_NAME, "true");
        try
        {
            assertThat(new ServerContext().serviceName("c").baseDirectory(dir).conclude().recordChecksums()).isTrue();
            assertThat(new ServerContext().serviceName("c").baseDirectory(dir).recordChecksums(false).conclude()
                .recordChecksums()).isFalse();
            System.setProperty(ShmConfiguration.RECORD_CHECKSUMS_PROP_NAME, "yes");
            assertThatThrownBy(() -> new ServerContext().serviceName("c").baseDirectory(dir).conclude())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(ShmConfiguration.RECORD_CHECKSUMS_PROP_NAME)
                .hasMessageContaining("yes");
        }
        finally
        {
            System.clearProperty(ShmConfiguration.RECORD_CHECKSUMS_PROP_NAME);
        }
    }

    @Test
    void shouldKeepThirtyTwoClientServiceUnderEightMebibytesAtDefaults()
    {
        final long server = ChannelDescriptor.fileLength(ShmConfiguration.SERVER_RING_CAPACITY_DEFAULT, 768);
        final long client = ChannelDescriptor.fileLength(ShmConfiguration.CLIENT_RING_CAPACITY_DEFAULT, 768);
        assertThat(server + 32 * client).isLessThanOrEqualTo(8L * 1024 * 1024);
    }

    @ParameterizedTest
    @ValueSource(strings = {"quotes ", " quotes", "quo tes", "quotes!", "caf\u00e9", "a:b", "a*b"})
    void shouldRefuseServiceNamesWithCharactersOutsideLettersDigitsDashUnderscoreDotNamingTheName(final String name)
    {
        assertThatThrownBy(() -> ShmConfiguration.validateServiceName(name))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("serviceName='" + name + "'")
            .hasMessageContaining("only letters, digits, '-', '_', '.'");
        assertThatThrownBy(() -> new ServerContext().serviceName(name).baseDirectory(dir).conclude())
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("serviceName='" + name + "'");
    }

    @Test
    void shouldSayTrailingSpaceWhenServiceNameEndsWithOne()
    {
        assertThatThrownBy(() -> ShmConfiguration.validateServiceName("quotes "))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("a trailing space");
    }

    @Test
    void shouldShowDurationSettingsInHumanUnitsWhenInvalid()
    {
        assertThatThrownBy(() -> new ClientContext().serviceName("d").baseDirectory(dir).connectTimeoutNs(0).conclude())
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("connectTimeout='0 ns'")
            .hasMessageContaining("[1 ns, ");
        assertThatThrownBy(() -> new ServerContext().serviceName("d").baseDirectory(dir).maxSleepNs(10).conclude())
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("maxSleep='10 ns': expected a duration in [1 us, ");
    }

    @Test
    void shouldSayConnectTimeoutInHumanUnitsWhenServiceIsMissing()
    {
        assertThatThrownBy(() -> ShmClient.connect(new ClientContext().serviceName("absent").baseDirectory(dir)
            .connectTimeoutNs(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(50))))
            .isInstanceOf(io.ipcgateway.core.ChannelFileException.class)
            .hasMessageContaining("service not found within connectTimeout=50 ms")
            .hasMessageNotContaining("connectTimeoutNs");
    }
}
