package io.ipcgateway.examples.gateway;

/**
 * A subscription of a {@link GatewayClient}: messages reach its handler until {@link #close()}. The client subscribes
 * again by itself after it reconnected to a restarted gateway.
 */
public interface Subscription extends AutoCloseable
{
    /**
     * The client's id of this subscription (the argument of its frames).
     *
     * @return the id, positive.
     */
    int id();

    /**
     * The subject pattern.
     *
     * @return the pattern.
     */
    String pattern();

    /**
     * Messages delivered to the handler so far.
     *
     * @return the count.
     */
    long delivered();

    /**
     * Ends the subscription: no more messages reach the handler; the gateway is told (best effort, one-way wait of at
     * most the client's request timeout). Safe to call more than once.
     */
    @Override
    void close();
}
