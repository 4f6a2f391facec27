// Sends what agents asked for. Each outbox row is claimed with a lease, sent with ONE call to its
// channel's send.ts per attempt, and then: stored as the conversation's outbound message (sent),
// scheduled again (retryable: platform reset time or backoff), or failed with a code the agent sees.
// A row whose earlier attempt may have reached the platform (timeout, crash) is looked up with the
// channel's findSent first, so a reply is never posted twice.
import { createPassLoop } from './pass-loop.ts'
import { accountRuntime } from '../accounts/accounts.ts'
import type { SecretBox } from '../accounts/secret-box.ts'
import { publishConversationUpdated, type Bus } from '../bus/index.ts'
import { channelByName } from '../channels/index.ts'
import type { OutboundAction, OutboundRequest, SendContext, SendResult } from '../channels/types.ts'
import type { Store } from '../store/index.ts'
import type { OutboxRow } from '../store/queries/outbox.ts'
import { defaultBackoff, retryDelayMs, type BackoffPolicy } from './backoff.ts'

export interface OutboxWorkerOptions {
  store: Store
  bus: Bus
  secretBox: SecretBox
  log?: (line: string) => void
  fetch?: typeof fetch
  backoff?: BackoffPolicy
  /** How often due rows are looked for when nothing kicks the worker. */
  pollMs?: number
  /** A claimed row is someone else's again after this long (a crashed worker). */
  leaseMs?: number
  /** Deadline of one send call. */
  sendTimeoutMs?: number
}

export interface OutboxWorker {
  start(): void
  /** Looks for due rows now (after an agent's reply) instead of at the next poll. */
  kick(): void
  /** Processes due rows until none is due; for tests and the CLI. Returns how many rows were handled. */
  drain(): Promise<number>
  stop(): Promise<void>
}

export type OutboxOutcome = 'sent' | 'retry' | 'failed'

