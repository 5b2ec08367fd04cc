package io.ipcgateway.examples.resilience;

import java.util.Objects;
import java.util.function.Function;

import io.ipcgateway.core.MessageHandler;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.resilience.CallPermit;
import io.ipcgateway.resilience.bulkhead.Bulkhead;
import io.ipcgateway.resilience.bulkhead.BulkheadFullException;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreaker;
import io.ipcgateway.resilience.decorators.CircuitBreakerPermit;
import io.ipcgateway.resilience.decorators.Decorators;
import io.ipcgateway.resilience.ratelimiter.RateLimiter;
import io.ipcgateway.resilience.ratelimiter.RequestNotPermittedException;
import io.ipcgateway.resilience.retry.Retry;
import io.ipcgateway.shm.ShmClient;
import org.agrona.DirectBuffer;

/**
 * An {@link ShmClient} whose requests go through retry, circuit breaker, rate limiter and bulkhead (any of them, in
 * the fixed order of {@link Decorators}). It lives here, in the application module, so that ipc-resilience never
 * depends on the transport.
 * <p>
 * Outcomes are return codes, as for {@link ShmClient#request}: {@link OfferResult} codes from the transport, and
 * {@link #CALL_NOT_PERMITTED}, {@link #RATE_LIMITED} or {@link #BULKHEAD_FULL} when a step refused the call
 * (nothing was sent). The breaker is told each attempt's code as its result (its result predicate decides which
 * codes are failures, e.g. {@code PEER_DEAD}); a retry configured with {@code retryOnResult} retries codes such as
 * {@code BACK_PRESSURED}. A request that every step permits at once allocates nothing: the request's arguments
 * travel in a per-thread holder and the codes box to cached {@link Long}s.
 */
public final class ResilientShmClient
{
    /** The circuit breaker refused the call. */
    public static final long CALL_NOT_PERMITTED = -101;

    /** The rate limiter gave no permit within its timeout. */
    public static final long RATE_LIMITED = -102;

    /** The bulkhead had no free slot within its wait. */
    public static final long BULKHEAD_FULL = -103;

    private final ShmClient client;
    private final long timeoutNs;
    private final CallPermit circuitBreaker;
    private final Function<Request, Long> decorated;
    private final ThreadLocal<Request> requests = ThreadLocal.withInitial(Request::new);

    private ResilientShmClient(final Builder builder)
    {
        this.client = Objects.requireNonNull(builder.client, "client");
        this.timeoutNs = builder.timeoutNs;
        this.circuitBreaker = builder.circuitBreaker;
        final Decorators.OfFunction<Request, Long> chain = Decorators.ofFunction(this::send);
        if (builder.retry != null)
        {
            chain.withRetry(builder.retry);
        }
        if (builder.circuitBreaker != null)
        {
            chain.withCircuitBreaker(builder.circuitBreaker);
        }
        if (builder.rateLimiter != null)
        {
            chain.withRateLimiter(builder.rateLimiter);
        }
        if (builder.bulkhead != null)
        {
            chain.withBulkhead(builder.bulkhead);
        }
        this.decorated = chain.decorate();
    }

    /**
     * Starts a builder around a connected client.
     *
     * @param client    the client (still owned by the caller).
     * @param timeoutNs how long each attempt waits for its response.
     * @return the builder.
     */
    public static Builder builder(final ShmClient client, final long timeoutNs)
    {
        return new Builder(client, timeoutNs);
    }

