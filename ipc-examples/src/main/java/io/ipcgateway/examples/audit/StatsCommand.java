package io.ipcgateway.examples.audit;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ipcgateway.audit.AuditReader;
import io.ipcgateway.audit.AuditVerifier;
import io.ipcgateway.audit.AuditVerifyReport;
import io.ipcgateway.examples.ExitCode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code audit stats}: segments, records, bytes and the time range of a log (from the verifier's pass, so a damaged
 * log still gets its figures); with {@code --from-seq}/{@code --from-time}, also the records, payload bytes and time
 * range from there on.
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
    description = "Print the segments, records, bytes and time range of an audit log.")
final class StatsCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Mixin
    private LogOptions log;

    @ArgGroup(exclusive = true)
    private StartOptions start = new StartOptions();

    @Override
    public Integer call() throws Exception
    {
        final AuditVerifyReport report = AuditVerifier.verify(log.dir(), log.name(), null);
        final Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("directory", log.dir().toString());
        stats.put("name", log.name());
        stats.put("segments", report.segments());
        stats.put("records", report.records());
        stats.put("bytes", report.bytes());
        stats.put("firstSequence", report.firstSequence());
        stats.put("lastSequence", report.lastSequence());
        stats.put("firstTime", report.records() > 0 ? RecordPrinter.time(report.firstTimestamp()) : null);
        stats.put("lastTime", report.records() > 0 ? RecordPrinter.time(report.lastTimestamp()) : null);
        stats.put("problems", report.problemCount());
        if (start.given())
        {
            final long[] range = {0, 0, Long.MAX_VALUE, Long.MIN_VALUE, 0};
            try (AuditReader reader = AuditReader.open(log.dir(), log.name()))
            {
                start.seek(reader, -1);
                while (reader.poll((type, flags, timestamp, sequence, buffer, offset, length) ->
                {
                    range[0]++;
                    range[1] += length;
                    range[2] = Math.min(range[2], timestamp);
                    range[3] = Math.max(range[3], timestamp);
                    range[4] = range[4] == 0 ? sequence : range[4];
                }, 4096) > 0)
                {
                    // Count to the current end.
                }
            }
            stats.put("fromSequence", range[4]);
            stats.put("recordsFrom", range[0]);
            stats.put("payloadBytesFrom", range[1]);
            stats.put("firstTimeFrom", range[0] > 0 ? RecordPrinter.time(range[2]) : null);
            stats.put("lastTimeFrom", range[0] > 0 ? RecordPrinter.time(range[3]) : null);
        }
        final PrintWriter out = spec.commandLine().getOut();
        if (log.json())
        {
            out.println(new ObjectMapper().writeValueAsString(stats));
        }
        else
        {
            stats.forEach((key, value) -> out.printf("%-17s %s%n", key, value == null ? "-" : value));
        }
        out.flush();
        return ExitCode.OK;
    }
}