export function createOutboxWorker(opts: OutboxWorkerOptions): OutboxWorker {
  const { store, bus, secretBox } = opts
  const log = opts.log ?? (() => undefined)
  const backoff = opts.backoff ?? defaultBackoff
  const pollMs = opts.pollMs ?? 1_000
  const leaseMs = opts.leaseMs ?? 120_000
  const sendTimeoutMs = opts.sendTimeoutMs ?? 30_000
  const fetchFn = opts.fetch ?? fetch
  const stopping = new AbortController()

  async function fail(row: OutboxRow, code: string, reason: string): Promise<OutboxOutcome> {
    await store.outbox.markFailed(row.id, code, reason)
    await store.audit.record({ workspaceId: row.workspaceId, actor: 'system:outbox', action: 'reply.failed', targetType: 'conversation', targetId: row.conversationId, detail: { outboxId: row.id, code, reason } })
    log(`outbox ${row.id}: failed ${code}: ${reason}`)
    return 'failed'
  }

  async function succeed(row: OutboxRow, req: OutboundRequest, sent: { externalId: string; url: string | null; raw: unknown }): Promise<OutboxOutcome> {
    await store.transaction(async (tx) => {
      const messageId = await tx.outbox.insertOutboundMessage({
        workspaceId: row.workspaceId, conversationId: row.conversationId, channel: row.channel, externalId: sent.externalId,
        visibility: row.visibility, text: row.text, parentExternalId: req.target.externalId, threadExternalId: req.target.threadExternalId,
        url: sent.url, raw: sent.raw,
      })
      await tx.outbox.markSent(row.id, sent.externalId, messageId)
      // stops the first-response SLA clock; a satisfaction survey is not an answer
      if (row.requestedBy !== 'system:csat') await tx.routing.recordReply(row.conversationId, new Date())
      await tx.sql.query(`update conversation set status = case when status = 'new' then 'open' else status end where id = $1`, [row.conversationId])
      await tx.conversations.refreshMany([row.conversationId], [])
      await tx.audit.record({ workspaceId: row.workspaceId, actor: row.requestedBy ?? 'system:outbox', action: `reply.sent`, targetType: 'conversation', targetId: row.conversationId, detail: { outboxId: row.id, externalId: sent.externalId, action: row.action } })
    })
    return 'sent'
  }

  async function process(row: OutboxRow): Promise<OutboxOutcome> {
    const channel = channelByName(row.channel)
    const sender = channel?.send
    if (channel === undefined || sender === undefined) return fail(row, 'NOT_SUPPORTED', `${row.channel} cannot send`)
    if (!sender.actions.includes(row.action as OutboundAction)) return fail(row, 'NOT_SUPPORTED', `${channel.label} cannot ${row.action}`)
    const accountRow = row.accountId !== null
      ? await store.channelAccounts.byId(row.accountId)
      : await store.channelAccounts.firstFor(row.workspaceId, row.channel)
    if (accountRow === null || !accountRow.enabled) return fail(row, 'NO_CHANNEL_ACCOUNT', `no enabled ${channel.label} account in this workspace`)
    const target = await store.outbox.target(row.conversationId, row.targetMessageId)
    if (target === null) return fail(row, 'PARENT_GONE', 'the message to answer is no longer stored')

    const req: OutboundRequest = { action: row.action as OutboundAction, text: row.text, idempotencyKey: row.idempotencyKey, target, ownExternalId: null }
    const signal = AbortSignal.any([stopping.signal, AbortSignal.timeout(sendTimeoutMs)])
    const ctx: SendContext = { account: accountRuntime(accountRow, secretBox), fetch: fetchFn, signal, now: () => new Date() }

    if (row.attempts > 1 && sender.findSent !== undefined) {
      let found: { externalId: string; url: string | null } | null
      try {
        found = await sender.findSent(req, ctx)
      } catch (err) {
        // Not knowing whether the earlier attempt posted is not "it did not": look again later instead of posting twice.
        return retry(row, { retryAfterMs: null, reason: `could not check for an earlier post: ${err instanceof Error ? err.message : String(err)}` })
      }
      if (found !== null) {
        log(`outbox ${row.id}: found the post of an earlier attempt (${found.externalId}); not sending again`)
        return succeed(row, req, { ...found, raw: { foundAfterRetry: true } })
      }
    }

    let result: SendResult
    try {
      result = await sender.send(req, ctx)
    } catch (err) {
      result = { ok: false, retryable: true, retryAfterMs: null, reason: err instanceof Error ? err.message : String(err) }
    }
    if (result.ok) return succeed(row, req, result)
    if (!result.retryable) return fail(row, result.code, result.reason)
    return retry(row, result)
  }

  async function retry(row: OutboxRow, why: { retryAfterMs: number | null; reason: string }): Promise<OutboxOutcome> {
    if (row.attempts >= backoff.attemptsMax) return fail(row, 'RETRIES_EXHAUSTED', `${row.attempts} attempts; last: ${why.reason}`)
    const delay = retryDelayMs(row.attempts, why.retryAfterMs, backoff)
    await store.outbox.markRetry(row.id, delay, why.reason)
    log(`outbox ${row.id}: attempt ${row.attempts} failed (${why.reason}); next in ${delay} ms`)
    return 'retry'
  }

  async function runOnce(): Promise<number> {
    let handled = 0
    for (;;) {
      const rows = await store.outbox.claimDue(10, leaseMs)
      if (rows.length === 0) return handled
      for (const row of rows) {
        let outcome: OutboxOutcome
        try {
          outcome = await process(row)
        } catch (err) {
          // Our own failure (store down …): the lease expires and another pass takes the row again.
          log(`outbox ${row.id}: ${err instanceof Error ? err.message : String(err)}`)
          continue
        }
        handled++
        if (outcome !== 'retry') await publishConversationUpdated(bus, row.workspaceId, row.conversationId)
      }
    }
  }

  return createPassLoop({ runOnce, pollMs, stopping, log, name: 'outbox' })
}
