/**
 * Health vocabulary shared by every module: {@link io.ipcgateway.core.health.HealthIndicator} is what a
 * component implements, {@link io.ipcgateway.core.health.Health} what it reports.
 */
package io.ipcgateway.core.health;
