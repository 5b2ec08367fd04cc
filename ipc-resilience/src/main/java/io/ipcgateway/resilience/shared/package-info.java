/**
 * Small mapped files that hold state shared by every process of a host (a shared circuit breaker's window, a
 * shared rate limiter's budget): {@link io.ipcgateway.resilience.shared.SharedStateFile} creates or opens one by
 * kind and name, its layout is {@link io.ipcgateway.resilience.shared.SharedStateDescriptor}, and
 * {@link io.ipcgateway.resilience.shared.SharedStateOptions} says where the files live and who may use them.
 * The state is updated with atomic operations only, so no lock can be left held by a killed process.
 */
package io.ipcgateway.resilience.shared;
