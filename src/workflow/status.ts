// The conversation status lifecycle as one pure transition function:
//   new → open → pending → snoozed (until a time) → resolved, and back to open on a customer message.
// Agents' moves that make no sense are refused with a reason; events from the customer and the clock
// always succeed.
import type { ConversationStatus } from '../core/model.ts'

export interface StatusState {
  status: ConversationStatus
  /** Set while snoozed. */
  snoozedUntil: Date | null
  /** Set while resolved: when it was resolved (for the reopen window). */
  resolvedAt: Date | null
}

export type StatusEvent =
  /** An agent works on it (or moves it back to open). */
  | { type: 'open' }
  /** Waiting on the customer. */
  | { type: 'pend' }
  | { type: 'snooze'; until: Date }
  | { type: 'resolve' }
  /** An agent reopens a resolved conversation. */
  | { type: 'reopen' }
  | { type: 'customer_message' }
  | { type: 'agent_reply' }
  /** The clock: wakes snoozed conversations whose time has come. */
  | { type: 'tick' }

export type StatusErrorCode = 'INVALID_TRANSITION' | 'SNOOZE_IN_PAST' | 'INVALID_DATE'

export type StatusResult =
  | {
    ok: true
    state: StatusState
    changed: boolean
    /** A customer wrote after the reopen window: the caller starts a new conversation instead of reopening. */
    startNew: boolean
  }
  | { ok: false; code: StatusErrorCode; message: string }

export interface StatusOptions {
  /** A customer message within this long after resolution reopens; later it starts a new conversation. Default 7 days. */
  reopenWindowMs?: number
  /** Sending a reply moves new/open conversations to pending (awaiting the customer); default false. */
  pendingAfterReply?: boolean
}

export const reopenWindowMsDefault = 7 * 86_400_000

/** Which statuses an agent may move a conversation to, by hand, from each status. */
export const agentTransitions: Record<ConversationStatus, readonly ConversationStatus[]> = {
  new: ['open', 'pending', 'snoozed', 'resolved'],
  open: ['pending', 'snoozed', 'resolved'],
  pending: ['open', 'snoozed', 'resolved'],
  snoozed: ['open', 'pending', 'resolved'],
  resolved: ['open'],
}

const targetOf: Record<'open' | 'pend' | 'snooze' | 'resolve' | 'reopen', ConversationStatus> = {
  open: 'open', pend: 'pending', snooze: 'snoozed', resolve: 'resolved', reopen: 'open',
}

function settled(state: StatusState, next: StatusState, startNew = false): StatusResult {
  const changed = state.status !== next.status
    || state.snoozedUntil?.getTime() !== next.snoozedUntil?.getTime()
    || state.resolvedAt?.getTime() !== next.resolvedAt?.getTime()
  return { ok: true, state: next, changed, startNew }
}

function moveTo(status: ConversationStatus, now: Date, until: Date | null = null): StatusState {
  return { status, snoozedUntil: status === 'snoozed' ? until : null, resolvedAt: status === 'resolved' ? now : null }
}

function refuse(from: ConversationStatus, event: StatusEvent['type'], hint: string): StatusResult {
  return { ok: false, code: 'INVALID_TRANSITION', message: `cannot ${event} a ${from} conversation${hint === '' ? '' : `: ${hint}`}` }
}

export function transition(state: StatusState, event: StatusEvent, now: Date, options: StatusOptions = {}): StatusResult {
  const from = state.status
  switch (event.type) {
    case 'customer_message': {
      if (from === 'new' || from === 'open') return settled(state, state)
      if (from === 'resolved') {
        const window = options.reopenWindowMs ?? reopenWindowMsDefault
        if (state.resolvedAt !== null && now.getTime() - state.resolvedAt.getTime() > window) return settled(state, state, true)
      }
      return settled(state, moveTo('open', now))
    }
    case 'agent_reply': {
      if (from === 'resolved' || from === 'snoozed') return settled(state, state)
      if (options.pendingAfterReply === true) return settled(state, moveTo('pending', now))
      return settled(state, from === 'new' ? moveTo('open', now) : state)
    }
    case 'tick': {
      if (from === 'snoozed' && state.snoozedUntil !== null && state.snoozedUntil.getTime() <= now.getTime()) return settled(state, moveTo('open', now))
      return settled(state, state)
    }
    case 'reopen':
      if (from !== 'resolved') return refuse(from, 'reopen', 'only resolved conversations are reopened')
      return settled(state, moveTo('open', now))
    case 'snooze': {
      if (!(event.until instanceof Date) || Number.isNaN(event.until.getTime())) return { ok: false, code: 'INVALID_DATE', message: 'snooze needs a valid date' }
      if (event.until.getTime() <= now.getTime()) return { ok: false, code: 'SNOOZE_IN_PAST', message: `cannot snooze until ${event.until.toISOString()}: that time has passed` }
      if (from === 'resolved') return refuse(from, 'snooze', 'reopen it first')
      return settled(state, moveTo('snoozed', now, event.until))
    }
    case 'open':
    case 'pend':
    case 'resolve': {
      const to = targetOf[event.type]
      if (to === from) return settled(state, state)
      if (!agentTransitions[from].includes(to)) return refuse(from, event.type, from === 'resolved' ? 'reopen it first' : `allowed: ${agentTransitions[from].join(', ')}`)
      return settled(state, moveTo(to, now))
    }
  }
}

/** A snooze without a time (the app's buttons, automations) lasts a day. */
export const snoozeMsDefault = 86_400_000

/**
 * The event that moves a conversation from `from` to the status someone asked for, or null for `new`
 * (nothing goes back to new). `until` is a snooze's end; without it, `now` + a day.
 */
export function eventToward(from: ConversationStatus, to: ConversationStatus, now: Date, until?: Date): StatusEvent | null {
  switch (to) {
    case 'open': return from === 'resolved' ? { type: 'reopen' } : { type: 'open' }
    case 'pending': return { type: 'pend' }
    case 'resolved': return { type: 'resolve' }
    case 'snoozed': return { type: 'snooze', until: until ?? new Date(now.getTime() + snoozeMsDefault) }
    case 'new': return null
  }
}
