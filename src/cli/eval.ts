// `earshot eval <task> FILE.csv [--json] [--baseline vader|afinn]`
import { runEval } from '../triage/eval.ts'

export function evalCommand(task: string, file: string, opts: { json?: boolean; baseline?: string }): void {
  console.log(runEval(task, file, opts))
}
