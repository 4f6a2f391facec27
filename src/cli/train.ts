// `earshot train [--task sentiment|complaint|intent|all] [--data-dir DIR] [--out DIR]`
import { resolve } from 'node:path'
import { InvalidArgumentError } from 'commander'
import { runTraining, type TrainCommandOptions } from '../triage/train.ts'
import { modelsDir } from '../triage/index.ts'
import { sharedDataDir } from '../testing/shared.ts'
import { loadConfig } from '../config.ts'
import { openStore } from '../store/index.ts'

/** The latest correction per message and field in a workspace, with the message text. */
async function loadCorrections(workspace: string, earshotDataDir: string | undefined) {
  const config = loadConfig({ ...(earshotDataDir === undefined ? {} : { dataDir: earshotDataDir }), demo: false })
  const store = await openStore(config.store, (line) => console.error(`[earshot] ${line}`))
  try {
    const ws = await store.workspaces.bySlug(workspace)
    if (ws === null) throw new Error(`workspace ${workspace} not found`)
    return await store.corrections.forTraining(ws.id)
  } finally {
    await store.close()
  }
}

const tasks = ['sentiment', 'complaint', 'intent', 'all'] as const

export async function trainCommand(opts: { task: string; dataDir?: string; out?: string; epochs?: string; seed?: string; json?: boolean; workspace?: string; earshotDataDir?: string; crossDomain?: boolean }): Promise<void> {
  if (!(tasks as readonly string[]).includes(opts.task)) throw new InvalidArgumentError(`--task must be one of ${tasks.join(', ')}`)
  const o: TrainCommandOptions = {
    task: opts.task as TrainCommandOptions['task'],
    dataDir: resolve(opts.dataDir ?? sharedDataDir),
    out: resolve(opts.out ?? modelsDir),
  }
  if (opts.crossDomain === false) o.noCrossDomain = true
  if (opts.epochs !== undefined) o.epochs = Number.parseInt(opts.epochs, 10)
  if (opts.seed !== undefined) o.seed = Number.parseInt(opts.seed, 10)
  if (opts.workspace !== undefined) o.corrections = await loadCorrections(opts.workspace, opts.earshotDataDir)
  const result = runTraining(o, opts.json === true ? (l) => console.error(l) : (l) => console.log(l))
  if (opts.json === true) console.log(JSON.stringify(result, null, 2))
}
