// One SQL interface over the two backends: PGlite (in-process, embedded) and a PostgreSQL server (pg).
// Queries are plain parameterised PostgreSQL; the same text runs on both.
import { mkdirSync } from 'node:fs'
import pg from 'pg'

export interface QueryResult<R> {
  rows: R[]
  rowCount: number
}

export interface Sql {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<QueryResult<R>>
}

export type DbKind = 'pglite' | 'postgres'

export interface Db extends Sql {
  kind: DbKind
  /** Runs a multi-statement script (migrations). */
  exec(script: string): Promise<void>
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>
  close(): Promise<void>
}

export async function openPglite(dataDir: string | null): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite')
  if (dataDir !== null) mkdirSync(dataDir, { recursive: true })
  const lite = dataDir === null ? new PGlite() : new PGlite(dataDir)
  await lite.waitReady
  const wrap = (q: Pick<typeof lite, 'query'>): Sql => ({
    async query<R>(text: string, params: unknown[] = []) {
      const result = await q.query<R>(text, params)
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length }
    },
  })
  return {
    kind: 'pglite',
    ...wrap(lite),
    async exec(script) {
      await lite.exec(script)
    },
    transaction: (fn) => lite.transaction((tx) => fn(wrap(tx))),
    close: () => lite.close(),
  }
}

// int8 (bigint) and numeric come back as strings from pg by default; counts and ids we read are cast in SQL.
export async function openPostgres(url: string, poolSizeMax = 10): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: poolSizeMax, connectionTimeoutMillis: 10_000 })
  pool.on('error', () => {
    // An idle client lost its connection (server restart); the pool replaces it on next use.
  })
  const client = await pool.connect() // fail fast at start-up with a clear error when the server is unreachable
  client.release()
  const wrap = (q: pg.Pool | pg.PoolClient): Sql => ({
    async query<R>(text: string, params: unknown[] = []) {
      const result = await q.query(text, params)
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 }
    },
  })
  return {
    kind: 'postgres',
    ...wrap(pool),
    async exec(script) {
      await pool.query(script)
    },
    async transaction(fn) {
      const tx = await pool.connect()
      try {
        await tx.query('begin')
        const result = await fn(wrap(tx))
        await tx.query('commit')
        return result
      } catch (error) {
        await tx.query('rollback').catch(() => undefined)
        throw error
      } finally {
        tx.release()
      }
    },
    close: () => pool.end(),
  }
}
