package io.ipcgateway.examples;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.shm.ShmConfiguration;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandLineTest
{
    private static final List<Option> OPTIONS = List.of(
        Option.valued("service", "NAME", "the service"),
        Option.valued("clients", "N", "client threads"),
        Option.valued("size", "BYTES", "payload size"),
        Option.valued("duration", "TIME", "run time"),
        Option.valued("idle", "spin|block", "idle mode"),
        Option.valued("dir", "DIR", "base folder"),
        Option.flag("verbose", "say more"));

    @Test
    void shouldReadValuesGivenWithSpaceOrEquals()
    {
        final CommandLine commandLine = CommandLine.parse(
            "ipc test", OPTIONS, "--service", "echo", "--clients=4", "--verbose", "--dir", "/dev/shm/x");

        assertThat(commandLine.requiredString("service")).isEqualTo("echo");
        assertThat(commandLine.intInRange("clients", 1, 1, 8)).isEqualTo(4);
        assertThat(commandLine.has("verbose")).isTrue();
        assertThat(commandLine.path("dir")).isEqualTo(Path.of("/dev/shm/x"));
    }

    @Test
    void shouldUseDefaultsForAbsentOptions()
    {
        final CommandLine commandLine = CommandLine.parse("ipc test", OPTIONS);

        assertThat(commandLine.intInRange("clients", 3, 1, 8)).isEqualTo(3);
        assertThat(commandLine.choice("idle", IdleMode.class, IdleMode.BLOCK)).isEqualTo(IdleMode.BLOCK);
        assertThat(commandLine.path("dir")).isNull();
        assertThat(commandLine.durationNanos("duration", 7, 1, 10)).isEqualTo(7);
    }

    @Test
    void shouldAcceptBinarySuffixesForSizes()
    {
        final CommandLine commandLine = CommandLine.parse("ipc test", OPTIONS, "--size", "4k");

        assertThat(commandLine.intInRange("size", 64, 1, 1 << 20)).isEqualTo(4096);
    }

    @Test
    void shouldReadDurationsWithSuffixesAndBareSeconds()
    {
        final long max = TimeUnit.HOURS.toNanos(1);

        assertThat(CommandLine.parse("ipc test", OPTIONS, "--duration", "3").durationNanos("duration", 0, 0, max))
            .isEqualTo(TimeUnit.SECONDS.toNanos(3));
        assertThat(CommandLine.parse("ipc test", OPTIONS, "--duration", "250ms").durationNanos("duration", 0, 0, max))
            .isEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
        assertThat(CommandLine.parse("ipc test", OPTIONS, "--duration", "2s").durationNanos("duration", 0, 0, max))
            .isEqualTo(TimeUnit.SECONDS.toNanos(2));
    }

    @Test
    void shouldNameTheOptionAndValidValuesForABadChoice()
    {
        final CommandLine commandLine = CommandLine.parse("ipc test", OPTIONS, "--idle", "sleepy");

        assertThatThrownBy(() -> commandLine.choice("idle", IdleMode.class, IdleMode.BLOCK))
            .isInstanceOf(UsageException.class)
            .hasMessageContaining("--idle")
            .hasMessageContaining("spin|yield|backoff|block")
            .hasMessageContaining("'sleepy'");
    }

    @Test
    void shouldNameTheRangeForANumberOutOfRange()
    {
        final CommandLine commandLine = CommandLine.parse("ipc test", OPTIONS, "--clients", "0");

        assertThatThrownBy(() -> commandLine.intInRange("clients", 1, 1, 512))
            .isInstanceOf(UsageException.class)
            .hasMessageContaining("--clients must be a whole number from 1 to 512, but was '0'");
    }

    @Test
    void shouldRejectTextWhereANumberIsExpected()
    {
        final CommandLine commandLine = CommandLine.parse("ipc test", OPTIONS, "--clients", "many");

        assertThatThrownBy(() -> commandLine.intInRange("clients", 1, 1, 512))
            .isInstanceOf(UsageException.class)
            .hasMessageContaining("--clients")
            .hasMessageContaining("'many'");
    }

    @Test
    void shouldRejectADurationThatIsNotOne()
    {
        final CommandLine commandLine = CommandLine.parse("ipc test", OPTIONS, "--duration", "soon");

        assertThatThrownBy(() -> commandLine.durationNanos("duration", 0, 1, TimeUnit.SECONDS.toNanos(60)))
            .isInstanceOf(UsageException.class)
            .hasMessageContaining("--duration must be a duration from")
            .hasMessageContaining("'soon'");
    }

    @Test
    void shouldListValidOptionsForAnUnknownOne()
    {
        assertThatThrownBy(() -> CommandLine.parse("ipc test", OPTIONS, "--clinets", "4"))
            .isInstanceOf(UsageException.class)
            .hasMessageContaining("unknown option --clinets")
            .hasMessageContaining("--clients")
            .hasMessageContaining("--help");
    }

    @Test
    void shouldRejectAnOptionWithoutItsValue()
    {
        assertThatThrownBy(() -> CommandLine.parse("ipc test", OPTIONS, "--service"))
            .isInstanceOf(UsageException.class)
            .hasMessageContaining("--service needs a value NAME");
    }

    @Test
    void shouldRejectARepeatedOption()
    {
        assertThatThrownBy(() -> CommandLine.parse("ipc test", OPTIONS, "--clients", "1", "--clients", "2"))
            .isInstanceOf(UsageException.class)
            .hasMessageContaining("--clients is given more than once");
    }

    @Test
    void shouldRejectAStrayWord()
    {
        assertThatThrownBy(() -> CommandLine.parse("ipc test", OPTIONS, "echo"))
            .isInstanceOf(UsageException.class)
            .hasMessageContaining("unexpected argument 'echo'");
    }

    @Test
    void shouldRejectAValueForAFlag()
    {
        assertThatThrownBy(() -> CommandLine.parse("ipc test", OPTIONS, "--verbose=yes"))
            .isInstanceOf(UsageException.class)
            .hasMessageContaining("--verbose takes no value");
    }

    @Test
    void shouldRequireAServiceNameTheTransportAccepts()
    {
        final CommandLine missing = CommandLine.parse("ipc test", OPTIONS);
        final CommandLine traversal = CommandLine.parse("ipc test", OPTIONS, "--service", "../etc");

        assertThatThrownBy(() -> missing.requiredString("service", ShmConfiguration::validateServiceName))
            .isInstanceOf(UsageException.class)
            .hasMessageContaining("--service is required");
        assertThatThrownBy(() -> traversal.requiredString("service", ShmConfiguration::validateServiceName))
            .isInstanceOf(UsageException.class)
            .hasMessageContaining("ipc test: option --service is not valid: ")
            .hasMessageContaining("'../etc'");
    }

    @Test
    void shouldListEveryOptionInHelp()
    {
        final String help = CommandLine.help("ipc test", "Does a test.", OPTIONS);

        assertThat(help).startsWith("Usage: ipc test [options]").contains("Does a test.");
        for (final Option option : OPTIONS)
        {
            assertThat(help).contains(option.flagName());
        }
        assertThat(help).contains("--help");
    }
}
