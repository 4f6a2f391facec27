// The store: one Db (embedded or PostgreSQL server) and the queries over it, grouped by table.
import { join } from 'node:path'
import { openPglite, openPostgres, type Db, type Sql } from './db.ts'
import { migrate } from './migrate.ts'
import { agentQueries, assignmentQueries, auditQueries, queueQueries } from './queries/agents.ts'
import { channelAccountQueries } from './queries/channel-accounts.ts'
import { conversationQueries } from './queries/conversations.ts'
import { conversationWorkflowQueries } from './queries/conversation-workflow.ts'
import { deadLetterQueries, inboundQueries } from './queries/inbound.ts'
import { eventWebhookQueries } from './queries/event-webhooks.ts'
import { csatQueries } from './queries/csat.ts'
import { correctionQueries } from './queries/corrections.ts'
import { listeningQueries } from './queries/listening.ts'
import { messageQueries } from './queries/messages.ts'
import { noteQueries } from './queries/notes.ts'
import { outboxQueries } from './queries/outbox.ts'
import { routingQueries } from './queries/routing.ts'
import { sessionQueries } from './queries/sessions.ts'
import { tokenQueries } from './queries/tokens.ts'
import { workspaceQueries } from './queries/workspaces.ts'
import { workflowQueries } from './queries/workflow.ts'

export function queriesOver(sql: Sql) {
  return {
    workspaces: workspaceQueries(sql),
    tokens: tokenQueries(sql),
    inbound: inboundQueries(sql),
    deadLetters: deadLetterQueries(sql),
    messages: messageQueries(sql),
    conversations: conversationQueries(sql),
    agents: agentQueries(sql),
    queues: queueQueries(sql),
    assignments: assignmentQueries(sql),
    audit: auditQueries(sql),
    listening: listeningQueries(sql),
    corrections: correctionQueries(sql),
    channelAccounts: channelAccountQueries(sql),
    outbox: outboxQueries(sql),
    routing: routingQueries(sql),
    sessions: sessionQueries(sql),
    ...workflowQueries(sql),
    conversationWorkflow: conversationWorkflowQueries(sql),
    notes: noteQueries(sql),
    eventWebhooks: eventWebhookQueries(sql),
    csat: csatQueries(sql),
  }
}

export type Queries = ReturnType<typeof queriesOver>

export interface Store extends Queries {
  db: Db
  /** Runs fn in one transaction with the same query groups bound to it. */
  transaction<T>(fn: (tx: Queries & { sql: Sql }) => Promise<T>): Promise<T>
  close(): Promise<void>
}

export function storeOver(db: Db, onClose: () => Promise<void> = async () => undefined): Store {
  return {
    db,
    ...queriesOver(db),
    transaction: (fn) => db.transaction((sql) => fn({ sql, ...queriesOver(sql) })),
    async close() {
      await db.close()
      await onClose()
    },
  }
}

export type StoreConfig =
  | { kind: 'postgres'; url: string }
  | { kind: 'pglite'; dataDir: string | null }
  /** fallbackToPglite: when the default store cannot run here (no binaries for this platform, no access), use PGlite and say so. */
  | { kind: 'embedded-postgres'; dataDir: string; fallbackToPglite?: boolean }

export function describeStore(config: StoreConfig): string {
  switch (config.kind) {
    case 'postgres':
      return `PostgreSQL server ${config.url.replace(/\/\/[^@/]*@/, '//***@')}`
    case 'pglite':
      return config.dataDir === null ? 'PGlite (in memory)' : `PGlite at ${config.dataDir}`
    case 'embedded-postgres':
      return `embedded PostgreSQL at ${config.dataDir}`
  }
}

async function openEmbeddedPostgres(dataDir: string): Promise<{ db: Db; stop: () => Promise<void> }> {
  const { startEmbeddedPostgres } = await import('./embedded-postgres.ts')
  const server = await startEmbeddedPostgres({ dataDir: join(dataDir, 'postgres') })
  try {
    return { db: await openPostgres(server.url), stop: () => server.stop() }
  } catch (error) {
    await server.stop()
    throw error
  }
}

/** Errors of the embedded server that mean "cannot run on this machine", as opposed to "data dir busy". */
const unavailableHere = new Set(['NOT_INSTALLED', 'BINARIES_BROKEN', 'UNSUPPORTED_PLATFORM', 'PERMISSION'])

/** Opens the configured backend and applies pending migrations. */
export async function openStore(config: StoreConfig, log: (line: string) => void = () => undefined): Promise<Store> {
  let db: Db
  let onClose = async () => undefined as void
  if (config.kind === 'postgres') db = await openPostgres(config.url)
  else if (config.kind === 'pglite') db = await openPglite(config.dataDir === null ? null : join(config.dataDir, 'pglite'))
  else {
    try {
      const server = await openEmbeddedPostgres(config.dataDir)
      db = server.db
      onClose = server.stop
    } catch (error) {
      const code = (error as { code?: unknown }).code
      if (config.fallbackToPglite !== true || typeof code !== 'string' || !unavailableHere.has(code)) throw error
      log(`embedded PostgreSQL cannot run here (${(error as Error).message}); using PGlite instead — see docs/store-choice.md`)
      db = await openPglite(join(config.dataDir, 'pglite'))
    }
  }
  try {
    await migrate(db)
  } catch (error) {
    await db.close().catch(() => undefined)
    await onClose().catch(() => undefined)
    throw error
  }
  return storeOver(db, onClose)
}
