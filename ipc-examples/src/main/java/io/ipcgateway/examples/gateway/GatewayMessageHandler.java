package io.ipcgateway.examples.gateway;

/**
 * Receives the messages of a {@link GatewayClient#subscribe subscription}, on the client's receiver thread, one at a
 * time in arrival order. It must not block for long: it delays every other subscription of the client.
 */
@FunctionalInterface
public interface GatewayMessageHandler
{
    /**
     * One message, a view valid only during this call.
     *
     * @param message the message.
     */
    void onMessage(GatewayMessage message);
}
