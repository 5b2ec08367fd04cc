package io.ipcgateway.examples;

import io.ipcgateway.core.IdleMode;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LoadReportTest
{
    private static final LatencySummary LATENCY = new LatencySummary(
        1000, 5_000, 9_000, 20_000, 50_000, 1_200_000);

    @Test
    void shouldReadPercentilesFromTheHistogram()
    {
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        for (int micros = 1; micros <= 1000; micros++)
        {
            histogram.recordValue(micros * 1_000L);
        }

        final LatencySummary summary = LatencySummary.of(histogram);

        assertThat(summary.count()).isEqualTo(1000);
        assertThat(LatencySummary.micros(summary.p50Nanos())).isCloseTo(500.0, within(1.0));
        assertThat(LatencySummary.micros(summary.p90Nanos())).isCloseTo(900.0, within(1.0));
        assertThat(LatencySummary.micros(summary.p99Nanos())).isCloseTo(990.0, within(1.0));
        assertThat(LatencySummary.micros(summary.p999Nanos())).isCloseTo(999.0, within(1.0));
        assertThat(LatencySummary.micros(summary.maxNanos())).isCloseTo(1000.0, within(1.0));
    }

    @Test
    void shouldSummariseAnEmptyHistogramAsZeros()
    {
        assertThat(LatencySummary.of(new Histogram(3))).isEqualTo(LatencySummary.EMPTY);
    }

    @Test
    void shouldCompareTheSlowestClientWithTheMedianOne()
    {
        final Fairness fairness = Fairness.of(new long[] {100, 40, 90, 120, 80});

        assertThat(fairness.slowest()).isEqualTo(40);
        assertThat(fairness.median()).isEqualTo(90);
        assertThat(fairness.fastest()).isEqualTo(120);
        assertThat(fairness.ratio()).isCloseTo(40.0 / 90.0, within(1e-9));
    }

    @Test
    void shouldCompareTheTwoClientsOfAPair()
    {
        assertThat(Fairness.of(new long[] {30, 60}).ratio()).isCloseTo(0.5, within(1e-9));
        assertThat(Fairness.of(new long[] {7}).ratio()).isEqualTo(1.0);
    }

    @Test
    void shouldCallItUnfairWhenMostClientsCompletedNothing()
    {
        assertThat(Fairness.of(new long[] {0, 0, 0, 500}).ratio()).isEqualTo(0.0);
        assertThat(Fairness.of(new long[] {0, 0, 0}).ratio()).isEqualTo(1.0);
    }

    @Test
    void shouldCountMissingMessagesAndRates()
    {
        final LoadReport report = report(LoadMode.ONEWAY, 1000, 990, 2);

        assertThat(report.missing()).isEqualTo(10);
        assertThat(report.complete()).isFalse();
        assertThat(report.messagesPerSecond()).isCloseTo(495.0, within(1e-9));
        assertThat(report.megabytesPerSecond()).isCloseTo(495.0 * 64 / 1e6, within(1e-12));
    }

    @Test
    void shouldPrintFiguresForPeople()
    {
        final String text = report(LoadMode.RR, 1000, 1000, 4).toText();

        assertThat(text)
            .contains("echo rr: 4 clients, 64-byte messages, idle block")
            .contains("1000 sent, 1000 confirmed by responses, 0 missing")
            .contains("round trip in us: p50 5.0  p90 9.0  p99 20.0  p99.9 50.0  max 1200.0")
            .contains("fairness    0.50 (completions per client: slowest 100, median 200, fastest 300)");
    }

    @Test
    void shouldLeaveFairnessOutForOneClient()
    {
        assertThat(report(LoadMode.ONEWAY, 10, 10, 1).toText())
            .contains("confirmed by the server's count")
            .contains("offer in us")
            .doesNotContain("fairness");
    }

    @Test
    void shouldWriteTheSameFiguresAsJson() throws Exception
    {
        final Map<String, Object> json = JsonFigures.parse(report(LoadMode.RR, 1000, 998, 4).toJson());

        assertThat(json)
            .containsEntry("service", "echo")
            .containsEntry("mode", "rr")
            .containsEntry("idle", "block")
            .containsEntry("clients", 4L)
            .containsEntry("messageSize", 64L)
            .containsEntry("messagesSent", 1000L)
            .containsEntry("messagesConfirmed", 998L)
            .containsEntry("messagesMissing", 2L)
            .containsEntry("complete", false)
            .containsEntry("elapsedSeconds", 2.0)
            .containsEntry("messagesPerSecond", 499.0)
            .containsEntry("latencyMeasures", "round trip")
            .containsEntry("latencySamples", 1000L)
            .containsEntry("latencyP50Micros", 5.0)
            .containsEntry("latencyP999Micros", 50.0)
            .containsEntry("latencyMaxMicros", 1200.0)
            .containsEntry("fairness", 0.5)
            .containsEntry("slowestClientCompletions", 100L)
            .containsEntry("medianClientCompletions", 200L)
            .containsEntry("fastestClientCompletions", 300L);
    }

    @Test
    void shouldReportAFailureAsIncompleteInTextAndJson() throws Exception
    {
        final LoadReport ok = report(LoadMode.RR, 10, 10, 1);
        final LoadReport failed = new LoadReport("echo", LoadMode.RR, IdleMode.SPIN, 1, 64, 10, 10, 1, LATENCY,
            new Fairness(10, 10, 10), "client 0 failed after 10 messages: TIMED_OUT");

        assertThat(ok.complete()).isTrue();
        assertThat(JsonFigures.parse(ok.toJson())).doesNotContainKey("failure");
        assertThat(failed.complete()).isFalse();
        assertThat(failed.toText()).contains("failure     client 0 failed after 10 messages: TIMED_OUT");
        assertThat(JsonFigures.parse(failed.toJson()))
            .containsEntry("complete", false)
            .containsEntry("failure", "client 0 failed after 10 messages: TIMED_OUT");
    }

    @Test
    void shouldRoundDecimalsToThreePlacesAndEscapeText() throws Exception
    {
        // 7 confirmed in 3 s: 2.333... per second.
        final LoadReport report = new LoadReport("echo \"quoted\"\n", LoadMode.RR, IdleMode.BLOCK, 1, 64, 7, 7,
            TimeUnit.SECONDS.toNanos(3), LATENCY, new Fairness(7, 7, 7), null);
        final String text = report.toJson();

        assertThat(text).endsWith("}\n").contains("\"messagesPerSecond\" : 2.333,");
        assertThat(JsonFigures.parse(text))
            .containsEntry("service", "echo \"quoted\"\n")
            .containsEntry("messagesPerSecond", 2.333)
            .containsEntry("fairness", 1.0);
    }

    private static LoadReport report(final LoadMode mode, final long sent, final long confirmed, final int clients)
    {
        return new LoadReport("echo", mode, IdleMode.BLOCK, clients, 64, sent, confirmed,
            TimeUnit.SECONDS.toNanos(2), LATENCY, new Fairness(100, 200, 300), null);
    }
}
