import type { SecretBox } from '../accounts/secret-box.ts'
import type { Bus } from '../bus/index.ts'
import type { Runner } from '../pipeline/runner.ts'
import type { Store } from '../store/index.ts'
import type { LlmClient } from '../triage/llm/client.ts'
import type { Metrics } from './metrics.ts'

/** What every route plugin gets: the wired parts of a running Earshot. */
export interface ApiDeps {
  store: Store
  bus: Bus
  runner: Runner
  metrics: Metrics
  ingestBodyLimitBytes: number
  /** Seals and opens channel-account secrets. */
  secretBox: SecretBox
  /** Tells the outbox worker a reply is waiting (it also polls). */
  outbox: { kick(): void }
  /** Restarts channel intakes after an account changed. */
  sources: { refresh(): Promise<void> }
  /** The optional LLM (EARSHOT_LLM_URL): drafts replies for agents; absent = off. */
  llm?: LlmClient | null
  /** Event webhooks may point at loopback/private addresses (default true; EARSHOT_WEBHOOKS_PRIVATE=0 refuses them). */
  webhooksAllowPrivate?: boolean
}
