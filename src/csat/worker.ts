// Sends satisfaction surveys whose time has come: each scheduled survey is planned (planSurvey), given a
// fresh token and queued in the outbox (idempotency key csat:<survey id>) in one transaction, so a survey
// is queued once or not at all; the outbox worker sends it with its retries. A survey that cannot go
// (CSAT turned off, conversation reopened, channel unable, no account) is skipped with the reason.
import { publishConversationUpdated, type Bus } from '../bus/index.ts'
import { channelByName } from '../channels/index.ts'
import { graphemeCount } from '../core/text.ts'
import type { Store } from '../store/index.ts'
import { hashSurveyToken, newSurveyToken, planSurvey, surveyLifetimeMs, surveyText } from './survey.ts'

/** The outbox's requestedBy for surveys: its worker does not count them as an agent's reply. */
export const csatActor = 'system:csat'

export interface CsatWorkerOptions {
  store: Store
  bus: Bus
  /** Where customers reach this server: survey links are <baseUrl>/csat/<token>. */
  baseUrl: () => string
  /** Tells the outbox a survey is queued. */
  outbox: { kick(): void }
  log?: (line: string) => void
  pollMs?: number
}

export interface CsatWorker {
  /** One pass: queues every due survey. Returns how many surveys were handled (sent or skipped). */
  tick(now?: Date): Promise<number>
  start(): void
  stop(): Promise<void>
}

const batchMax = 50

export function createCsatWorker(opts: CsatWorkerOptions): CsatWorker {
  const { store, bus } = opts
  const log = opts.log ?? (() => undefined)
  let timer: NodeJS.Timeout | null = null
  let running: Promise<number> | null = null

  async function tick(now = new Date()): Promise<number> {
    const { handled, sent } = await store.transaction(async (tx) => {
      const due = await tx.csat.due(batchMax, now)
      const sent: { workspaceId: string; conversationId: string }[] = []
      for (const s of due) {
        const skip = (reason: string) => tx.csat.markSkipped(s.id, reason)
        const settings = await tx.csat.settings(s.workspaceId)
        if (!settings.enabled) { await skip('CSAT was turned off before the survey was sent'); continue }
        if (s.conversationStatus !== 'resolved') { await skip('the conversation was reopened before the survey was sent'); continue }
        const channel = channelByName(s.channel)
        const ability = channel?.send === undefined ? null : { label: channel.label, actions: channel.send.actions, replyLengthMax: channel.replyLengthMax }
        const plan = planSurvey({ channel: s.channel, private: s.private }, settings, ability)
        if (!plan.ok) { await skip(plan.reason); continue }
        const target = await tx.outbox.target(s.conversationId, null)
        if (target === null) { await skip('no customer message to answer'); continue }
        const accountId = s.channelAccountId ?? (await tx.channelAccounts.firstFor(s.workspaceId, s.channel))?.id ?? null
        if (accountId === null) { await skip(`no ${s.channel} account to send through`); continue }
        const token = newSurveyToken()
        const text = surveyText(settings.message, `${opts.baseUrl()}/csat/${token}`)
        if (plan.visibility === 'public' && channel!.replyLengthMax !== null && graphemeCount(text) > channel!.replyLengthMax) {
          await skip(`the survey message is longer than ${channel!.label} allows (${channel!.replyLengthMax})`)
          continue
        }
        const { row } = await tx.outbox.enqueue({
          workspaceId: s.workspaceId, conversationId: s.conversationId, channel: s.channel, accountId, action: plan.action, text, visibility: plan.visibility,
          targetMessageId: target.id, idempotencyKey: `csat:${s.id}`, requestedBy: csatActor, requestedByAgentId: null, approvalReasons: [],
        })
        await tx.csat.markSent(s.id, { tokenHash: hashSurveyToken(token), sentAt: now, expiresAt: new Date(now.getTime() + surveyLifetimeMs), outboxId: row.id })
        await tx.audit.record({ workspaceId: s.workspaceId, actor: csatActor, action: 'csat.survey_sent', targetType: 'conversation', targetId: s.conversationId, detail: { surveyId: s.id, outboxId: row.id, action: plan.action } })
        sent.push({ workspaceId: s.workspaceId, conversationId: s.conversationId })
      }
      return { handled: due.length, sent }
    })
    if (sent.length > 0) opts.outbox.kick()
    for (const s of sent) await publishConversationUpdated(bus, s.workspaceId, s.conversationId)
    return handled
  }

  return {
    tick,
    start() {
      if (timer !== null) return
      timer = setInterval(() => {
        if (running !== null) return
        running = tick().catch((error: unknown) => {
          log(`CSAT surveys: ${String(error)}`)
          return 0
        }).finally(() => (running = null))
      }, opts.pollMs ?? 5_000)
      timer.unref()
    },
    async stop() {
      if (timer !== null) clearInterval(timer)
      timer = null
      if (running !== null) await running
    },
  }
}
