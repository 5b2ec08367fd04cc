package io.ipcgateway.examples.audit;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ipcgateway.audit.AuditCheckpoint;
import io.ipcgateway.audit.AuditProblem;
import io.ipcgateway.audit.AuditVerifier;
import io.ipcgateway.audit.AuditVerifyReport;
import io.ipcgateway.examples.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code audit verify}: checks every segment header, record CRC, sequence and the hash chain across segments (and
 * optionally a checkpoint kept elsewhere), then exits 0 when the log is intact and 1 naming the first break: its
 * segment, byte offset and sequence.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Check the CRCs, sequences and hash chain of an audit log; exit 1 naming the first break.")
final class VerifyCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Mixin
    private LogOptions log;

    @Option(names = "--key-file", paramLabel = "FILE",
        description = "the HMAC key the log was written with (its bytes), for a keyed chain")
    private Path keyFile;

    @Option(names = "--checkpoint", paramLabel = "FILE",
        description = "a checkpoint exported earlier and kept elsewhere: the log must still hold its record")
    private Path checkpointFile;

    @Override
    public Integer call() throws IOException
    {
        final byte[] key = keyFile == null ? null : Files.readAllBytes(keyFile);
        final AuditCheckpoint checkpoint = checkpointFile == null
            ? null : AuditCheckpoint.parse(Files.readString(checkpointFile, StandardCharsets.UTF_8).trim());
        final AuditVerifyReport report = AuditVerifier.verify(log.dir(), log.name(), key, checkpoint);
        final PrintWriter out = spec.commandLine().getOut();
        if (log.json())
        {
            final Map<String, Object> object = new LinkedHashMap<>();
            object.put("ok", report.ok());
            object.put("segments", report.segments());
            object.put("records", report.records());
            object.put("bytes", report.bytes());
            object.put("firstSequence", report.firstSequence());
            object.put("lastSequence", report.lastSequence());
            object.put("problemCount", report.problemCount());
            final List<Map<String, Object>> problems = new ArrayList<>();
            for (final AuditProblem problem : report.problems())
            {
                final Map<String, Object> p = new LinkedHashMap<>();
                p.put("kind", problem.kind().name());
                p.put("segment", problem.segment());
                p.put("offset", problem.offset());
                p.put("sequence", problem.sequence());
                p.put("detail", problem.detail());
                problems.add(p);
            }
            object.put("problems", problems);
            out.println(new ObjectMapper().writeValueAsString(object));
        }
        else if (report.ok())
        {
            out.printf("OK %s: %d segments, %d records (sequences %d..%d), chain intact%s%n", log.dir(),
                report.segments(), report.records(), report.firstSequence(), report.lastSequence(),
                checkpoint != null ? ", checkpoint at sequence " + checkpoint.sequence() + " found" : "");
        }
        else
        {
            final AuditProblem first = report.problems().get(0);
            out.printf("BROKEN %s: first break in segment %s at offset %d, sequence %d: %s: %s%n", log.dir(),
                first.segment(), first.offset(), first.sequence(), first.kind(), first.detail());
            for (final AuditProblem problem : report.problems().subList(1, report.problems().size()))
            {
                out.printf("  then %s at offset %d, sequence %d: %s: %s%n", problem.segment(), problem.offset(),
                    problem.sequence(), problem.kind(), problem.detail());
            }
            out.printf("%d problem(s); %d intact records in %d segments%n", report.problemCount(), report.records(),
                report.segments());
        }
        out.flush();
        return report.ok() ? ExitCode.OK : ExitCode.FAILED;
    }
}
