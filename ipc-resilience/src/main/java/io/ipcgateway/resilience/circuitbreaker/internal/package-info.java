/**
 * Implementation details of the circuit breaker: the one scheduler thread shared by every breaker.
 */
package io.ipcgateway.resilience.circuitbreaker.internal;
