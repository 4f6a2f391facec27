import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

export function createMetrics() {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'earshot_' })
  return {
    registry,
    httpRequests: new Histogram({
      name: 'earshot_http_request_duration_seconds',
      help: 'HTTP request latency by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    ingestUnits: new Counter({
      name: 'earshot_ingest_units_total',
      help: 'Raw units accepted into the inbound log, by channel and outcome',
      labelNames: ['channel', 'outcome'] as const,
      registers: [registry],
    }),
    wsClients: new Counter({
      name: 'earshot_websocket_connections_total',
      help: 'WebSocket connections opened on /api/v1/stream',
      registers: [registry],
    }),
  }
}

export type Metrics = ReturnType<typeof createMetrics>
