import { randomBytes } from 'node:crypto'
import { afterAll, describe, it } from 'vitest'
import { deleteNatsNamespace } from '../bus/nats.ts'
import { createTestDatabase, postgresSkipMessage, type TestDatabase } from '../testing/postgres.ts'
import { startTestServer } from '../testing/server.ts'
import { conversationWorkflowSuite } from './conversation-workflow-suite.ts'

const databaseUrl = process.env.DATABASE_URL
const natsUrl = process.env.NATS_URL
if (databaseUrl === undefined || natsUrl === undefined) {
  describe('conversation workflow API: PostgreSQL + NATS JetStream', () => {
    it.skip(`${postgresSkipMessage}; NATS_URL must be set too`, () => {})
  })
} else {
  let db: TestDatabase | null = null
  const namespace = `estest_convflow_${randomBytes(3).toString('hex')}`
  conversationWorkflowSuite('PostgreSQL + NATS JetStream', async () => {
    db = await createTestDatabase(databaseUrl)
    return startTestServer({ store: { kind: 'postgres', url: db.url }, bus: { kind: 'nats', url: natsUrl, namespace } })
  })
  afterAll(async () => {
    await db?.drop()
    await deleteNatsNamespace(natsUrl, namespace)
  })
}
