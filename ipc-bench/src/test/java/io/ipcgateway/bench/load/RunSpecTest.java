package io.ipcgateway.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import io.ipcgateway.bench.transport.Idle;
import org.junit.jupiter.api.Test;

class RunSpecTest
{
    @Test
    void shouldSurviveTheTripToAChildJvm()
    {
        final List<String> rest = new ArrayList<>();
        final RunSpec spec = RunSpec.parse(List.of("--transport", "uds", "--mode", "rr", "--size", "64",
            "--clients", "32", "--duration", "1.5s", "--warmup", "250ms", "--idle", "block", "--interval", "100us"),
            rest);

        final RunSpec copy = RunSpec.parse(spec.toArgs(), rest);

        assertThat(rest).isEmpty();
        assertThat(copy).isEqualTo(spec);
        assertThat(copy.clientJvms()).isEqualTo(RunSpec.DEFAULT_MAX_CLIENT_JVMS);
        assertThat(copy.intervalNs()).isEqualTo(100_000L);
    }

    @Test
    void shouldRateLimitBlockingPingPongByDefault()
    {
        final RunSpec spec = RunSpec.parse(List.of("--transport", "agrona", "--mode", "pingpong", "--idle", "block"),
            new ArrayList<>());

        assertThat(spec.idle()).isEqualTo(Idle.BLOCK);
        assertThat(spec.intervalNs()).isEqualTo(RunSpec.DEFAULT_BLOCKING_INTERVAL_NS);
    }

    @Test
    void shouldPassUnknownOptionsBack()
    {
        final List<String> rest = new ArrayList<>();
        RunSpec.parse(List.of("--transport", "agrona", "--json", "out.json"), rest);

        assertThat(rest).containsExactly("--json", "out.json");
    }

    @Test
    void shouldSpreadClientsEvenlyOverJvms()
    {
        final RunSpec spec = RunSpec.parse(List.of("--transport", "agrona", "--mode", "rr", "--clients", "10",
            "--client-jvms", "4"), new ArrayList<>());

        assertThat(List.of(spec.firstClientOf(0), spec.firstClientOf(1), spec.firstClientOf(2),
            spec.firstClientOf(3), spec.firstClientOf(4))).containsExactly(0, 2, 5, 7, 10);
    }

    @Test
    void shouldRefuseUnknownTransportAndTooSmallMessages()
    {
        assertThatThrownBy(() -> RunSpec.parse(List.of("--transport", "carrier-pigeon"), new ArrayList<>()))
            .hasMessageContaining("carrier-pigeon");
        assertThatThrownBy(() -> RunSpec.parse(List.of("--transport", "uds", "--size", "8"), new ArrayList<>()))
            .hasMessageContaining("--size");
        assertThatThrownBy(() -> RunSpec.parse(List.of("--transport", "uds", "--mode", "pingpong", "--clients", "2"),
            new ArrayList<>())).hasMessageContaining("pingpong");
    }
}
