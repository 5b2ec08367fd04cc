package io.ipcgateway.resilience.circuitbreaker;

import org.agrona.BitUtil;

/**
 * Layout of a breaker's state: the same bytes whether they live on the heap of one process ({@link CircuitBreaker})
 * or in the body of a shared state file ({@link SharedCircuitBreaker}, see
 * {@link io.ipcgateway.resilience.shared.SharedStateDescriptor}). Every word is a 64-bit little-endian long
 * updated with atomic operations only (compare-and-set, get-and-add, get-and-set): no lock, so a process killed
 * at any instant leaves nothing held.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |  State word: state (3 bits) | attempts (9) | generation (12) | 0
 *  |  payload (40): OPEN = end of the wait, ms after Base;         |
 *  |  HALF_OPEN = trial permits left                               |
 *  +---------------------------------------------------------------+
 *  |  Base (clock nanos at creation; System.nanoTime is             | 8
 *  |  CLOCK_MONOTONIC, shared by every process of one boot)        |
 *  +---------------------------------------------------------------+
 *  |  HALF_OPEN since: generation (12) | ms after Base (52)        | 16
 *  +---------------------------------------------------------------+
 *  |  Window type (int) | Window size (int) | Permitted (int)      | 24
 *  |  Minimum number of calls (int)                                | 36
 *  |  Failure rate threshold (float) | Slow call rate threshold    | 40
 *  |  (float), percent                                             |
 *  |  Slow call duration threshold (long, ns)                      | 48
 *  +---------------------------------------------------------------+
 *  |  Reserved (0) up to 128                                       | 56
 *  +---------------------------------------------------------------+
 *  |  CLOSED window, from 128:                                     | 128
 *  |   COUNT_BASED: Sequence (+0), Counters (+8), Slots (+64, one  |
 *  |   long per call: generation | outcome bits)                   |
 *  |   TIME_BASED: Head (+0), window Totals: calls, failed, slow   |
 *  |   (+8, +16, +24), then from +64 one 24-byte bucket per second:|
 *  |   Total, Failed, Slow, each pending (1 bit) | second mod 2^19 |
 *  |   | generation (12) | count (32 bits)                         |
 *  +---------------------------------------------------------------+
 *  |  HALF_OPEN window (64-aligned): count-based, size Permitted   |
 *  +---------------------------------------------------------------+
 *  |  Call totals: CALL_STRIPES stripes of 128 bytes, each         |
 *  |  Successful (+0), Failed (+8), Slow (+16), Not permitted      |
 *  |  (+24): cumulative, get-and-add by the threads that hash to   |
 *  |  the stripe                                                   |
 *  +---------------------------------------------------------------+
 * </pre>
 * The settings from offset 36 on are written once by the creator and never decide anything in the processes (each
 * has its config, checked against the file's fingerprint): they are there so that an observer without the config
 * ({@code bin/ipc stat}) can tell whether a window's failure rate is meaningful yet and what the breaker would
 * decide.
 * <p>
 * Call totals count every outcome reported ({@code onSuccess}/{@code onError}, not ignored errors) in every
 * state, and every rejection, over the breaker's life; they never decide anything. They are striped (a reader
 * sums the stripes) so that threads on different cores add to different cache lines instead of passing one line
 * back and forth.
 * Counters (count-based window): generation (12 bits) | slow (17) | failed (17) | total (17), each field
 * biased by {@link #COUNTER_BIAS} so the short-lived negative values of racing updates never borrow from the next
 * field. A window belongs to one generation of the state word: a state change starts a new generation, so a new
 * window starts empty without anyone clearing it (the first call of the new generation resets the counters, and
 * slots or buckets of an older generation count as empty). A time window keeps running totals of every second but
 * the head's, so a call costs the same whatever the window's length: the head second's bucket is pending (its counts
 * are not in the totals yet, and a success adds to it with one compare-and-set); the thread that moves the head to
 * a new second settles the old head's bucket (clears the flag and adds its counts to the totals) and empties the
 * buckets it passes; every count enters and leaves the totals exactly once, because each bucket word changes by
 * compare-and-set. A decision reads the totals plus the head bucket. A slot's sequence number orders
 * racing writers: a call that finds a later call already in its slot has left the window before arriving and
 * counts nowhere.
 */
public final class CircuitBreakerDescriptor
{
    /** Offset of the state word. */
    public static final int STATE_OFFSET = 0;

    /** Offset of the base time. */
    public static final int BASE_NS_OFFSET = 8;

    /** Offset of the HALF_OPEN entry time. */
    public static final int HALF_OPEN_SINCE_OFFSET = 16;

    /** Offset of the window type (int, SlidingWindowType ordinal). */
    public static final int WINDOW_TYPE_OFFSET = 24;

    /** Offset of the window size (int). */
    public static final int WINDOW_SIZE_OFFSET = 28;

