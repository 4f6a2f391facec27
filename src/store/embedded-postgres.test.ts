import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EmbeddedPostgresError, findPostgresBinaries, startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded-postgres.ts'

// The PostgreSQL binaries are an optional dependency: skip (loudly) where they are not installed.
let skipReason: string | undefined
try {
  await findPostgresBinaries()
} catch (err) {
  if (!(err instanceof EmbeddedPostgresError) || !['NOT_INSTALLED', 'UNSUPPORTED_PLATFORM'].includes(err.code)) throw err
  skipReason = err.message
  console.warn(`[embedded-postgres.test] SKIPPED: ${skipReason}`)
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

describe.skipIf(skipReason !== undefined)(`embedded PostgreSQL${skipReason ? ' (skipped: binaries not installed)' : ''}`, () => {
  let root = ''
  let dataDir = ''
  const handles: EmbeddedPostgresHandle[] = []
  const log: string[] = []

  beforeAll(() => {
    // /tmp rather than a home dir: when the tests run as root, PostgreSQL runs as 'postgres' and must reach the dir.
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'earshot-embedded-pg-'))
    fs.chmodSync(root, 0o755) // mkdtemp makes it 0700
    dataDir = path.join(root, 'pgdata')
  })

  afterAll(async () => {
    await Promise.all(handles.map((h) => h.stop()))
    if (root) fs.rmSync(root, { recursive: true, force: true })
  })

  it('initialises a cluster, serves queries, stops, and keeps the data across a restart', async () => {
    const first = await startEmbeddedPostgres({ dataDir, log: (line) => log.push(line) })
    handles.push(first)
    expect(first.url).toMatch(/^postgresql:\/\/earshot:[^@]+@127\.0\.0\.1:\d+\/earshot$/)
    await withClient(first.url, async (c) => {
      await c.query('CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)')
      await c.query("INSERT INTO notes VALUES (1, 'kept across restarts')")
      const v = await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")
      expect(v.rows[0]?.v).toMatch(/^\d+\.\d+/)
    })
    await first.stop()
    expect(fs.existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false)

    const second = await startEmbeddedPostgres({ dataDir })
    handles.push(second)
    const rows = await withClient(second.url, (c) => c.query<{ body: string }>('SELECT body FROM notes WHERE id = 1'))
    expect(rows.rows).toEqual([{ body: 'kept across restarts' }])

    // the same data dir cannot be started twice
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toMatchObject({ code: 'DATA_DIR_IN_USE' })
    await second.stop()
  })

  it('refuses a non-empty directory that is not a cluster', async () => {
    const junk = path.join(root, 'junk')
    fs.mkdirSync(junk)
    fs.writeFileSync(path.join(junk, 'file.txt'), 'not a database')
    await expect(startEmbeddedPostgres({ dataDir: junk })).rejects.toMatchObject({ code: 'DATA_DIR_INVALID' })
  })
})
