import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Db } from './db.ts'

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations')

export interface Migration {
  version: string
  sql: string
}

export function loadMigrations(): Migration[] {
  return readdirSync(migrationsDir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: f.replace(/\.sql$/, ''), sql: readFileSync(join(migrationsDir, f), 'utf8') }))
}

/** Applies pending migrations in order, each in its own transaction. Returns the versions applied. */
export async function migrate(db: Db): Promise<string[]> {
  await db.exec(
    'create table if not exists schema_migration (version text primary key, applied_at timestamptz not null default now())',
  )
  const done = new Set(
    (await db.query<{ version: string }>('select version from schema_migration')).rows.map((r) => r.version),
  )
  const applied: string[] = []
  for (const m of loadMigrations()) {
    if (done.has(m.version)) continue
    // A lock so two processes starting on one PostgreSQL server do not race; PGlite has one owner anyway.
    await db.exec(`begin; select pg_advisory_xact_lock(7365001); ${m.sql}; insert into schema_migration (version) values ('${m.version}'); commit;`)
    applied.push(m.version)
  }
  return applied
}
