import { loadConfig } from '../config.ts'
import { describeStore, openStore } from '../store/index.ts'

export async function migrateCommand(opts: { dataDir?: string }): Promise<void> {
  const config = loadConfig({ ...(opts.dataDir === undefined ? {} : { dataDir: opts.dataDir }) })
  // openStore applies pending migrations; report what the schema is at afterwards
  const store = await openStore(config.store, (line) => console.error(`[earshot] ${line}`))
  try {
    const { rows } = await store.db.query<{ version: string }>('select version from schema_migration order by version')
    console.log(`${describeStore(config.store)}: schema at ${rows.at(-1)?.version ?? 'nothing'} (${rows.length} migrations applied)`)
  } finally {
    await store.close()
  }
}
