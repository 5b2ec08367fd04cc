/**
 * A semaphore bulkhead with Resilience4j's behaviour: a cap on concurrent calls and a bounded wait for a slot.
 */
package io.ipcgateway.resilience.bulkhead;
