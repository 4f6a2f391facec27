import { loadConfig } from '../config.ts'
import { openStore } from '../store/index.ts'
import { generateToken } from '../store/queries/tokens.ts'
import { bootstrap } from '../server.ts'

export async function tokenCommand(opts: { admin?: boolean; workspace: string; name: string; dataDir?: string }): Promise<void> {
  const config = loadConfig({ ...(opts.dataDir === undefined ? {} : { dataDir: opts.dataDir }), demo: false })
  const store = await openStore(config.store, (line) => console.error(`[earshot] ${line}`))
  try {
    await bootstrap(store, { adminToken: config.adminToken, demo: false })
    const ws = opts.admin === true ? null : await store.workspaces.bySlug(opts.workspace)
    if (opts.admin !== true && ws === null) throw new Error(`workspace ${opts.workspace} not found`)
    const token = generateToken()
    await store.tokens.create({ token, name: opts.name, role: opts.admin === true ? 'admin' : 'agent', workspaceId: ws?.id ?? null })
    console.log(token)
  } finally {
    await store.close()
  }
}
