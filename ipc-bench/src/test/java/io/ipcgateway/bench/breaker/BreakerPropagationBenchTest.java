package io.ipcgateway.bench.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A short real {@code bench breaker-propagation}: this JVM trips a shared breaker, two poller JVMs report when they
 * saw it OPEN. Checks that every trip was seen by every poller, after the trip (one clock for all processes); the
 * delays themselves are never asserted (speed is not a unit-test matter).
 */
class BreakerPropagationBenchTest
{
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldReportEveryTripSeenByEveryPollerAfterTheTrip() throws Exception
    {
        final List<BreakerPropagationBench.Row> rows = BreakerPropagationBench.execute(2, 20);

        assertThat(rows).extracting(BreakerPropagationBench.Row::name).containsExactly("poller-0", "poller-1", "all");
        assertThat(rows.subList(0, 2)).allSatisfy(row -> assertThat(row.trips()).isEqualTo(20));
        assertThat(rows.get(2).trips()).isEqualTo(40);
        assertThat(rows).allSatisfy(row ->
        {
            assertThat(row.minNs()).as("%s", row).isPositive();
            assertThat(row.p50Ns()).as("%s", row).isLessThanOrEqualTo(row.p99Ns());
            assertThat(row.p99Ns()).as("%s", row).isLessThanOrEqualTo(row.maxNs());
        });
        assertThat(BreakerPropagationBench.format(rows)).contains("poller-0", "poller-1", "all", "p99 us");
    }

    @Test
    void shouldRefuseMorePollersThanTheControlFileHolds()
    {
        assertThatThrownBy(() -> BreakerPropagationBench.execute(BreakerPropagationBench.MAX_POLLERS + 1, 1))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("--pollers must be in [1, 64], but was 65");
    }
}
