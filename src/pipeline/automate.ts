// Runs a workspace's automation rules (src/workflow/automation.ts) on what a pipeline batch changed:
// `message.created` for conversations that got a new customer message, `conversation.updated` for the
// others it touched (engagement updates, edits). One transaction per workspace, after the batch
// committed and before routing, so a rule's queue choice is what the router assigns from. Every
// action is logged in automation_run with its outcome and audited with the rule as the actor.
import { publishConversationUpdated, type Bus } from '../bus/index.ts'
import { channelByName } from '../channels/index.ts'
import { factsOf } from '../routing/conditions.ts'
import type { Queries, Store } from '../store/index.ts'
import type { Sql } from '../store/db.ts'
import { runAutomations, type AutomationAction, type AutomationEvent, type AutomationRule, type FiredAction } from '../workflow/automation.ts'
import { eventToward, transition } from '../workflow/status.ts'
import { normalizeTag, tagsPerConversationMax } from '../workflow/tags.ts'
import type { EarshotEvent } from '../events/event.ts'
import { publishEvents, recordResolution } from './csat.ts'

type Tx = Queries & { sql: Sql }

export interface AutomationTrigger {
  workspaceId: string
  conversationId: string
  event: AutomationEvent
  /** The new customer message, for message.created (hide acts on it). */
  messageId: string | null
}

export interface Automator {
  /** Runs the rules for these triggers; returns the conversations an action changed. */
  run(triggers: AutomationTrigger[]): Promise<string[]>
}


/** Applies one fired action; returns 'applied' or why it was skipped. */
async function applyAction(tx: Tx, t: AutomationTrigger, rule: AutomationRule, action: AutomationAction, now: Date, events: EarshotEvent[]): Promise<string> {
  const { workspaceId, conversationId } = t
  switch (action.type) {
    case 'set_queue': {
      if ((await tx.routing.queues(workspaceId)).every((q) => q.id !== action.queueId)) return 'skipped: no such queue'
      await tx.routing.setQueue(conversationId, action.queueId, now, true)
      await tx.routing.recordAssignment({ workspaceId, conversationId, queueId: action.queueId, agentId: null, reasons: [`automation "${rule.name}"`], actor: `automation:${rule.id}` })
      return 'applied'
    }
    case 'add_tag': {
      const tag = normalizeTag(action.tag)
      if (!tag.ok) return `skipped: ${tag.reason}`
      const { rowCount } = await tx.sql.query(
        `update conversation set tags = array(select distinct t from unnest(array_append(tags, $2::text)) t order by t), updated_at = now(), version = version + 1
         where id = $1 and not ($2 = any(tags)) and cardinality(tags) < $3`, [conversationId, tag.tag, tagsPerConversationMax])
      return rowCount === 1 ? 'applied' : 'skipped: already tagged, or the conversation has the most tags it can'
    }
    case 'set_status': {
      const state = await tx.routing.statusState(workspaceId, conversationId)
      if (state === null) return 'skipped: conversation gone'
      const event = eventToward(state.status, action.status, now)
      if (event === null) return 'skipped: a conversation cannot go back to new'
      const result = transition(state, event, now)
      if (!result.ok) return `skipped: ${result.message}`
      if (!result.changed) return 'skipped: already there'
      await tx.routing.setStatusState(workspaceId, conversationId, result.state, null)
      if (state.assigneeId !== null && result.state.status !== 'open') await tx.routing.markIdleIfFree([state.assigneeId], now)
      // resolved by a rule is resolved: the conversation.resolved event and the CSAT survey follow as after an agent's
      if (result.state.status === 'resolved') events.push(...await recordResolution(tx, { workspaceId, conversationId, resolvedAt: result.state.resolvedAt ?? now, actor: `automation:${rule.name}` }))
      return 'applied'
    }
    case 'set_priority_override': {
      const { rowCount } = await tx.sql.query('update conversation set priority_override = $2 where id = $1 and priority_override is distinct from $2', [conversationId, action.score])
      if (rowCount !== 1) return 'skipped: already set'
      await tx.conversations.refresh(conversationId, false)
      return 'applied'
    }
    case 'hide': {
      if (t.messageId === null) return 'skipped: no triggering message'
      const conversation = await tx.conversations.get(workspaceId, conversationId)
      const sender = conversation === null ? undefined : channelByName(conversation.channel)?.send
      if (conversation === null || sender === undefined || !sender.actions.includes('hide')) return `skipped: ${conversation?.channel ?? 'this channel'} cannot hide messages`
      const accountId = conversation.channelAccountId ?? (await tx.channelAccounts.firstFor(workspaceId, conversation.channel))?.id ?? null
      if (accountId === null) return 'skipped: no channel account to hide with'
      await tx.outbox.enqueue({
        workspaceId, conversationId, channel: conversation.channel, accountId, action: 'hide', text: '', visibility: 'public',
        targetMessageId: t.messageId, idempotencyKey: `automation:${rule.id}:hide:${t.messageId}`, requestedBy: `automation:${rule.name}`,
        requestedByAgentId: null, approvalReasons: [],
      })
      return 'applied'
    }
    case 'assign': {
      if ((await tx.agents.get(workspaceId, action.agentId)) === null) return 'skipped: no such agent'
      if (!(await tx.routing.assignIfFree(conversationId, action.agentId, now))) return 'skipped: already assigned, or not new/open'
      await tx.routing.recordAssignment({ workspaceId, conversationId, queueId: null, agentId: action.agentId, reasons: [`automation "${rule.name}"`], actor: `automation:${rule.id}` })
      return 'applied'
    }
  }
}

