package io.ipcgateway.examples;

import io.ipcgateway.core.OfferResult;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs N client threads that each call their {@link Sender} in a loop, for a shared message budget or for a
 * duration, and records how long each call takes.
 * <p>
 * The threads draw messages from one budget in small batches, so a thread that gets more of the connection
 * completes more messages: that difference is what {@link Fairness} reports. Each thread records latency into
 * its own histogram (no sharing, no allocation per message); they are merged once at the end. The first failed
 * call stops every thread, since a lost message makes the run's figures meaningless.
 */
public final class LoadDriver
{
    /** The largest latency a histogram tracks; longer samples are recorded as this value. */
    public static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** Client threads up to which histograms keep 3 significant digits (about 220 KB each), then 2 (30 KB). */
    private static final int PRECISE_CLIENTS = 64;
    private static final int MAX_BATCH = 64;

    /**
     * Sends one message (and, for request/response, waits for its response) for one client thread.
     */
    @FunctionalInterface
    public interface Sender
    {
        /**
         * Sends one message.
         *
         * @return a non-negative value on success, else an {@link OfferResult} code saying why it failed.
         */
        long send();
    }

    /**
     * Makes the sender of each client thread; called on that thread before the run starts, so a sender may
     * hold per-thread state such as a reusable claim or an idle strategy.
     */
    @FunctionalInterface
    public interface SenderFactory
    {
        /**
         * Creates the sender of one client thread.
         *
         * @param client the client's index, from 0.
         * @return the sender.
         */
        Sender create(int client);
    }

    /**
     * What a run did.
     *
     * @param attempts     calls per client, including a failed last one.
     * @param completions  successful calls per client.
     * @param latency      the duration of every successful call, in nanoseconds.
     * @param elapsedNanos from the common start to the last thread's end.
     * @param failure      the first failure, or {@code null} when every call succeeded.
     */
    public record Result(long[] attempts, long[] completions, Histogram latency, long elapsedNanos, String failure)
    {
        /**
         * The calls of all clients.
         *
         * @return the sum of {@link #attempts()}.
         */
        public long totalAttempts()
        {
            return sum(attempts);
        }

        /**
         * The successful calls of all clients.
         *
         * @return the sum of {@link #completions()}.
         */
        public long totalCompletions()
        {
            return sum(completions);
        }

        private static long sum(final long[] values)
        {
            long total = 0;
            for (final long value : values)
            {
                total += value;
            }
            return total;
        }
    }

    private LoadDriver()
    {
    }

    /**
     * Runs the load and waits for every thread to finish.
     *
     * @param clients       how many client threads.
     * @param messages      the budget shared by all threads, or 0 to run for {@code durationNanos}.
     * @param durationNanos how long to run when {@code messages} is 0.
     * @param factory       makes each thread's sender.
     * @return what happened.
     * @throws InterruptedException when interrupted while waiting for the threads.
     */
    public static Result run(final int clients, final long messages, final long durationNanos,
        final SenderFactory factory) throws InterruptedException
    {
        return run(clients, messages, durationNanos, factory, new AtomicReference<>());
    }

    /**
     * Runs the load and waits for every thread to finish, stopping early once {@code stop} holds a reason: the
     * first failure sets it, and so may another thread (a shutdown hook, say) to end the run cleanly.
     *
     * @param clients       how many client threads.
     * @param messages      the budget shared by all threads, or 0 to run for {@code durationNanos}.
     * @param durationNanos how long to run when {@code messages} is 0.
     * @param factory       makes each thread's sender.
     * @param stop          why the run stopped early; {@code null} while it runs.
     * @return what happened; its {@link Result#failure()} is the reason in {@code stop}.
     * @throws InterruptedException when interrupted while waiting for the threads.
     */
    public static Result run(final int clients, final long messages, final long durationNanos,
        final SenderFactory factory, final AtomicReference<String> stop) throws InterruptedException
    {
        final AtomicLong budget = new AtomicLong(messages);
        final int batch = (int)Math.max(1, Math.min(MAX_BATCH, messages / (clients * 16L)));
        final AtomicReference<String> failure = stop;
        final CountDownLatch prepared = new CountDownLatch(clients);
        final CountDownLatch start = new CountDownLatch(1);
        final long[] attempts = new long[clients];
        final long[] completions = new long[clients];
        final Histogram[] histograms = new Histogram[clients];
        final long[] startAndDeadline = new long[2];
        final List<Thread> threads = new ArrayList<>(clients);
        // 512 clients at 3 digits would hold over 100 MB of histograms; 2 digits (1 %) is plenty for percentiles.
        final int significantDigits = clients <= PRECISE_CLIENTS ? 3 : 2;

        for (int i = 0; i < clients; i++)
        {
            final int client = i;
            histograms[i] = new Histogram(HIGHEST_TRACKABLE_NANOS, significantDigits);
            final Thread thread = new Thread(() ->
            {
                Sender sender = null;
                try
                {
                    sender = factory.create(client);
                }
                catch (final RuntimeException ex)
                {
                    failure.compareAndSet(null, "client " + client + " could not start: " + CommandRunner.describe(ex));
                }
                prepared.countDown();
                try
                {
                    start.await();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (sender != null)
                {
                    final long deadline = startAndDeadline[1];
                    final Histogram histogram = histograms[client];
                    final long[] counts = runClient(sender, budget, batch, messages == 0, deadline, histogram,
                        failure, client);
                    attempts[client] = counts[0];
                    completions[client] = counts[1];
                }
            }, "load-client-" + i);
            threads.add(thread);
            thread.start();
        }

        prepared.await();
        final long startNanos = System.nanoTime();
        startAndDeadline[0] = startNanos;
        startAndDeadline[1] = startNanos + durationNanos;
        start.countDown();
        for (final Thread thread : threads)
        {
            thread.join();
        }
        final long elapsedNanos = System.nanoTime() - startNanos;

        final Histogram merged = new Histogram(HIGHEST_TRACKABLE_NANOS, significantDigits);
        for (final Histogram histogram : histograms)
        {
            merged.add(histogram);
        }
        return new Result(attempts, completions, merged, elapsedNanos, failure.get());
    }

    private static long[] runClient(
        final Sender sender,
        final AtomicLong budget,
        final int batch,
        final boolean timed,
        final long deadline,
        final Histogram histogram,
        final AtomicReference<String> failure,
        final int client)
    {
        long attempts = 0;
        long completions = 0;
        long granted = 0;
        long now = System.nanoTime();
        while (failure.get() == null)
        {
            if (timed)
            {
                if (now - deadline >= 0)
                {
                    break;
                }
            }
            else if (granted == 0)
            {
                final long before = budget.getAndAdd(-batch);
                if (before <= 0)
                {
                    break;
                }
                granted = Math.min(batch, before);
            }

            attempts++;
            final long begin = System.nanoTime();
            long result;
            try
            {
                result = sender.send();
            }
            catch (final RuntimeException ex)
            {
                failure.compareAndSet(null, "client " + client + " failed after " + completions + " messages: "
                    + CommandRunner.describe(ex));
                break;
            }
            now = System.nanoTime();
            if (result < 0)
            {
                failure.compareAndSet(null, "client " + client + " failed after " + completions + " messages: "
                    + OfferResult.describe(result));
                break;
            }
            histogram.recordValue(Math.min(now - begin, HIGHEST_TRACKABLE_NANOS));
            completions++;
            granted--;
        }
        return new long[] {attempts, completions};
    }
}
