// `earshot train [--task sentiment|complaint|intent|all] [--data-dir DIR] [--out DIR]`
import { resolve } from 'node:path'
import { InvalidArgumentError } from 'commander'
import { runTraining, type TrainCommandOptions } from '../triage/train.ts'
import { modelsDir } from '../triage/index.ts'
import { sharedDataDir } from '../testing/shared.ts'

const tasks = ['sentiment', 'complaint', 'intent', 'all'] as const

export function trainCommand(opts: { task: string; dataDir?: string; out?: string; epochs?: string; seed?: string; json?: boolean }): void {
  if (!(tasks as readonly string[]).includes(opts.task)) throw new InvalidArgumentError(`--task must be one of ${tasks.join(', ')}`)
  const o: TrainCommandOptions = {
    task: opts.task as TrainCommandOptions['task'],
    dataDir: resolve(opts.dataDir ?? sharedDataDir),
    out: resolve(opts.out ?? modelsDir),
  }
  if (opts.epochs !== undefined) o.epochs = Number.parseInt(opts.epochs, 10)
  if (opts.seed !== undefined) o.seed = Number.parseInt(opts.seed, 10)
  const result = runTraining(o, opts.json === true ? (l) => console.error(l) : (l) => console.log(l))
  if (opts.json === true) console.log(JSON.stringify(result, null, 2))
}