    /** Offset of the permitted number of calls in HALF_OPEN (int). */
    public static final int PERMITTED_OFFSET = 32;

    /** Offset of the minimum number of calls before a rate counts (int, as configured). */
    public static final int MINIMUM_CALLS_OFFSET = 36;

    /** Offset of the failure rate threshold (float, percent). */
    public static final int FAILURE_RATE_THRESHOLD_OFFSET = 40;

    /** Offset of the slow call rate threshold (float, percent). */
    public static final int SLOW_CALL_RATE_THRESHOLD_OFFSET = 44;

    /** Offset of the slow call duration threshold (long, nanoseconds). */
    public static final int SLOW_CALL_DURATION_OFFSET = 48;

    /** Number of stripes of the call totals (a power of two). */
    public static final int CALL_STRIPES = 16;

    /**
     * Length of one stripe of the call totals: two cache lines, so that the adjacent-line prefetcher of one core does
     * not pull in the neighbouring stripe another core is adding to.
     */
    public static final int CALL_STRIPE_LENGTH = 2 * BitUtil.CACHE_LINE_LENGTH;

    /** Within a stripe of the call totals: successful calls. */
    public static final int CALLS_SUCCESSFUL_OFFSET = 0;

    /** Within a stripe of the call totals: failed calls. */
    public static final int CALLS_FAILED_OFFSET = 8;

    /** Within a stripe of the call totals: slow calls (successful or failed). */
    public static final int CALLS_SLOW_OFFSET = 16;

    /** Within a stripe of the call totals: calls not permitted. */
    public static final int CALLS_NOT_PERMITTED_OFFSET = 24;

    /** Offset of the CLOSED window. */
    public static final int CLOSED_WINDOW_OFFSET = 128;

    /** Within a count window: the sequence of recorded calls. */
    public static final int WINDOW_SEQUENCE_OFFSET = 0;

    /** Within a count window: the packed counters. */
    public static final int WINDOW_COUNTERS_OFFSET = 8;

    /** Within a count window: the first slot. */
    public static final int WINDOW_SLOTS_OFFSET = 64;

    /** Within a time window: the head, second (52 bits) | generation (12), moved by compare-and-set. */
    public static final int TIME_HEAD_OFFSET = 0;

    /** Within a time window: the window's total calls, count | generation (12). */
    public static final int TIME_TOTAL_OFFSET = 8;

    /** Within a time window: the window's failed calls, count | generation (12). */
    public static final int TIME_FAILED_OFFSET = 16;

    /** Within a time window: the window's slow calls, count | generation (12). */
    public static final int TIME_SLOW_OFFSET = 24;

    /** Within a time window: the first bucket. */
    public static final int TIME_BUCKETS_OFFSET = 64;

    /** Length of a time window bucket: three words. */
    public static final int BUCKET_LENGTH = 24;

    /** Within a bucket: the total word. */
    public static final int BUCKET_TOTAL_OFFSET = 0;

    /** Within a bucket: the failed word. */
    public static final int BUCKET_FAILED_OFFSET = 8;

    /** Within a bucket: the slow word. */
    public static final int BUCKET_SLOW_OFFSET = 16;

    /** Bits of each counter field. */
    public static final int COUNTER_FIELD_BITS = 17;

    /** Bias of each counter field. */
    public static final long COUNTER_BIAS = 1L << 15;

    /** Shift of the generation tag in the counters word. */
    public static final int COUNTER_TAG_SHIFT = 3 * COUNTER_FIELD_BITS;

    /** Bits of the sequence number kept in a slot. */
    public static final int SLOT_SEQUENCE_BITS = 48;

    /** Shift of the sequence number in a slot. */
    public static final int SLOT_SEQUENCE_SHIFT = 15;

    /** Bits of the state in the state word. */
    public static final int STATE_BITS = 3;

    /** Shift of the attempts in the state word. */
    public static final int ATTEMPTS_SHIFT = 3;

    /** Largest attempt the state word holds (later attempts keep this value). */
    public static final int MAX_ATTEMPTS = (1 << 9) - 1;

    /** Shift of the generation in the state word. */
    public static final int GENERATION_SHIFT = 12;

    /** Mask of the generation (12 bits). */
    public static final int GENERATION_MASK = (1 << 12) - 1;

    /** Shift of the payload in the state word. */
    public static final int PAYLOAD_SHIFT = 24;

    /** Largest payload (40 bits). */
    public static final long MAX_PAYLOAD = (1L << 40) - 1;

    private CircuitBreakerDescriptor()
    {
    }

    /**
     * Length of a count window of a size.
     *
     * @param size slots.
     * @return bytes, a multiple of 64.
     */
    public static int countWindowLength(final int size)
    {
        return BitUtil.align(WINDOW_SLOTS_OFFSET + size * Long.BYTES, BitUtil.CACHE_LINE_LENGTH);
    }

