import type { Bus } from './index.ts'
import { createMemoryBus } from './memory.ts'

export type BusConfig = { kind: 'memory' } | { kind: 'nats'; url: string; namespace?: string }

export async function openBus(config: BusConfig): Promise<Bus> {
  if (config.kind === 'memory') return createMemoryBus()
  const { createNatsBus } = await import('./nats.ts')
  return createNatsBus({ url: config.url, ...(config.namespace === undefined ? {} : { namespace: config.namespace }) })
}
