package io.ipcgateway.bench.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.bench.report.Workload;
import org.junit.jupiter.api.Test;

class GateOptionsTest
{
    @Test
    void shouldRunEveryGateWorkloadWithTheDefaultMarginsWhenGivenNoOptions()
    {
        final GateOptions options = GateOptions.parse(List.of());

        assertThat(options.workloads()).extracting(Workload::name).containsExactlyElementsOf(Gate.WORKLOADS);
        assertThat(options.margins()).isEqualTo(GateMargins.DEFAULTS);
        assertThat(options.attempts()).isEqualTo(GateOptions.DEFAULT_ATTEMPTS);
        assertThat(options.durationNs()).isEqualTo(GateOptions.DEFAULT_DURATION_NS);
        assertThat(options.budgetNs()).isEqualTo(GateOptions.DEFAULT_BUDGET_NS);
    }

    @Test
    void shouldTakeEveryMarginAndTheWorkloadsFromTheCommandLine()
    {
        final GateOptions options = GateOptions.parse(List.of("--workloads", "rr-32c,oneway-32B-1p",
            "--min-oneway-ratio", "20", "--min-rr-ratio", "2", "--min-rr-fairness", "0.5",
            "--max-block-p50-ratio", "1", "--attempts", "1", "--duration", "3s", "--warmup", "1s", "--budget", "60s"));

        assertThat(options.workloads()).extracting(Workload::name).containsExactly("rr-32c", "oneway-32B-1p");
        assertThat(options.margins()).isEqualTo(new GateMargins(20, 2, 0.5, 1));
        assertThat(options.attempts()).isEqualTo(1);
        assertThat(options.durationNs()).isEqualTo(TimeUnit.SECONDS.toNanos(3));
        assertThat(options.warmupNs()).isEqualTo(TimeUnit.SECONDS.toNanos(1));
        assertThat(options.budgetNs()).isEqualTo(TimeUnit.SECONDS.toNanos(60));
    }

    @Test
    void shouldRejectBadValuesNamingTheOptionAndTheValue()
    {
        assertThatThrownBy(() -> GateOptions.parse(List.of("--min-rr-fairness", "1.5")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--min-rr-fairness")
            .hasMessageContaining("1.5");
        assertThatThrownBy(() -> GateOptions.parse(List.of("--min-oneway-ratio", "-1")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--min-oneway-ratio");
        assertThatThrownBy(() -> GateOptions.parse(List.of("--min-rr-ratio", "fast")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("Invalid value for option '--min-rr-ratio': 'fast' is not a number");
        assertThatThrownBy(() -> GateOptions.parse(List.of("--workloads", "pingpong-spin")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown gate workload pingpong-spin");
        assertThatThrownBy(() -> GateOptions.parse(List.of("--attempts")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("Missing required parameter for option '--attempts'");
        assertThatThrownBy(() -> GateOptions.parse(List.of("--attempts", "0")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("Invalid value for option '--attempts': '0' is not a positive whole number");
        assertThatThrownBy(() -> GateOptions.parse(List.of("--duration", "0s")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--duration must be positive");
        assertThatThrownBy(() -> GateOptions.parse(List.of("--fast", "1")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'--fast'")
            .hasMessageEndingWith("(see 'ipc bench gate --help')");
    }
}
