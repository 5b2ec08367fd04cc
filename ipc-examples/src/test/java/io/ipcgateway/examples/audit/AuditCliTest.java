package io.ipcgateway.examples.audit;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ipcgateway.audit.AuditLog;
import io.ipcgateway.audit.AuditLogConfig;
import io.ipcgateway.audit.AuditSegmentDescriptor;
import io.ipcgateway.examples.ExitCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/ipc audit} on real logs: written by {@link AuditLog} over several segments, intact and damaged.
 */
class AuditCliTest
{
    private static final int RECORDS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private AuditLogConfig config;

    @BeforeEach
    void writeLog()
    {
        config = AuditLogConfig.builder(dir).segmentSize(4096).indexInterval(512).build();
        try (AuditLog log = AuditLog.open(config))
        {
            for (int i = 1; i <= RECORDS; i++)
            {
                final byte[] payload = i % 10 == 0 ? new byte[] {0, 1, (byte)0xfe, (byte)i}
                    : ("hello " + i + " " + "z".repeat(i)).getBytes(StandardCharsets.UTF_8);
                log.append(i % 3, i % 2, new UnsafeBuffer(payload), 0, payload.length);
            }
        }
    }

    @Test
    void shouldDumpEveryRecordWithPrintablePayloadsAsUtf8AndOthersAsHex()
    {
        final Result result = run("dump", dir.toString());

        assertThat(result.code).isEqualTo(ExitCode.OK);
        assertThat(result.lines()).hasSize(RECORDS);
        assertThat(result.lines().get(0)).startsWith("1 ").contains("type=1 flags=1 length=9 utf8=\"hello 1 z\"");
        assertThat(result.lines().get(9)).startsWith("10 ").contains("hex=0001fe0a");
    }

    @Test
    void shouldDumpFromASequenceAsJson() throws Exception
    {
        final Result result = run("dump", dir.toString(), "--from-seq", "42", "--json");

        assertThat(result.code).isEqualTo(ExitCode.OK);
        assertThat(result.lines()).hasSize(RECORDS - 41);
        final JsonNode first = JSON.readTree(result.lines().get(0));
        assertThat(first.get("sequence").asLong()).isEqualTo(42);
        assertThat(first.get("type").asInt()).isEqualTo(0);
        assertThat(first.get("utf8").asText()).isEqualTo("hello 42 " + "z".repeat(42));
        assertThat(first.get("time").asText()).endsWith("Z");
    }

    @Test
    void shouldDumpFromATime() throws Exception
    {
        final JsonNode record = JSON.readTree(run("dump", dir.toString(), "--from-seq", "25", "--limit", "1",
            "--json").lines().get(0));
        final long timestamp = record.get("timestamp").asLong();

        final Result byNanos = run("dump", dir.toString(), "--from-time", Long.toString(timestamp), "--json");
        final Result byInstant = run("dump", dir.toString(), "--from-time", record.get("time").asText(), "--json");

        // Records appended within the same nanosecond would share a timestamp: the first at that time is the start.
        final long firstByNanos = JSON.readTree(byNanos.lines().get(0)).get("sequence").asLong();
        assertThat(firstByNanos).isLessThanOrEqualTo(25);
        assertThat(JSON.readTree(byNanos.lines().get(0)).get("timestamp").asLong()).isEqualTo(timestamp);
        assertThat(byInstant.lines()).isEqualTo(byNanos.lines());
    }

    @Test
    void shouldPrintStats() throws Exception
    {
        final Result result = run("stats", dir.toString(), "--json");

        assertThat(result.code).isEqualTo(ExitCode.OK);
        final JsonNode stats = JSON.readTree(result.out);
        assertThat(stats.get("segments").asInt()).isEqualTo(segments().size()).isGreaterThan(1);
        assertThat(stats.get("records").asLong()).isEqualTo(RECORDS);
        assertThat(stats.get("firstSequence").asLong()).isEqualTo(1);
        assertThat(stats.get("lastSequence").asLong()).isEqualTo(RECORDS);
        assertThat(stats.get("bytes").asLong()).isEqualTo(segments().size() * 4096L);
        assertThat(stats.get("firstTime").asText()).isLessThanOrEqualTo(stats.get("lastTime").asText());

        final Result from = run("stats", dir.toString(), "--from-seq", "51");
        assertThat(from.out).contains("recordsFrom       10").contains("fromSequence      51");
    }

