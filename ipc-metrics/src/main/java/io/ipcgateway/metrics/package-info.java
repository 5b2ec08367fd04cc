/**
 * Metrics and health for IPC Gateway: HdrHistogram latency recording ({@link io.ipcgateway.metrics.LatencyRecorder}),
 * Prometheus export read at scrape time, and the HTTP endpoint ({@link io.ipcgateway.metrics.MetricsServer}) with
 * {@code /metrics} and {@code /health}.
 */
package io.ipcgateway.metrics;