/** One workspace's triggers in one transaction. Exported for the API's "run now" and tests. */
export async function automateIn(tx: Tx, workspaceId: string, triggers: AutomationTrigger[], rules: readonly AutomationRule[], now: Date, events: EarshotEvent[] = []): Promise<string[]> {
  if (rules.length === 0 || triggers.length === 0) return []
  const conversations = new Map((await tx.routing.byIds(workspaceId, [...new Set(triggers.map((t) => t.conversationId))])).map((c) => [c.id, c]))
  const byId = new Map(rules.map((r) => [r.id, r]))
  const changed = new Set<string>()
  const runs: Parameters<Tx['automations']['recordRuns']>[0] = []
  for (const t of triggers) {
    const c = conversations.get(t.conversationId)
    if (c === undefined) continue
    const fired: FiredAction[] = runAutomations({ type: t.event }, { ...factsOf(c, { status: c.status }), assigneeId: c.assigneeId }, rules)
    for (const f of fired) {
      const rule = byId.get(f.ruleId)!
      const outcome = await applyAction(tx, t, rule, f.action, now, events)
      runs.push({ workspaceId, ruleId: rule.id, conversationId: c.id, event: t.event, action: f.action, outcome })
      if (outcome !== 'applied') continue
      changed.add(c.id)
      await tx.audit.record({ workspaceId, actor: `automation:${rule.name}`, action: `automation.${f.action.type}`, targetType: 'conversation', targetId: c.id, detail: { ruleId: rule.id, event: t.event, action: f.action } })
    }
  }
  await tx.automations.recordRuns(runs)
  return [...changed]
}

export function createAutomator(store: Store, bus: Bus, opts: { kickOutbox?: () => void; log?: (line: string) => void } = {}): Automator {
  const log = opts.log ?? (() => undefined)
  // Read once per batch and workspace (one small query): a rule saved through the API applies to the next batch.
  async function rulesOf(workspaceId: string): Promise<AutomationRule[]> {
    const rows = await store.automations.list(workspaceId)
    for (const r of rows) if (r.problem !== null) log(`automation ${r.id} does not validate any more and is skipped: ${r.problem}`)
    return rows.flatMap((r) => (r.rule === null || !r.rule.enabled ? [] : [r.rule]))
  }
  return {
    async run(triggers) {
      const changed: string[] = []
      const byWorkspace = new Map<string, AutomationTrigger[]>()
      for (const t of triggers) byWorkspace.set(t.workspaceId, [...(byWorkspace.get(t.workspaceId) ?? []), t])
      for (const [workspaceId, list] of byWorkspace) {
        const rules = await rulesOf(workspaceId)
        if (rules.length === 0) continue
        try {
          const events: EarshotEvent[] = []
          const ids = await store.transaction((tx) => automateIn(tx, workspaceId, list, rules, new Date(), events))
          for (const id of ids) await publishConversationUpdated(bus, workspaceId, id)
          await publishEvents(bus, events, log)
          changed.push(...ids)
          if (rules.some((r) => r.then.some((a) => a.type === 'hide'))) opts.kickOutbox?.()
        } catch (error) {
          log(`automations for ${workspaceId} failed: ${String(error)}`)
        }
      }
      return changed
    },
  }
}
