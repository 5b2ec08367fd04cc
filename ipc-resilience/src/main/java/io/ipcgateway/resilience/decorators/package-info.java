/**
 * Composes retry, circuit breaker, rate limiter, time limiter and bulkhead around any call in one fixed order.
 */
package io.ipcgateway.resilience.decorators;
