package io.ipcgateway.examples.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ipcgateway.audit.AuditLogConfig;
import io.ipcgateway.audit.AuditReader;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.examples.ChildJvm;
import io.ipcgateway.examples.ExitCode;
import io.ipcgateway.shm.ClientContext;
import io.ipcgateway.shm.ShmClient;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit tap in front of a real echo service in its own JVM: this JVM connects as a client, sends requests and
 * one-way messages, disconnects; the log then holds the connect, every request in and response out (same
 * correlation id, same bytes), every message in and push out, and the disconnect, each with this JVM's pid and uid
 * and its session; and {@code bin/ipc audit verify} passes on it.
 */
class AuditTapTest
{
    private static final int REQUESTS = 20;
    private static final int MESSAGES = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path base;
    private Path logDir;

    @BeforeEach
    void createFolders() throws IOException
    {
        base = Files.createTempDirectory(Path.of("/dev/shm"), "audit-tap-");
        logDir = Files.createTempDirectory("audit-tap-log-").resolve("log");
    }

    @AfterEach
    void deleteFolders() throws IOException
    {
        delete(base);
        delete(logDir.getParent());
    }

    @Test
    void shouldRecordEveryMessageInAndResponseOutWithTheClientsIdentityAndVerify() throws Exception
    {
        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        final ChildJvm server = ChildJvm.start("tap-server", TapEchoServerMain.class,
            List.of(base.toString(), "tapped", logDir.toString()), "READY",
            new PrintStream(output, true, StandardCharsets.UTF_8));
        final int sessionId;
        final List<String> responses = new ArrayList<>();
        try
        {
            assertThat(server.awaitReady(TimeUnit.SECONDS.toNanos(60))).as("server output: %s", output).isTrue();
            try (ShmClient client = ShmClient.connect(new ClientContext().baseDirectory(base).serviceName("tapped")))
            {
                sessionId = client.sessionId();
                for (int i = 0; i < REQUESTS; i++)
                {
                    final byte[] request = ("request " + i).getBytes(StandardCharsets.UTF_8);
                    final long result = client.request(7, new UnsafeBuffer(request), 0, request.length,
                        (typeId, buffer, offset, length) -> responses.add(buffer.getStringWithoutLengthUtf8(offset,
                            length)), TimeUnit.SECONDS.toNanos(10));
                    assertThat(result).as(OfferResult.describe(result)).isEqualTo(OfferResult.OK);
                }
                for (int i = 0; i < MESSAGES; i++)
                {
                    final byte[] message = ("message " + i).getBytes(StandardCharsets.UTF_8);
                    assertThat(client.offer(3, new UnsafeBuffer(message), 0, message.length)).isEqualTo(OfferResult.OK);
                }
            }
            awaitRecords(2 + 2 * REQUESTS + 2 * MESSAGES);
            assertThat(server.stop(TimeUnit.SECONDS.toNanos(15))).as("server stops on SIGTERM").isTrue();
        }
        finally
        {
            server.close();
        }
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("unrecorded=0");
        assertThat(responses).hasSize(REQUESTS).first().isEqualTo("request 0");

        final AuditCliTest.Result verify = AuditCliTest.run("verify", logDir.toString());
        assertThat(verify.code()).as(verify.out() + verify.err()).isEqualTo(ExitCode.OK);
        assertThat(verify.out()).startsWith("OK ");

        final AuditCliTest.Result dump = AuditCliTest.run("dump", logDir.toString(), "--json");
        assertThat(dump.code()).isEqualTo(ExitCode.OK);
        final List<JsonNode> records = new ArrayList<>();
        for (final String line : dump.lines())
        {
            records.add(JSON.readTree(line));
        }
        assertThat(records).hasSize(2 + 2 * REQUESTS + 2 * MESSAGES);
        final long pid = ProcessHandle.current().pid();
        for (final JsonNode record : records)
        {
            assertThat(record.get("pid").asLong()).isEqualTo(pid);
            assertThat(record.get("session").asInt()).isEqualTo(sessionId);
            assertThat(record.get("uid").asInt()).isEqualTo(uid());
        }
        assertThat(records.get(0).get("tap").asText()).isEqualTo("connect");
        assertThat(records.get(records.size() - 1).get("tap").asText()).isEqualTo("disconnect");
        for (int i = 0; i < REQUESTS; i++)
        {
            final JsonNode in = records.get(1 + 2 * i);
            final JsonNode out = records.get(2 + 2 * i);
            assertThat(in.get("tap").asText()).isEqualTo("request-in");
            assertThat(out.get("tap").asText()).isEqualTo("response-out");
            assertThat(in.get("utf8").asText()).isEqualTo("request " + i);
            assertThat(out.get("utf8").asText()).isEqualTo("request " + i);
            assertThat(out.get("correlationId").asLong()).isEqualTo(in.get("correlationId").asLong()).isNotZero();
            assertThat(in.get("typeId").asInt()).isEqualTo(7);
        }
        final List<String> messages = records.stream().filter(r -> "message-in".equals(r.get("tap").asText()))
            .map(r -> r.get("utf8").asText()).toList();
        assertThat(messages).containsExactly("message 0", "message 1", "message 2", "message 3", "message 4");
        assertThat(records.stream().filter(r -> "push-out".equals(r.get("tap").asText()))).hasSize(MESSAGES);
    }

    /** Follows the log as the tail command does, until the server's records are all there. */
    private void awaitRecords(final int expected) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long seen = 0;
        while (seen < expected && System.nanoTime() < deadline)
        {
            if (Files.isDirectory(logDir))
            {
                try (AuditReader reader = AuditReader.open(logDir, AuditLogConfig.DEFAULT_NAME))
                {
                    seen = reader.replay(1, (type, flags, timestamp, sequence, buffer, offset, length) ->
                    {
                    });
                }
            }
            Thread.sleep(20);
        }
        assertThat(seen).as("records the tap wrote").isEqualTo(expected);
    }

    private static int uid() throws IOException
    {
        return (Integer)Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    private static void delete(final Path dir) throws IOException
    {
        if (dir == null || !Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
    }
}
