package io.ipcgateway.examples;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClientErrorsIT
{
    private Path dir;

    @BeforeEach
    void createDir() throws Exception
    {
        dir = ItFiles.newSharedMemoryDir("ipc-examples-it-");
    }

    @AfterEach
    void deleteDir() throws Exception
    {
        ItFiles.deleteRecursively(dir);
    }

    @Test
    void shouldFailClearlyWhenTheServiceIsMissing() throws Exception
    {
        try (RunningMain client = RunningMain.runToEnd("client", LoadClientMain.class, List.of(
            "--service", "nobody-home", "--dir", dir.toString(), "--messages", "10", "--timeout", "1s"),
            60, TimeUnit.SECONDS))
        {
            assertThat(client.exitCode()).isEqualTo(ExitCode.FAILED);
            assertThat(client.output())
                .contains("ipc client:")
                .contains("nobody-home")
                .doesNotContain("\tat ");
        }
        assertThat(ItFiles.contents(dir)).isEmpty();
    }

    @Test
    void shouldNameTheOptionAndValidValuesForABadMode() throws Exception
    {
        try (RunningMain client = RunningMain.runToEnd("client", LoadClientMain.class, List.of(
            "--service", "echo", "--mode", "burst"), 60, TimeUnit.SECONDS))
        {
            assertThat(client.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(client.output())
                .contains("ipc client: Invalid value for option '--mode': must be one of oneway|rr, but was 'burst'")
                .doesNotContain("\tat ");
        }
    }

    @Test
    void shouldRefuseAServerWithoutAService() throws Exception
    {
        try (RunningMain server = RunningMain.runToEnd("server", EchoServerMain.class, List.of("--idle", "spin"),
            60, TimeUnit.SECONDS))
        {
            assertThat(server.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(server.output()).contains("ipc server: Missing required option: '--service=NAME'");
        }
    }
}
