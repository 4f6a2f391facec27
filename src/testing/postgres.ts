// A fresh database per test file on a PostgreSQL server, so suites run side by side and leave nothing behind.
import { randomBytes } from 'node:crypto'
import pg from 'pg'

export interface TestDatabase {
  url: string
  drop(): Promise<void>
}

export async function createTestDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `earshot_test_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl })
      await c.connect()
      await c.query(`drop database if exists ${name} with (force)`)
      await c.end()
    },
  }
}

export const postgresSkipMessage = 'DATABASE_URL is not set: skipping the PostgreSQL-server suites (run .ci/run, or set DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres)'
