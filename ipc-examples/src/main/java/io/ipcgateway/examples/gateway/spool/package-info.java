/**
 * The gateway's local spool of publishes for while the bus is down: {@link
 * io.ipcgateway.examples.gateway.spool.PublishSpool}, bounded, durable and ordered, stored as an ipc-audit log plus
 * a cursor file.
 */
package io.ipcgateway.examples.gateway.spool;