    /**
     * Length of the CLOSED window of a config.
     *
     * @param config the config.
     * @return bytes, a multiple of 64.
     */
    public static int closedWindowLength(final CircuitBreakerConfig config)
    {
        return closedWindowLength(config.slidingWindowType() == SlidingWindowType.COUNT_BASED,
            config.slidingWindowSize());
    }

    /**
     * Length of a CLOSED window.
     *
     * @param countBased whether it is count-based (else time-based).
     * @param windowSize its size: calls, or seconds.
     * @return bytes, a multiple of 64.
     */
    public static int closedWindowLength(final boolean countBased, final int windowSize)
    {
        return countBased ? countWindowLength(windowSize) :
            BitUtil.align(TIME_BUCKETS_OFFSET + windowSize * BUCKET_LENGTH, BitUtil.CACHE_LINE_LENGTH);
    }

    /**
     * Offset of the HALF_OPEN window.
     *
     * @param config the config.
     * @return the offset.
     */
    public static int halfOpenWindowOffset(final CircuitBreakerConfig config)
    {
        return CLOSED_WINDOW_OFFSET + closedWindowLength(config);
    }

    /**
     * Offset of the call totals (the first stripe).
     *
     * @param config the config.
     * @return the offset, a multiple of 64.
     */
    public static int callTotalsOffset(final CircuitBreakerConfig config)
    {
        return callTotalsOffset(config.slidingWindowType() == SlidingWindowType.COUNT_BASED,
            config.slidingWindowSize(), config.permittedNumberOfCallsInHalfOpenState());
    }

    /**
     * Offset of the call totals from the values the state itself holds (window type, window size and permitted
     * calls), for a reader that has no config.
     *
     * @param countBased whether the CLOSED window is count-based.
     * @param windowSize the CLOSED window's size.
     * @param permitted  the permitted calls in HALF_OPEN.
     * @return the offset, a multiple of 64.
     */
    public static int callTotalsOffset(final boolean countBased, final int windowSize, final int permitted)
    {
        return CLOSED_WINDOW_OFFSET + closedWindowLength(countBased, windowSize) + countWindowLength(permitted);
    }

    /**
     * Length of the whole state.
     *
     * @param config the config.
     * @return bytes, a multiple of 64.
     */
    public static int length(final CircuitBreakerConfig config)
    {
        return callTotalsOffset(config) + CALL_STRIPES * CALL_STRIPE_LENGTH;
    }

    /**
     * Length of the whole state from the values the state itself holds, for a reader that has no config.
     *
     * @param countBased whether the CLOSED window is count-based.
     * @param windowSize the CLOSED window's size.
     * @param permitted  the permitted calls in HALF_OPEN.
     * @return bytes, a multiple of 64.
     */
    public static int length(final boolean countBased, final int windowSize, final int permitted)
    {
        return callTotalsOffset(countBased, windowSize, permitted) + CALL_STRIPES * CALL_STRIPE_LENGTH;
    }

    /**
     * Packs a state word.
     *
     * @param state      the state.
     * @param attempts   the attempts, capped at {@link #MAX_ATTEMPTS}.
     * @param generation the generation (taken mod 4096).
     * @param payload    the payload, clamped to 0 to {@link #MAX_PAYLOAD}.
     * @return the word.
     */
    public static long stateWord(final int state, final int attempts, final int generation, final long payload)
    {
        return state | (long)Math.min(Math.max(attempts, 0), MAX_ATTEMPTS) << ATTEMPTS_SHIFT
            | (long)(generation & GENERATION_MASK) << GENERATION_SHIFT
            | Math.min(Math.max(payload, 0), MAX_PAYLOAD) << PAYLOAD_SHIFT;
    }

    /**
     * The state code of a state word.
     *
     * @param word the word.
     * @return the code.
     */
    public static int stateCode(final long word)
    {
        return (int)(word & ((1 << STATE_BITS) - 1));
    }

    /**
     * The attempts of a state word.
     *
     * @param word the word.
     * @return the attempts.
     */
    public static int attempts(final long word)
    {
        return (int)((word >>> ATTEMPTS_SHIFT) & MAX_ATTEMPTS);
    }

    /**
     * The generation of a state word.
     *
     * @param word the word.
     * @return the generation.
     */
    public static int generation(final long word)
    {
        return (int)((word >>> GENERATION_SHIFT) & GENERATION_MASK);
    }

    /**
     * The payload of a state word.
     *
     * @param word the word.
     * @return the payload.
     */
    public static long payload(final long word)
    {
        return word >>> PAYLOAD_SHIFT;
    }

    /**
     * Empty counters of a generation.
     *
     * @param generation the generation.
     * @return the counters word.
     */
    public static long emptyCounters(final int generation)
    {
        return (long)(generation & GENERATION_MASK) << COUNTER_TAG_SHIFT | COUNTER_BIAS << (2 * COUNTER_FIELD_BITS)
            | COUNTER_BIAS << COUNTER_FIELD_BITS | COUNTER_BIAS;
    }
}
