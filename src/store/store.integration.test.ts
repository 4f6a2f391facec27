import { describe, it } from 'vitest'
import { createTestDatabase, postgresSkipMessage } from '../testing/postgres.ts'
import { openStore } from './index.ts'
import { storeSuite } from './store-suite.ts'

const serverUrl = process.env.DATABASE_URL
if (serverUrl === undefined) {
  describe('store and pipeline: PostgreSQL server', () => {
    it.skip(postgresSkipMessage, () => {})
  })
} else {
  storeSuite('PostgreSQL server', async () => {
    const db = await createTestDatabase(serverUrl)
    return { store: await openStore({ kind: 'postgres', url: db.url }), cleanup: db.drop }
  })
}
