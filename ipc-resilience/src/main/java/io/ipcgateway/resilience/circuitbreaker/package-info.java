/**
 * A lock-free circuit breaker with Resilience4j's states, windows and settings: {@link
 * io.ipcgateway.resilience.circuitbreaker.CircuitBreaker} (in-process), {@link
 * io.ipcgateway.resilience.circuitbreaker.SharedCircuitBreaker} (its state and window in a mapped file shared by the
 * processes of a host), configured by {@link io.ipcgateway.resilience.circuitbreaker.CircuitBreakerConfig} and named
 * in a {@link io.ipcgateway.resilience.circuitbreaker.CircuitBreakerRegistry}. A call on a CLOSED breaker and a
 * rejection by an OPEN one allocate nothing and take no lock.
 */
package io.ipcgateway.resilience.circuitbreaker;
