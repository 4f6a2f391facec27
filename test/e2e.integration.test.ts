import { describe, it } from 'vitest'
import { postgresSkipMessage } from '../src/testing/postgres.ts'
import { e2eSuite } from './e2e-suite.ts'

const databaseUrl = process.env.DATABASE_URL
const natsUrl = process.env.NATS_URL
if (databaseUrl === undefined || natsUrl === undefined) {
  describe('end to end: PostgreSQL + NATS JetStream', () => {
    it.skip(`${postgresSkipMessage}; NATS_URL must be set too`, () => {})
  })
} else {
  // A fresh database so the run starts from an empty inbox.
  const { createTestDatabase } = await import('../src/testing/postgres.ts')
  const db = await createTestDatabase(databaseUrl)
  e2eSuite('PostgreSQL + NATS JetStream', { DATABASE_URL: db.url, NATS_URL: natsUrl })
  const { afterAll } = await import('vitest')
  afterAll(() => db.drop())
}
