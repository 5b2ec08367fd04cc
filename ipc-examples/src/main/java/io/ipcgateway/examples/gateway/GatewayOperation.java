package io.ipcgateway.examples.gateway;

/**
 * What the gateway did, as counted by {@link GatewayStats}: one counter per subject prefix, operation and outcome.
 */
public enum GatewayOperation
{
    /** A one-way publish from a local client. */
    PUBLISH,
    /** An acknowledged publish from a local client. */
    PUBLISH_ACKED,
    /** A request from a local client to NATS. */
    REQUEST,
    /** A local client subscribed. */
    SUBSCRIBE,
    /** A local client unsubscribed. */
    UNSUBSCRIBE,
    /** A NATS message pushed to one local subscriber. */
    DELIVER;

    /** Every operation, in ordinal order (a shared array, not to be modified). */
    static final GatewayOperation[] VALUES = values();
}
