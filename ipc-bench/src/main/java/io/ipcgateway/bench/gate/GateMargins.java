package io.ipcgateway.bench.gate;

/**
 * The margins {@code bench gate} holds ours ({@code ipc}) to, against Unix sockets ({@code uds}) measured in the
 * same run. Generous on purpose: the gate is to catch regressions of several times, never to fail on the noise of a
 * shared machine.
 *
 * @param minOneWayRatio      one-way 32 B, 1 producer: our msgs/s at least this many times the sockets'.
 * @param minRrRatio          rr-32c: our msgs/s at least this many times the sockets'.
 * @param minRrFairness       rr-32c: our fairness (slowest client / median client) at least this.
 * @param maxBlockingP50Ratio blocking ping-pong: our p50 round trip at most this many times the sockets'.
 */
public record GateMargins(double minOneWayRatio, double minRrRatio, double minRrFairness, double maxBlockingP50Ratio)
{
    /** Default of {@link #minOneWayRatio()}. */
    public static final double DEFAULT_MIN_ONE_WAY_RATIO = 5.0;
    /** Default of {@link #minRrRatio()}. */
    public static final double DEFAULT_MIN_RR_RATIO = 1.0;
    /**
     * The fairness issue 16 asks the gate to hold rr-32c to; not yet the default, see
     * {@link #DEFAULT_MIN_RR_FAIRNESS}.
     */
    public static final double TARGET_MIN_RR_FAIRNESS = 0.5;
    /**
     * Default of {@link #minRrFairness()}: set from what the current code achieves, NOT from the target. Ours lets a
     * few of 32 blocking clients take the 2 cores while the others wait (issue 16): rr-32c fairness was 0.09 in the
     * issue's quick compare and 0.29 in docs/performance.md's run; on 2026-12-06 (a machine shared by other builds,
     * noisy) the gate measured 0.51 and 0.60 and a quick compare 0.77. A margin of {@link #TARGET_MIN_RR_FAIRNESS}
     * would fail some of those, so the default is half the worst figure known (0.09), which only catches a collapse.
     * Raise it to the target when the fair waiting strategy (branch fair-wait) is merged.
     */
    public static final double DEFAULT_MIN_RR_FAIRNESS = 0.05;
    /** Default of {@link #maxBlockingP50Ratio()}. */
    public static final double DEFAULT_MAX_BLOCKING_P50_RATIO = 1.5;
    /** The defaults. */
    public static final GateMargins DEFAULTS = new GateMargins(DEFAULT_MIN_ONE_WAY_RATIO, DEFAULT_MIN_RR_RATIO,
        DEFAULT_MIN_RR_FAIRNESS, DEFAULT_MAX_BLOCKING_P50_RATIO);

    /**
     * Check the values once.
     */
    public GateMargins
    {
        requirePositive("--min-oneway-ratio", minOneWayRatio);
        requirePositive("--min-rr-ratio", minRrRatio);
        requirePositive("--max-block-p50-ratio", maxBlockingP50Ratio);
        if (!(minRrFairness >= 0 && minRrFairness <= 1))
        {
            throw new IllegalArgumentException("--min-rr-fairness must be in [0, 1], but was " + minRrFairness);
        }
    }

    private static void requirePositive(final String option, final double value)
    {
        if (!(value > 0) || Double.isInfinite(value))
        {
            throw new IllegalArgumentException(option + " must be a positive finite number, but was " + value);
        }
    }
}
