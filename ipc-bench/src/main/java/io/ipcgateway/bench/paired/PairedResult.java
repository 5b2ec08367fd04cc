package io.ipcgateway.bench.paired;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

import io.ipcgateway.bench.report.ResultTable;

/**
 * The figures of a {@link PairedRun}: one {@link Phase} per transport and round, and what they say side by side.
 *
 * @param spec   what was run.
 * @param phases every measured phase, in the order they ran.
 */
public record PairedResult(PairedSpec spec, List<Phase> phases)
{
    /**
     * One transport's phase of one round.
     *
     * @param round     the round, from 0.
     * @param transport its name.
     * @param msgsPerSec messages (one-way) or round trips (ping-pong) per second over the phase.
     * @param p50Us     ping-pong: the median round trip in microseconds; NaN one-way.
     * @param p99Us     ping-pong: the 99th percentile; NaN one-way.
     * @param producerCpuNsPerMsg CPU time the producer threads spent in the phase per message sent, in ns (NaN when
     *                  unknown): unlike the rate, it hardly depends on how much of a core the threads got, so it
     *                  compares the send paths' costs on a machine with more busy threads than cores.
     */
    public record Phase(int round, String transport, double msgsPerSec, double p50Us, double p99Us,
        double producerCpuNsPerMsg)
    {
        /**
         * A phase whose producer CPU time was not measured.
         *
         * @param round      the round, from 0.
         * @param transport  its name.
         * @param msgsPerSec messages or round trips per second.
         * @param p50Us      ping-pong median, or NaN.
         * @param p99Us      ping-pong 99th percentile, or NaN.
         */
        public Phase(final int round, final String transport, final double msgsPerSec, final double p50Us,
            final double p99Us)
        {
            this(round, transport, msgsPerSec, p50Us, p99Us, Double.NaN);
        }

        String describe(final boolean pingPong)
        {
            return pingPong ? String.format("%.2f/%.2f us", p50Us, p99Us) : ResultTable.rate(msgsPerSec);
        }
    }

    /**
     * Copies the phases.
     */
    public PairedResult
    {
        phases = List.copyOf(phases);
    }

    /**
     * One transport's figure in every round, in round order.
     *
     * @param transport the transport's name.
     * @param figure    which figure of a phase, e.g. {@code Phase::msgsPerSec}.
     * @return one value per round.
     */
    public double[] perRound(final String transport, final ToDoubleFunction<Phase> figure)
    {
        return phases.stream().filter(phase -> phase.transport().equals(transport)).mapToDouble(figure).toArray();
    }

    /**
     * A peer's figure divided by the first transport's, round by round (the figure: msgs/s one-way, p50 ping-pong).
     *
     * @param peer a transport of the run other than the first.
     * @return one ratio per round: above 1 the peer is faster one-way, slower in ping-pong.
     */
    public double[] ratios(final String peer)
    {
        final ToDoubleFunction<Phase> figure = spec.pingPong() ? Phase::p50Us : Phase::msgsPerSec;
        final double[] ours = perRound(spec.transports().get(0), figure);
        final double[] theirs = perRound(peer, figure);
        final double[] ratios = new double[Math.min(ours.length, theirs.length)];
        for (int i = 0; i < ratios.length; i++)
        {
            ratios[i] = theirs[i] / ours[i];
        }
        return ratios;
    }

    /**
     * The report printed at the end of a run.
     *
     * @return a table of medians and ranges per transport, then each peer's ratio to the first transport.
     */
    public String format()
    {
        final StringBuilder out = new StringBuilder();
        final String first = spec.transports().get(0);
        out.append(String.format("%s, %d B,%s %d rounds of %d ms per transport (medians, [min - max] over rounds)%n",
            spec.modeLabel(), spec.size(), spec.producers() == 1 ? "" : " " + spec.producers() + " producers,",
            spec.rounds(), spec.phaseNs() / 1_000_000));
        for (final String transport : spec.transports())
        {
            final double[] rates = perRound(transport, Phase::msgsPerSec);
            out.append(String.format("  %-8s %s msgs/s [%s - %s]", transport, ResultTable.rate(median(rates)),
                ResultTable.rate(min(rates)), ResultTable.rate(max(rates))));
            final double[] cpu = perRound(transport, Phase::producerCpuNsPerMsg);
            if (!spec.pingPong() && !Double.isNaN(median(cpu)))
            {
                out.append(String.format(", producer CPU %.1f ns/msg [%.1f - %.1f]", median(cpu), min(cpu), max(cpu)));
            }
            if (spec.pingPong())
            {
                final double[] p50 = perRound(transport, Phase::p50Us);
                final double[] p99 = perRound(transport, Phase::p99Us);
                out.append(String.format(", p50 %.3f us [%.3f - %.3f], p99 %.3f us", median(p50), min(p50),
                    max(p50), median(p99)));
            }
            out.append(System.lineSeparator());
        }
        for (final String peer : spec.transports().subList(1, spec.transports().size()))
        {
            final double[] ratios = ratios(peer);
            out.append(String.format("  %s / %s %s per round: median %.3f, [%.3f - %.3f]%n", peer, first,
                spec.pingPong() ? "p50" : "msgs/s", median(ratios), min(ratios), max(ratios)));
            if (!spec.pingPong())
            {
                final double[] cpuRatios = cpuRatios(peer);
                if (cpuRatios.length > 0)
                {
                    out.append(String.format("  %s / %s producer CPU per msg per round: median %.3f, [%.3f - %.3f]%n",
                        first, peer, median(cpuRatios), min(cpuRatios), max(cpuRatios)));
                }
            }
        }
        return out.toString();
    }

    /**
     * Per round, the first transport's producer CPU time per message over the peer's (above 1: ours costs more).
     *
     * @param peer a transport of the run other than the first.
     * @return one ratio per round where both were measured.
     */
    public double[] cpuRatios(final String peer)
    {
        final String first = spec.transports().get(0);
        final double[] ours = perRound(first, Phase::producerCpuNsPerMsg);
        final double[] theirs = perRound(peer, Phase::producerCpuNsPerMsg);
        return java.util.stream.IntStream.range(0, Math.min(ours.length, theirs.length))
            .filter(i -> !Double.isNaN(ours[i]) && !Double.isNaN(theirs[i]) && theirs[i] > 0)
            .mapToDouble(i -> ours[i] / theirs[i]).toArray();
    }

    static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int n = sorted.length;
        return n == 0 ? Double.NaN : (n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2);
    }

    private static double min(final double[] values)
    {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double max(final double[] values)
    {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }
}
