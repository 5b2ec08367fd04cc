package io.ipcgateway.examples.audit;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.audit.AuditReader;
import io.ipcgateway.examples.ExitCode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code audit tail}: prints the newest records, then every record appended after them as it comes, until stopped
 * (or after {@code --count} records). An empty poll sleeps {@code --poll-us}, so a new record shows within about
 * that long plus the writer's own flush.
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
    description = "Print the newest records of an audit log, then follow it as it grows (Ctrl-C to stop).")
final class TailCommand implements Callable<Integer>
{
    private static final int BATCH = 1024;

    @Spec
    private CommandSpec spec;

    @Mixin
    private LogOptions log;

    @ArgGroup(exclusive = true)
    private StartOptions start = new StartOptions();

    @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "10",
        description = "without --from-*, start with the newest N records (default: ${DEFAULT-VALUE})")
    private long lines;

    @Option(names = "--payload", paramLabel = "auto|hex|utf8", defaultValue = "auto",
        description = "how to show payloads (default: ${DEFAULT-VALUE})")
    private RecordPrinter.PayloadFormat payload;

    @Option(names = "--count", paramLabel = "N", defaultValue = "-1",
        description = "exit after printing N records (default: follow until stopped)")
    private long count;

    @Option(names = "--poll-us", paramLabel = "US", defaultValue = "1000",
        description = "sleep between empty polls, microseconds (default: ${DEFAULT-VALUE})")
    private long pollMicros;

    @Override
    public Integer call() throws InterruptedException
    {
        if (lines < 0)
        {
            throw new IllegalArgumentException("--lines must be 0 or more, was " + lines);
        }
        final PrintWriter out = spec.commandLine().getOut();
        final RecordPrinter printer = new RecordPrinter(out, log.json(), payload);
        final long max = count < 0 ? Long.MAX_VALUE : count;
        try (AuditReader reader = AuditReader.open(log.dir(), log.name()))
        {
            start.seek(reader, lines);
            while (printer.printed() < max && !Thread.currentThread().isInterrupted())
            {
                final int want = (int)Math.min(BATCH, max - printer.printed());
                if (reader.poll(printer, want) == 0)
                {
                    out.flush();
                    TimeUnit.MICROSECONDS.sleep(Math.max(1, pollMicros));
                }
            }
        }
        out.flush();
        return ExitCode.OK;
    }
}
