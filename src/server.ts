// The one place where the parts are wired: store, bus, pipeline runner, API, demo traffic.
import { seedDemoWorkflow } from './demo/workflow.ts'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { readOrCreateKeyFile, secretBoxFromKey, type SecretBox } from './accounts/secret-box.ts'
import { buildApp } from './api/app.ts'
import { createMetrics } from './api/metrics.ts'
import type { Bus } from './bus/index.ts'
import { openBus } from './bus/open.ts'
import type { EarshotConfig } from './config.ts'
import { createOutboxWorker, type OutboxWorker } from './outbox/worker.ts'
import { createRunner, type Runner } from './pipeline/runner.ts'
import { createSlaWatch, type SlaWatch } from './pipeline/sla-watch.ts'
import { createEventWorker, type EventWorker } from './events/worker.ts'
import { createCsatWorker, type CsatWorker } from './csat/worker.ts'
import { createSourceSupervisor, type SourceSupervisor } from './sources/supervisor.ts'
import { openStore, type Store } from './store/index.ts'
import { generateToken } from './store/queries/tokens.ts'
import { defaultWorkspaceSlug } from './api/plugins/auth.ts'
import { createLlmClient } from './triage/llm/client.ts'

export const demoWorkspaceSlug = 'demo'

export function openSecretBox(config: Pick<EarshotConfig, 'secretKey' | 'dataDir'>): SecretBox {
  if (config.secretKey !== null) return secretBoxFromKey(config.secretKey)
  // No data dir (tests, a server on DATABASE_URL started without one): a key for this process only.
  return secretBoxFromKey(config.dataDir === '' ? randomBytes(32) : readOrCreateKeyFile(join(config.dataDir, 'secret.key')))
}

export interface Earshot {
  store: Store
  bus: Bus
  runner: Runner
  outbox: OutboxWorker
  sources: SourceSupervisor
  secretBox: SecretBox
  /** SLA clocks and snooze wake-ups every 15 s (tests call tick()). */
  slaWatch: SlaWatch
  /** Delivers outgoing event webhooks (tests call drain()). */
  events: EventWorker
  /** Sends satisfaction surveys whose time has come (tests call tick()). */
  csat: CsatWorker
  app: FastifyInstance
  /** The admin token generated on this start, if one was; shown once. */
  generatedAdminToken: string | null
  close(): Promise<void>
}

export interface StartOptions {
  log?: (line: string) => void
  httpLogger?: boolean
}

/** Creates the default (and demo) workspace and the bootstrap admin token. */
export async function bootstrap(store: Store, config: Pick<EarshotConfig, 'adminToken' | 'demo'>): Promise<string | null> {
  await store.workspaces.ensure(defaultWorkspaceSlug, 'Default workspace')
  if (config.demo) {
    const demo = await store.workspaces.ensure(demoWorkspaceSlug, 'Northwind Air (demo)')
    // Listening: find posts about the brand that do not address it, not the brand's own posts.
    await store.listening.create(demo.id, { name: 'Northwind brand', query: '(northwind* OR "north wind" OR @northwindair OR #northwindair) AND NOT from:northwindair', tags: ['brand'], enabled: true })
    await store.listening.create(demo.id, { name: 'Competitors', query: 'contoso OR fabrikam', tags: ['competitor'], enabled: true })
    for (const [name, email] of [['Ana Costa', 'ana@northwind.example'], ['Bo Lindqvist', 'bo@northwind.example'], ['Chloé Martin', 'chloe@northwind.example']] as const) {
      await store.agents.ensure(demo.id, name, email)
    }
    await seedDemoWorkflow(store, demo.id)
  }
  if (config.adminToken !== null) {
    await store.tokens.create({ token: config.adminToken, name: 'admin (EARSHOT_ADMIN_TOKEN)', role: 'admin', workspaceId: null })
    return null
  }
  if ((await store.tokens.countAdmins()) > 0) return null
  const token = generateToken()
  await store.tokens.create({ token, name: 'admin (generated)', role: 'admin', workspaceId: null })
  return token
}

export async function startEarshot(config: EarshotConfig, opts: StartOptions = {}): Promise<Earshot> {
  const log = opts.log ?? (() => undefined)
  const store = await openStore(config.store, log)
  let bus: Bus | null = null
  let runner: Runner | null = null
  let outbox: OutboxWorker | null = null
  let sources: SourceSupervisor | null = null
  let slaWatch: SlaWatch | null = null
  let events: EventWorker | null = null
  let csat: CsatWorker | null = null
  try {
    bus = await openBus(config.bus)
    const generatedAdminToken = await bootstrap(store, config)
    const llm = config.llm ? createLlmClient(config.llm) : null
    if (llm !== null) log(`LLM refinement on: ${llm.config.model} at ${llm.config.url} (at most ${llm.config.maxCallsPerHour} calls per hour)`)
    runner = createRunner(store, bus, log, { llm })
    await runner.start()
    const secretBox = openSecretBox(config)
    outbox = createOutboxWorker({ store, bus, secretBox, log })
    outbox.start()
    sources = createSourceSupervisor({ store, bus, secretBox, log })
    if (config.sources) await sources.start()
    slaWatch = createSlaWatch(store, bus, log)
    slaWatch.start()
    const webhooksAllowPrivate = config.webhooksAllowPrivate ?? true
    events = createEventWorker({ store, secretBox, log, allowPrivateNetwork: webhooksAllowPrivate })
    events.start()
    let listeningUrl: string | null = null
    csat = createCsatWorker({ store, bus, outbox, log, baseUrl: () => config.publicUrl ?? listeningUrl ?? `http://${config.host}:${config.port}` })
    csat.start()
    const app = await buildApp({
      store, bus, runner, secretBox, outbox, sources, llm, metrics: createMetrics(), ingestBodyLimitBytes: config.ingestBodyLimitBytes,
      logger: opts.httpLogger === true ? { level: config.logLevel } : false, webhooksAllowPrivate,
    })
    // Without EARSHOT_PUBLIC_URL, survey links use the address the server listens on (port 0 picks one).
    app.addHook('onListen', async () => {
      const address = app.server.address()
      if (address !== null && typeof address === 'object') listeningUrl = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`
    })
    const started = { store, bus, runner, outbox, sources, secretBox, slaWatch, events, csat, app }
    return {
      ...started,
      generatedAdminToken,
      async close() {
        await app.close()
        await started.csat.stop()
        await started.events.stop()
        await started.slaWatch.stop()
        await started.sources.stop()
        await started.outbox.stop()
        await started.runner.stop()
        await started.bus.close()
        await store.close()
      },
    }
  } catch (error) {
    await csat?.stop().catch(() => undefined)
    await events?.stop().catch(() => undefined)
    await slaWatch?.stop().catch(() => undefined)
    await sources?.stop().catch(() => undefined)
    await outbox?.stop().catch(() => undefined)
    await runner?.stop().catch(() => undefined)
    await bus?.close().catch(() => undefined)
    await store.close().catch(() => undefined)
    throw error
  }
}
