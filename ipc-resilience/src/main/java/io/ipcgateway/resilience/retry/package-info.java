/**
 * Retries with Resilience4j's behaviour: attempts, fixed / exponential / randomized back-off with a cap, retry on
 * exceptions and on results, synchronous or on a caller's scheduler for {@code CompletionStage}s.
 */
package io.ipcgateway.resilience.retry;
