package io.ipcgateway.examples;

import io.ipcgateway.core.IdleMode;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParameterException;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OptionsTest
{
    @Test
    void shouldReadEveryClientOption()
    {
        final ClientOptions options = LoadClientMain.parse("--service", "echo", "--dir", "/dev/shm/t", "--clients",
            "4", "--messages", "1000", "--size", "1k", "--mode", "oneway", "--idle", "spin", "--timeout", "2s",
            "--json", "out.json");

        assertThat(options).isEqualTo(new ClientOptions("echo", Path.of("/dev/shm/t"), 4, 1000, 0, 1024,
            LoadMode.ONEWAY, IdleMode.SPIN, TimeUnit.SECONDS.toNanos(2), Path.of("out.json")));
        assertThat(options.timed()).isFalse();
    }

    @Test
    void shouldDefaultTheClientToRequestResponseWithOneThread()
    {
        final ClientOptions options = LoadClientMain.parse("--service", "echo");

        assertThat(options.clients()).isEqualTo(1);
        assertThat(options.messages()).isEqualTo(ClientOptions.DEFAULT_MESSAGES);
        assertThat(options.mode()).isEqualTo(LoadMode.RR);
        assertThat(options.idle()).isEqualTo(IdleMode.BLOCK);
        assertThat(options.dir()).isNull();
        assertThat(options.json()).isNull();
    }

    @Test
    void shouldRunForADurationWhenGivenOne()
    {
        final ClientOptions options = LoadClientMain.parse("--service", "echo", "--duration", "500ms");

        assertThat(options.timed()).isTrue();
        assertThat(options.durationNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
    }

    @Test
    void shouldRefuseMessagesAndDurationTogether()
    {
        assertThatThrownBy(() -> LoadClientMain.parse("--service", "echo", "--duration", "1s", "--messages", "10"))
            .isInstanceOf(ParameterException.class)
            .hasMessageContaining("either --messages or --duration");
    }

    @Test
    void shouldRefuseFewerMessagesThanClients()
    {
        assertThatThrownBy(() -> LoadClientMain.parse("--service", "echo", "--clients", "8", "--messages", "4"))
            .isInstanceOf(ParameterException.class)
            .hasMessageContaining("Invalid value for option '--messages': must be a whole number from 8");
    }

    @Test
    void shouldNameValidModes()
    {
        assertThatThrownBy(() -> LoadClientMain.parse("--service", "echo", "--mode", "burst"))
            .isInstanceOf(ParameterException.class)
            .hasMessageContaining("Invalid value for option '--mode': must be one of oneway|rr, but was 'burst'");
    }

    @Test
    void shouldReadServerOptions()
    {
        final ServerOptions options = EchoServerMain.parse("--service", "echo", "--idle", "spin");

        assertThat(options).isEqualTo(new ServerOptions("echo", null, IdleMode.SPIN, ServerOptions.NO_METRICS));
    }

    @Test
    void shouldReadTheMetricsPortAndRefuseOneOutOfRange()
    {
        final ServerOptions options = EchoServerMain.parse("--service", "echo", "--metrics-port", "9464");
        assertThat(options.metricsPort()).isEqualTo(9464);

        assertThatThrownBy(() -> EchoServerMain.parse("--service", "echo", "--metrics-port", "70000"))
            .isInstanceOf(ParameterException.class)
            .hasMessageContaining("--metrics-port");
    }

    @Test
    void shouldReadStatOptions()
    {
        final StatOptions options = StatMain.parse("--service", "echo", "--interval", "250ms", "--once");

        assertThat(options).isEqualTo(new StatOptions(null, "echo", 250_000_000L, true));
    }

    @Test
    void shouldRequireAServiceForTheServer()
    {
        assertThatThrownBy(() -> EchoServerMain.parse())
            .isInstanceOf(ParameterException.class)
            .hasMessage("Missing required option: '--service=NAME'");
    }

    @Test
    void shouldRefuseADemoFolderThatDoesNotExist()
    {
        assertThatThrownBy(() -> DemoMain.parse("--dir", "/no/such/folder"))
            .isInstanceOf(ParameterException.class)
            .hasMessageContaining("Invalid value for option '--dir': must name an existing folder");
    }

    @Test
    void shouldDefaultTheDemoToAFewSecondsPerRun()
    {
        final DemoOptions options = DemoMain.parse();

        assertThat(options.durationNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(3));
        assertThat(options.clients()).isEqualTo(2);
    }
}
