package io.ipcgateway.core;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdleModeTest
{
    @Test
    void shouldMapPollingModesToAgronaStrategies()
    {
        assertThat(IdleMode.SPIN.newIdleStrategy()).isInstanceOf(BusySpinIdleStrategy.class);
        assertThat(IdleMode.YIELD.newIdleStrategy()).isInstanceOf(YieldingIdleStrategy.class);
        assertThat(IdleMode.BACKOFF.newIdleStrategy()).isInstanceOf(BackoffIdleStrategy.class);
    }

    @Test
    void shouldRefuseBlockWithoutNotifier()
    {
        assertThatThrownBy(IdleMode.BLOCK::newIdleStrategy)
            .isInstanceOf(UnsupportedOperationException.class)
            .hasMessageContaining("notifier");
    }
}
