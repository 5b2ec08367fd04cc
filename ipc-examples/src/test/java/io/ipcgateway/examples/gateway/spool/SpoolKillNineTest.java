package io.ipcgateway.examples.gateway.spool;

import static io.ipcgateway.examples.gateway.spool.SpoolTestSupport.append;
import static io.ipcgateway.examples.gateway.spool.SpoolTestSupport.collect;
import static io.ipcgateway.examples.gateway.spool.SpoolTestSupport.drainAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.audit.DurabilityPolicy;
import io.ipcgateway.examples.ChildJvm;
import io.ipcgateway.examples.gateway.spool.SpoolTestSupport.Got;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A child JVM appending to, or draining, a spool is killed with SIGKILL mid-stream; the parent reopens it. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SpoolKillNineTest
{
    private static final int ROUNDS = 3;
    private static final int DRAIN_BATCH = 50;

    @TempDir
    Path dir;

    private SpoolConfig config(final String policy)
    {
        return SpoolConfig.builder(dir.resolve("spool")).segmentSize(64 * 1024)
            .durability(DurabilityPolicy.parse(policy)).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "interval:1ms"})
    void shouldDeliverEveryAcknowledgedAppendInOrderAfterKillNineOfTheAppendingProcess(final String policy)
        throws Exception
    {
        final Map<Long, String> acknowledged = new HashMap<>();
        final List<Got> delivered = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++)
        {
            final Process child = start("append", "2", policy, Integer.toString(round));
            try (BufferedReader out = stdout(child))
            {
                assertThat(out.readLine()).isEqualTo("READY");
                final int target = 300 + ThreadLocalRandom.current().nextInt(700);
                int acks = 0;
                String line;
                while (acks < target && (line = out.readLine()) != null)
                {
                    acks += acknowledge(line, acknowledged);
                }
                kill9(child);
                // Every line the child printed before it died is still in the pipe.
                while ((line = out.readLine()) != null)
                {
                    acknowledge(line, acknowledged);
                }
                assertThat(acks).as("child died early: see its stderr above").isEqualTo(target);
            }
            try (PublishSpool spool = PublishSpool.open(config(policy)))
            {
                final long undelivered = spool.lastSequence() - spool.deliveredSequence();
                assertThat(spool.depth()).isEqualTo(undelivered);
                // Leave some behind for the next round's child to append after.
                spool.drain(collect(delivered), (int)Math.max(1, undelivered / 2));
            }
        }
        try (PublishSpool spool = PublishSpool.open(config(policy)))
        {
            delivered.addAll(drainAll(spool));
            assertThat(spool.depth()).isZero();
        }
        final Map<String, Integer> nextPerSubject = new HashMap<>();
        for (int k = 0; k < delivered.size(); k++)
        {
            final Got message = delivered.get(k);
            assertThat(message.sequence()).as("gap-free, in order, once").isEqualTo(k + 1);
            final String expected = acknowledged.get(message.sequence());
            if (expected != null)
            {
                assertThat(message.payload()).isEqualTo(expected);
            }
            final int index = Integer.parseInt(message.payload().substring(message.payload().lastIndexOf('-') + 1));
            assertThat(index).as("per-thread order of %s", message.subject())
                .isEqualTo(nextPerSubject.getOrDefault(message.subject(), 0));
            nextPerSubject.put(message.subject(), index + 1);
        }
        assertThat(delivered.size()).isGreaterThanOrEqualTo(acknowledged.size());
        final long lastAcknowledged = acknowledged.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
        assertThat((long)delivered.size()).isGreaterThanOrEqualTo(lastAcknowledged);
    }

    @Test
    void shouldRepeatAtMostTheKilledDrainCallsMessagesAndResumeInOrder() throws Exception
    {
        final int total = 3000;
        try (PublishSpool spool = PublishSpool.open(config("interval:1ms")))
        {
            for (int i = 1; i <= total; i++)
            {
                assertThat(append(spool, "s", null, "m" + i)).isEqualTo(i);
            }
        }
        final Process child = start("drain", Integer.toString(DRAIN_BATCH), "interval:1ms", "");
        long lastPrinted = 0;
        try (BufferedReader out = stdout(child))
        {
            assertThat(out.readLine()).isEqualTo("READY");
            final int target = 500 + ThreadLocalRandom.current().nextInt(1000);
            String line;
            while (lastPrinted < target && (line = out.readLine()) != null)
            {
                lastPrinted = delivered(line, lastPrinted);
            }
            kill9(child);
            while ((line = out.readLine()) != null)
            {
                lastPrinted = delivered(line, lastPrinted);
            }
        }
        assertThat(lastPrinted).isBetween(500L, (long)total);
        try (PublishSpool spool = PublishSpool.open(config("interval:1ms")))
        {
            final long cursor = spool.deliveredSequence();
            assertThat(cursor).isLessThanOrEqualTo(lastPrinted);
            assertThat(lastPrinted - cursor).as("repeats at most one drain call's messages")
                .isLessThanOrEqualTo(DRAIN_BATCH);
            assertThat(spool.depth()).isEqualTo(total - cursor);
            final List<Got> rest = drainAll(spool);
            assertThat(rest).hasSize((int)(total - cursor));
            for (int k = 0; k < rest.size(); k++)
            {
                assertThat(rest.get(k).sequence()).isEqualTo(cursor + 1 + k);
                assertThat(rest.get(k).payload()).isEqualTo("m" + (cursor + 1 + k));
            }
        }
    }

    @Test
    void shouldNeverMoveTheCursorPastAnUnacknowledgedMessageWhenAPipelinedDrainIsKilledMidWindow() throws Exception
    {
        final int total = 3000;
        final int window = 16;
        try (PublishSpool spool = PublishSpool.open(config("interval:1ms")))
        {
            for (int i = 1; i <= total; i++)
            {
                assertThat(append(spool, "s", null, "m" + i)).isEqualTo(i);
            }
        }
        final Process child = start("pipeline", Integer.toString(window), "interval:1ms", "");
        final java.util.Set<Long> acked = new java.util.HashSet<>();
        long lastSent = 0;
        try (BufferedReader out = stdout(child))
        {
            assertThat(out.readLine()).isEqualTo("READY");
            final int target = 500 + ThreadLocalRandom.current().nextInt(1000);
            String line;
            while (lastSent < target && (line = out.readLine()) != null)
            {
                lastSent = pipelined(line, lastSent, acked);
            }
            kill9(child);
            while ((line = out.readLine()) != null)
            {
                lastSent = pipelined(line, lastSent, acked);
            }
        }
        long acknowledgedPrefix = 0;
        while (acked.contains(acknowledgedPrefix + 1))
        {
            acknowledgedPrefix++;
        }
        assertThat(lastSent - acknowledgedPrefix).as("killed with sends unacknowledged: mid-window")
            .isBetween(0L, (long)window);
        try (PublishSpool spool = PublishSpool.open(config("interval:1ms")))
        {
            final long cursor = spool.deliveredSequence();
            assertThat(cursor).as("never past a message whose answer had not come").isLessThanOrEqualTo(
                acknowledgedPrefix);
            assertThat(acknowledgedPrefix - cursor).as("repeats at most one drain call's messages")
                .isLessThanOrEqualTo(DRAIN_BATCH);
            final List<Got> rest = drainAll(spool);
            assertThat(rest).hasSize((int)(total - cursor));
            for (int k = 0; k < rest.size(); k++)
            {
                assertThat(rest.get(k).sequence()).isEqualTo(cursor + 1 + k);
                assertThat(rest.get(k).payload()).isEqualTo("m" + (cursor + 1 + k));
            }
        }
    }

    private static long pipelined(final String line, final long lastSent, final java.util.Set<Long> acked)
    {
        if (line.startsWith("ACKED "))
        {
            acked.add(Long.parseLong(line.substring("ACKED ".length())));
            return lastSent;
        }
        if (!line.startsWith("SENT "))
        {
            return lastSent;
        }
        final long sequence = Long.parseLong(line.substring("SENT ".length()));
        assertThat(sequence).as("sent in order, once").isEqualTo(lastSent + 1);
        return sequence;
    }

    private Process start(final String mode, final String n, final String policy, final String run)
        throws IOException
    {
        final List<String> args = new ArrayList<>(List.of(mode, dir.resolve("spool").toString(), n, policy));
        if (!run.isEmpty())
        {
            args.add(run);
        }
        final List<String> command = ChildJvm.command(SpoolChildMain.class.getName(), args);
        command.add(1, "-Xmx128m");
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static BufferedReader stdout(final Process process)
    {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    private static int acknowledge(final String line, final Map<Long, String> acknowledged)
    {
        if (!line.startsWith("ACK "))
        {
            return 0;
        }
        final String[] parts = line.split(" ");
        if (parts.length != 3)
        {
            return 0; // The kill cut the line: its append returned, but the gateway would not have acknowledged it.
        }
        assertThat(acknowledged.put(Long.parseLong(parts[1]), parts[2])).as("sequence given twice").isNull();
        return 1;
    }

    private static long delivered(final String line, final long lastPrinted)
    {
        if (!line.startsWith("DELIVERED "))
        {
            return lastPrinted;
        }
        final long sequence = Long.parseLong(line.substring("DELIVERED ".length()));
        assertThat(sequence).as("in order, once").isEqualTo(lastPrinted + 1);
        return sequence;
    }

    /** SIGKILL through kill(1): Process.destroyForcibly would also close our end of the child's output pipe. */
    private static void kill9(final Process process) throws InterruptedException, IOException
    {
        final Process kill = new ProcessBuilder("kill", "-9", Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("child gone after SIGKILL").isTrue();
    }
}
