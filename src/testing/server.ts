// Starts a real Earshot (real store and bus, listening on a loopback port) for API tests.
import type { BusConfig } from '../bus/open.ts'
import type { EarshotConfig } from '../config.ts'
import { startEarshot, type Earshot } from '../server.ts'
import type { StoreConfig } from '../store/index.ts'
import type { LlmConfig } from '../triage/llm/client.ts'

export interface TestServer {
  earshot: Earshot
  url: string
  adminToken: string
  close(): Promise<void>
}

export async function startTestServer(opts: { store?: StoreConfig; bus?: BusConfig; ingestBodyLimitBytes?: number; demo?: boolean; llm?: LlmConfig | null } = {}): Promise<TestServer> {
  const adminToken = 'test-admin-token'
  const config: EarshotConfig = {
    host: '127.0.0.1',
    port: 0,
    dataDir: '',
    store: opts.store ?? { kind: 'pglite', dataDir: null },
    bus: opts.bus ?? { kind: 'memory' },
    adminToken,
    demo: opts.demo ?? false,
    demoSpeed: 1,
    ingestBodyLimitBytes: opts.ingestBodyLimitBytes ?? 1024 * 1024,
    logLevel: 'silent',
    secretKey: 'test-secret-key',
    sources: true,
    llm: opts.llm ?? null,
  }
  const earshot = await startEarshot(config)
  const url = await earshot.app.listen({ host: '127.0.0.1', port: 0 })
  return { earshot, url, adminToken, close: () => earshot.close() }
}
