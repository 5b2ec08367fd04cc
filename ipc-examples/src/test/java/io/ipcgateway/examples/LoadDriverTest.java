package io.ipcgateway.examples;

import io.ipcgateway.core.OfferResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoadDriverTest
{
    @Test
    void shouldSendExactlyTheBudgetSharedByAllClients() throws Exception
    {
        final AtomicLong delivered = new AtomicLong();

        final LoadDriver.Result result = LoadDriver.run(4, 10_003, 0, (client) -> delivered::incrementAndGet);

        assertThat(result.failure()).isNull();
        assertThat(result.totalCompletions()).isEqualTo(10_003);
        assertThat(result.totalAttempts()).isEqualTo(10_003);
        assertThat(delivered.get()).isEqualTo(10_003);
        assertThat(result.latency().getTotalCount()).isEqualTo(10_003);
        assertThat(result.completions()).hasSize(4);
        assertThat(result.elapsedNanos()).isPositive();
    }

    @Test
    void shouldRunHundredsOfClients() throws Exception
    {
        final LoadDriver.Result result = LoadDriver.run(300, 30_000, 0, (client) -> () -> OfferResult.OK);

        assertThat(result.failure()).isNull();
        assertThat(result.totalCompletions()).isEqualTo(30_000);
        assertThat(result.latency().getTotalCount()).isEqualTo(30_000);
    }

    @Test
    void shouldGiveEachClientItsOwnSender() throws Exception
    {
        final AtomicLong[] perClient = {new AtomicLong(), new AtomicLong(), new AtomicLong()};

        final LoadDriver.Result result = LoadDriver.run(3, 3_000, 0, (client) -> perClient[client]::incrementAndGet);

        for (int client = 0; client < 3; client++)
        {
            assertThat(result.completions()[client]).isEqualTo(perClient[client].get());
        }
    }

    @Test
    void shouldRunUntilTheDeadlineWhenTimed() throws Exception
    {
        final long duration = TimeUnit.MILLISECONDS.toNanos(200);

        final LoadDriver.Result result = LoadDriver.run(2, 0, duration, (client) -> () -> OfferResult.OK);

        assertThat(result.failure()).isNull();
        assertThat(result.elapsedNanos()).isGreaterThanOrEqualTo(duration);
        assertThat(result.completions()).doesNotContain(0L);
    }

    @Test
    void shouldStopEveryClientAtTheFirstFailure() throws Exception
    {
        final AtomicLong calls = new AtomicLong();

        final LoadDriver.Result result = LoadDriver.run(2, 1_000_000, 0,
            (client) -> () -> calls.incrementAndGet() == 100 ? OfferResult.TIMED_OUT : OfferResult.OK);

        assertThat(result.failure()).contains("failed after").contains("TIMED_OUT");
        assertThat(result.totalCompletions()).isLessThan(1_000_000);
        assertThat(result.totalAttempts()).isEqualTo(result.totalCompletions() + 1);
    }

    @Test
    void shouldReportAnExceptionFromASender() throws Exception
    {
        final LoadDriver.Result result = LoadDriver.run(1, 10, 0, (client) -> () ->
        {
            throw new IllegalStateException("peer went away");
        });

        assertThat(result.failure()).contains("client 0 failed after 0 messages: peer went away");
    }

    @Test
    void shouldReportASenderThatCannotBeCreated() throws Exception
    {
        final LoadDriver.Result result = LoadDriver.run(2, 10, 0, (client) ->
        {
            if (client == 1)
            {
                throw new IllegalStateException("no ring");
            }
            return () -> OfferResult.OK;
        });

        assertThat(result.failure()).isEqualTo("client 1 could not start: no ring");
    }
}
