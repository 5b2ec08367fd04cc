/**
 * A time limiter with Resilience4j's behaviour for futures and completion stages: a timeout, optionally cancelling
 * the call.
 */
package io.ipcgateway.resilience.timelimiter;