    @Test
    void shouldVerifyAnIntactLog()
    {
        final Result result = run("verify", dir.toString());

        assertThat(result.code).isEqualTo(ExitCode.OK);
        assertThat(result.out).startsWith("OK ").contains(RECORDS + " records (sequences 1.." + RECORDS + ")");
    }

    @Test
    void shouldExitNonZeroNamingTheFirstBreakOfADamagedLog() throws Exception
    {
        final Path second = segments().get(1);
        final long firstSequence = Long.parseLong(second.getFileName().toString().replaceAll("\\D", ""));
        final byte[] bytes = Files.readAllBytes(second);
        final int payloadOffset = AuditSegmentDescriptor.HEADER_LENGTH + AuditSegmentDescriptor.RECORD_HEADER_LENGTH;
        bytes[payloadOffset + 2] ^= 0x20;
        Files.write(second, bytes);

        final Result text = run("verify", dir.toString());
        final Result json = run("verify", dir.toString(), "--json");

        assertThat(text.code).isEqualTo(ExitCode.FAILED);
        assertThat(text.out).startsWith("BROKEN ").contains("first break in segment " + second.getFileName()
            + " at offset " + AuditSegmentDescriptor.HEADER_LENGTH + ", sequence " + firstSequence);
        assertThat(json.code).isEqualTo(ExitCode.FAILED);
        final JsonNode report = JSON.readTree(json.out);
        assertThat(report.get("ok").asBoolean()).isFalse();
        assertThat(report.get("problems").get(0).get("segment").asText()).isEqualTo(second.getFileName().toString());
        assertThat(report.get("problems").get(0).get("sequence").asLong()).isEqualTo(firstSequence);
    }

    @Test
    void shouldTailTheNewestRecordsThenFollowNewOnes() throws Exception
    {
        final CompletableFuture<Result> tail = CompletableFuture.supplyAsync(
            () -> run("tail", dir.toString(), "-n", "2", "--count", "5", "--poll-us", "200"));
        Thread.sleep(300);
        try (AuditLog log = AuditLog.open(config))
        {
            for (int i = 1; i <= 3; i++)
            {
                final byte[] payload = ("new " + i).getBytes(StandardCharsets.UTF_8);
                log.append(9, 0, new UnsafeBuffer(payload), 0, payload.length);
            }
        }
        final Result result = tail.get(30, TimeUnit.SECONDS);

        assertThat(result.code).isEqualTo(ExitCode.OK);
        assertThat(result.lines()).hasSize(5);
        assertThat(result.lines().get(0)).startsWith((RECORDS - 1) + " ");
        assertThat(result.lines().get(4)).startsWith((RECORDS + 3) + " ").contains("utf8=\"new 3\"");
    }

    @Test
    void shouldRefuseBadUsageWithExitCodeTwo()
    {
        assertThat(run("dump", dir.toString(), "--from-seq", "1", "--from-time", "1").code)
            .isEqualTo(ExitCode.USAGE);
        assertThat(run("dump").code).isEqualTo(ExitCode.USAGE);
        assertThat(run("frobnicate", dir.toString()).code).isEqualTo(ExitCode.USAGE);
        final Result badTime = run("dump", dir.toString(), "--from-time", "yesterday");
        assertThat(badTime.code).isEqualTo(ExitCode.USAGE);
        assertThat(badTime.err).contains("'yesterday' is not a time");
    }

    @Test
    void shouldFailNamingAMissingFolder()
    {
        final Result result = run("stats", dir.resolve("nope").toString());

        assertThat(result.code).isEqualTo(ExitCode.FAILED);
        assertThat(result.err).contains("no audit log folder at " + dir.resolve("nope"));
    }

    private List<Path> segments() throws Exception
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter(p -> p.toString().endsWith(AuditSegmentDescriptor.SEGMENT_SUFFIX)).sorted().toList();
        }
    }

    static Result run(final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = AuditMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    record Result(int code, String out, String err)
    {
        List<String> lines()
        {
            return new ArrayList<>(out.lines().toList());
        }
    }
}
