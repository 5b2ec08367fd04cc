/**
 * The gateway's local spool of publishes for while the bus is down: {@link
 * io.ipcgateway.examples.gateway.spool.PublishSpool}, bounded, durable and ordered, stored as an ipc-audit log plus
 * a cursor file.
 * <p>
 * How a gateway uses it, in outline: on a local fire-and-forget publish, while NATS is down (or while
 * {@code spool.depth() > 0}, so that newer messages never overtake spooled ones), call
 * {@code spool.append(subject, headers, payload, offset, length)} and acknowledge the sender only on a sequence
 * {@code >= 0}; a negative result ({@code SPOOL_FULL}, {@code DISK_FULL}, {@code CLOSED}) is the sender's error. One
 * thread, once NATS is back, calls {@code spool.drain(sink, batch)} while {@code depth() > 0}, with a sink that
 * publishes each message and returns false when NATS refuses it (the message stays at the head for the next call);
 * or, when the bus confirms asynchronously (JetStream's PubAck), {@code spool.drain(asyncSink, batch, window)} with
 * an {@link io.ipcgateway.examples.gateway.spool.AsyncSpoolSink} returning each publish's future.
 * Export {@code depth()} and {@code bytes()} as metrics; report DEGRADED health while {@code depth() > 0}.
 */
package io.ipcgateway.examples.gateway.spool;
