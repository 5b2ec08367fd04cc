package io.ipcgateway.examples.audit;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import io.ipcgateway.audit.AuditReader;
import io.ipcgateway.examples.ExitCode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code audit dump}: prints the records there are now, from the oldest or from {@code --from-seq}/{@code --from-time}.
 */
@Command(name = "dump", mixinStandardHelpOptions = true,
    description = "Print the records of an audit log (payload as UTF-8 when printable, else hex).")
final class DumpCommand implements Callable<Integer>
{
    private static final int BATCH = 1024;

    @Spec
    private CommandSpec spec;

    @Mixin
    private LogOptions log;

    @ArgGroup(exclusive = true)
    private StartOptions start = new StartOptions();

    @Option(names = "--payload", paramLabel = "auto|hex|utf8", defaultValue = "auto",
        description = "how to show payloads (default: ${DEFAULT-VALUE})")
    private RecordPrinter.PayloadFormat payload;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "-1",
        description = "print at most N records (default: all)")
    private long limit;

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final RecordPrinter printer = new RecordPrinter(out, log.json(), payload);
        try (AuditReader reader = AuditReader.open(log.dir(), log.name()))
        {
            start.seek(reader, -1);
            final long max = limit < 0 ? Long.MAX_VALUE : limit;
            while (printer.printed() < max)
            {
                final int want = (int)Math.min(BATCH, max - printer.printed());
                if (reader.poll(printer, want) == 0)
                {
                    break;
                }
            }
        }
        out.flush();
        return ExitCode.OK;
    }
}