    /**
     * Sends a request through the resilience steps and waits for its response.
     *
     * @param typeId     application type id (non-negative).
     * @param src        buffer holding the request.
     * @param offset     offset of the request.
     * @param length     length of the request.
     * @param onResponse receives the response of the attempt that got one.
     * @return {@link OfferResult#OK}, another {@link OfferResult} code from the last attempt, or
     *         {@link #CALL_NOT_PERMITTED}, {@link #RATE_LIMITED}, {@link #BULKHEAD_FULL}.
     */
    public long request(
        final int typeId, final DirectBuffer src, final int offset, final int length, final MessageHandler onResponse)
    {
        final Request request = requests.get();
        request.set(typeId, src, offset, length, onResponse);
        try
        {
            return decorated.apply(request);
        }
        catch (final RequestNotPermittedException ex)
        {
            return RATE_LIMITED;
        }
        catch (final BulkheadFullException ex)
        {
            return BULKHEAD_FULL;
        }
        catch (final RuntimeException ex)
        {
            if (circuitBreaker != null && ex == circuitBreaker.notPermittedException())
            {
                return CALL_NOT_PERMITTED;
            }
            throw ex;
        }
        finally
        {
            request.clear();
        }
    }

    /**
     * Describes a code of {@link #request}, ours or the transport's.
     *
     * @param code the code.
     * @return a short name.
     */
    public static String describe(final long code)
    {
        if (code == CALL_NOT_PERMITTED)
        {
            return "CALL_NOT_PERMITTED";
        }
        if (code == RATE_LIMITED)
        {
            return "RATE_LIMITED";
        }
        if (code == BULKHEAD_FULL)
        {
            return "BULKHEAD_FULL";
        }
        return OfferResult.describe(code);
    }

    private Long send(final Request request)
    {
        return client.request(
            request.typeId, request.src, request.offset, request.length, request.onResponse, timeoutNs);
    }

    /**
     * The arguments of one request, reused per thread.
     */
    private static final class Request
    {
        int typeId;
        DirectBuffer src;
        int offset;
        int length;
        MessageHandler onResponse;

        void set(
            final int typeId,
            final DirectBuffer src,
            final int offset,
            final int length,
            final MessageHandler onResponse)
        {
            this.typeId = typeId;
            this.src = src;
            this.offset = offset;
            this.length = length;
            this.onResponse = onResponse;
        }

        void clear()
        {
            src = null;
            onResponse = null;
        }
    }

    /**
     * Chooses the steps of a {@link ResilientShmClient}.
     */
    public static final class Builder
    {
        private final ShmClient client;
        private final long timeoutNs;
        private Retry retry;
        private CallPermit circuitBreaker;
        private RateLimiter rateLimiter;
        private Bulkhead bulkhead;

        private Builder(final ShmClient client, final long timeoutNs)
        {
            this.client = client;
            this.timeoutNs = timeoutNs;
        }

        /**
         * Adds a retry.
         *
         * @param retry the retry.
         * @return this builder.
         */
        public Builder retry(final Retry retry)
        {
            this.retry = retry;
            return this;
        }

        /**
         * Adds a circuit breaker.
         *
         * @param circuitBreaker the breaker.
         * @return this builder.
         */
        public Builder circuitBreaker(final CallPermit circuitBreaker)
        {
            this.circuitBreaker = circuitBreaker;
            return this;
        }

        /**
         * Adds a circuit breaker (in-process or shared by the host's processes); give it a
         * {@code recordResult} predicate for the codes that count as failures, e.g. {@code PEER_DEAD}.
         *
         * @param circuitBreaker the breaker.
         * @return this builder.
         */
        public Builder circuitBreaker(final CircuitBreaker circuitBreaker)
        {
            return circuitBreaker(CircuitBreakerPermit.of(circuitBreaker));
        }

        /**
         * Adds a rate limiter (in-process or shared by the host's processes).
         *
         * @param rateLimiter the limiter.
         * @return this builder.
         */
        public Builder rateLimiter(final RateLimiter rateLimiter)
        {
            this.rateLimiter = rateLimiter;
            return this;
        }

        /**
         * Adds a bulkhead.
         *
         * @param bulkhead the bulkhead.
         * @return this builder.
         */
        public Builder bulkhead(final Bulkhead bulkhead)
        {
            this.bulkhead = bulkhead;
            return this;
        }

        /**
         * Builds the client.
         *
         * @return the resilient client.
         */
        public ResilientShmClient build()
        {
            return new ResilientShmClient(this);
        }
    }
}
