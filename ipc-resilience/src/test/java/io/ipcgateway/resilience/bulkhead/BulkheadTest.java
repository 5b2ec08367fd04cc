package io.ipcgateway.resilience.bulkhead;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.ipcgateway.core.ConfigurationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BulkheadTest
{
    @Test
    void shouldAdmitMaxConcurrentCallsAndRefuseTheNextUntilOneCompletes()
    {
        final Bulkhead bulkhead = Bulkhead.of("b", BulkheadConfig.custom().maxConcurrentCalls(2).build());
        assertThat(bulkhead.tryAcquirePermission()).isTrue();
        assertThat(bulkhead.tryAcquirePermission()).isTrue();
        assertThat(bulkhead.availableConcurrentCalls()).isZero();
        assertThat(bulkhead.tryAcquirePermission()).isFalse();
        assertThatThrownBy(bulkhead::acquirePermission).isSameAs(bulkhead.fullException())
            .hasMessageContaining("bulkhead=b");
        bulkhead.onComplete();
        assertThat(bulkhead.tryAcquirePermission()).isTrue();
    }

    @Test
    void shouldLetACallerWaitForASlotUpToMaxWait() throws Exception
    {
        final Bulkhead bulkhead = Bulkhead.of("b", BulkheadConfig.custom().maxConcurrentCalls(1)
            .maxWaitDuration(Duration.ofSeconds(30)).build());
        assertThat(bulkhead.tryAcquirePermission()).isTrue();
        final AtomicBoolean got = new AtomicBoolean();
        final CountDownLatch done = new CountDownLatch(1);
        final Thread waiter = new Thread(() ->
        {
            got.set(bulkhead.tryAcquirePermission());
            done.countDown();
        });
        waiter.start();
        assertThat(done.await(100, TimeUnit.MILLISECONDS)).as("still waiting while the slot is taken").isFalse();
        bulkhead.onComplete();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(got.get()).isTrue();
    }

    @Test
    void shouldGiveUpAfterMaxWait()
    {
        final Bulkhead bulkhead = Bulkhead.of("b", BulkheadConfig.custom().maxConcurrentCalls(1)
            .maxWaitDuration(Duration.ofMillis(20)).build());
        assertThat(bulkhead.tryAcquirePermission()).isTrue();
        assertThat(bulkhead.tryAcquirePermission()).isFalse();
    }

    @Test
    void shouldRejectBadSettingsNamingTheSettingAndTheRange()
    {
        assertThatThrownBy(() -> BulkheadConfig.custom().maxConcurrentCalls(-1))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("maxConcurrentCalls=-1")
            .hasMessageContaining("valid range 0..");
        assertThatThrownBy(() -> BulkheadConfig.custom().maxWaitDuration(Duration.ofMillis(-1)))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("maxWaitDuration=");
        assertThat(BulkheadConfig.ofDefaults().maxConcurrentCalls()).isEqualTo(25);
    }
}
