/**
 * src/node/metrics: Prometheus metrics.
 * Owns: the registry and its hand-written text exposition format, the node's metric families.
 * Does not own: where values come from (runtime, net and API keep their own counters), serving
 * /metrics (src/node/api).
 */
export { Registry, Counter, Gauge, Histogram, escapeLabelValue, formatValue, PROMETHEUS_CONTENT_TYPE, LATENCY_BUCKETS } from './registry.js';
export type { MetricType, Labels, Sample } from './registry.js';
export { createNodeMetrics } from './node-metrics.js';
export type { MetricSources, NodeMetrics } from './node-metrics.js';
