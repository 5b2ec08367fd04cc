package io.ipcgateway.resilience.circuitbreaker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.ConfigurationException;
import io.ipcgateway.resilience.shared.SharedStateOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SharedCircuitBreakerTest
{
    @TempDir
    Path temp;

    private SharedStateOptions options()
    {
        return SharedStateOptions.builder().baseDirectory(temp.resolve("state")).build();
    }

    @Test
    void shouldShareStateAndWindowBetweenTwoMappingsOfOneFile() throws Exception
    {
        final SharedStateOptions options = options();
        try (SharedCircuitBreaker first = SharedCircuitBreaker.open("db", SharedBreakerChild.config(), options);
            SharedCircuitBreaker second = SharedCircuitBreaker.open("db", SharedBreakerChild.config(), options))
        {
            assertThat(first.isShared()).isTrue();
            assertThat(first.file().isCreator()).isTrue();
            assertThat(second.file().isCreator()).isFalse();
            first.onError(1, TimeUnit.MILLISECONDS);
            second.onError(1, TimeUnit.MILLISECONDS);
            first.onSuccess(1, TimeUnit.MILLISECONDS);
            assertThat(second.metrics().bufferedCalls()).isEqualTo(3);
            second.onSuccess(1, TimeUnit.MILLISECONDS);
            assertThat(first.state()).isEqualTo(CircuitBreakerState.OPEN);
            assertThat(second.tryAcquirePermission()).isFalse();
            assertThat(first.metrics().notPermittedCalls()).isEqualTo(1);
            assertThat(first.metrics().totalFailedCalls()).as("totals live in the file too").isEqualTo(2);
            assertThat(first.metrics().totalSuccessfulCalls()).isEqualTo(2);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.file().path())))
                .isEqualTo("rw-------");
        }
    }

    @Test
    void shouldFindTheStateWhereItWasLeftAfterEveryProcessClosedIt()
    {
        final SharedStateOptions options = options();
        try (SharedCircuitBreaker breaker = SharedCircuitBreaker.open("kept", SharedBreakerChild.config(), options))
        {
            breaker.transitionToForcedOpenState();
        }
        try (SharedCircuitBreaker again = SharedCircuitBreaker.open("kept", SharedBreakerChild.config(), options))
        {
            assertThat(again.state()).isEqualTo(CircuitBreakerState.FORCED_OPEN);
        }
        assertThat(SharedCircuitBreaker.delete("kept", options)).isTrue();
        try (SharedCircuitBreaker fresh = SharedCircuitBreaker.open("kept", SharedBreakerChild.config(), options))
        {
            assertThat(fresh.state()).isEqualTo(CircuitBreakerState.CLOSED);
        }
    }

    @Test
    void shouldRefuseToShareABreakerWithOtherSettings()
    {
        final SharedStateOptions options = options();
        try (SharedCircuitBreaker breaker = SharedCircuitBreaker.open("svc", SharedBreakerChild.config(), options))
        {
            assertThatThrownBy(() -> SharedCircuitBreaker.open("svc", CircuitBreakerConfig.from(
                SharedBreakerChild.config()).failureRateThreshold(20).build(), options))
                .isInstanceOf(ChannelFileException.class).hasMessageContaining(breaker.file().path().toString())
                .hasMessageContaining("settings mismatch");
        }
    }

    @Test
    void shouldChooseSharingPerBreakerInTheRegistry()
    {
        final SharedStateOptions options = options();
        try (CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(SharedBreakerChild.config()))
        {
            final SharedCircuitBreaker shared = registry.sharedCircuitBreaker("host-wide", options);
            final CircuitBreaker local = registry.circuitBreaker("local");
            assertThat(shared.isShared()).isTrue();
            assertThat(local.isShared()).isFalse();
            assertThat(registry.sharedCircuitBreaker("host-wide", options)).isSameAs(shared);
            assertThatThrownBy(() -> registry.circuitBreaker("host-wide")).isInstanceOf(ConfigurationException.class);
            assertThatThrownBy(() -> registry.sharedCircuitBreaker("local", options))
                .isInstanceOf(ConfigurationException.class);
        }
    }
}
