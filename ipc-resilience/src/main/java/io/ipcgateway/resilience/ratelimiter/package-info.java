/**
 * Rate limiting with the behaviour of Resilience4j's {@code AtomicRateLimiter}: a number of permits per refresh
 * period, a timeout to wait for a permit, reservations ahead of time; lock-free and allocation-free.
 * {@link io.ipcgateway.resilience.ratelimiter.RateLimiter} limits the threads of one process.
 */
package io.ipcgateway.resilience.ratelimiter;
