package io.ipcgateway.bench.audit;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AuditTargetsTest
{
    @Test
    void shouldCheckEachRatioAgainstItsPeer()
    {
        final Map<String, Double> figures = Map.of(
            "ours.pageCache1t", 9e6, "chronicle.pageCache1t", 4e6, "plain.pageCache1t", 10e6,
            "ours.groupCommit1t", 5e6, "plain.groupCommit1t", 8e6,
            "ours.fsyncPerRecord1t", 9.5e3, "plain.fsyncPerRecord1t", 10e3);

        assertThat(AuditTargets.check(figures)).containsExactly(
            "MET    pageCache1t >= 2.0x chronicle        ours: 2.25x",
            "MET    pageCache1t >= 0.8x plain            ours: 0.90x",
            "MISSED groupCommit1t >= 0.8x plain          ours: 0.63x",
            "MET    fsyncPerRecord1t >= 0.9x plain       ours: 0.95x");
    }

    @Test
    void shouldCheckTheAsyncAppendAndReplayFigures()
    {
        final Map<String, Double> figures = Map.of(
            "ours.asyncAppendP99Us", 6.5, "ours.asyncAppendBytesPerOp", 0.02, "ours.replayGBps", 1.4);

        assertThat(AuditTargets.check(figures)).containsExactly(
            "MISSED async append caller p99 < 5 us       ours: 6.50 us",
            "MET    async append allocates 0 B/op        ours: 0.02 B/op",
            "MET    replay, CRC + chain >= 1 GB/s        ours: 1.40 GB/s");
    }

    @Test
    void shouldSkipATargetWhosePeerIsMissing()
    {
        assertThat(AuditTargets.check(Map.of("ours.pageCache4t", 1e6))).isEmpty();
    }
}
